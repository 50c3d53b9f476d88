// The sync library against the real test network: the cache's first load,
// incremental sync, deletes and resume after kill -9; rentals through a red
// box failover; an in-doubt commit resolved by its UUID; TLS with a wrong CA;
// 200 rentals while the red box is unreachable, replayed exactly once (also
// when the kiosk process is killed mid-replay); a return made during a replay
// while the red box hangs or stops, answered at once; a return taken in before a
// stop, recorded at the next start; escalation; bad input.
#include "dbcheck.h"
#include "enginecalls.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/cards.h"
#include "core/crossthread.h"
#include "kioskcore/kioskengine.h"
#include "pg/asyncconnection.h"
#include "sqlite/sqlite.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

class TestKioskEngine : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

    QString cardOf(qint64 member) { return net.cardHash(memberCardNumber(member)); }
    // A member of COAST, signed in at E with their PIN (the red box's ticket, or HQ's for an away member).
    MemberInfo signedInMember(KioskEngine &e, const QString &coast, int minPlanLimit = 1)
    {
        const QString card = cardOf(net.takeMember(coast, minPlanLimit));
        return signedIn(e, card, net.pinOfCard(card));
    }

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
    }

    void cleanup()
    {
        QVERIFY(net.waitForQuiet(120s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void firstLoadFillsTheCacheWithProgress()
    {
        QTemporaryDir dir;
        KioskEngine e(net.kioskConfig(QStringLiteral("west-rb1"), 1, dir.path()));
        QSignalSpy progress(&e, &KioskEngine::cacheProgress);
        QElapsedTimer t;
        t.start();
        e.start();
        QVERIFY(waitSynced(e));
        qInfo("first load: %lld ms", static_cast<long long>(t.elapsed()));
        const auto c = e.cacheCounts();
        QCOMPARE(c.movies, count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.movie"));
        QCOMPARE(c.members, count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.membershipstatus"));
        QCOMPARE(c.discs, count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.dvd WHERE kiosk_id = $1",
                                {net.kioskId(QStringLiteral("west-rb1"), 1)}));
        QCOMPARE(c.technicians, count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.technician"));
        QVERIFY(progress.count() >= 2);
        const QList<QVariant> last = progress.last();
        QCOMPARE(last.at(0).toLongLong(), last.at(1).toLongLong());   // rows done == total
        QVERIFY(last.at(1).toLongLong() > 1000);
        QVERIFY(e.health().lastCacheSync.isValid());
    }

    void incrementalSyncCarriesChangesAndDeletes()
    {
        QTemporaryDir dir;
        KioskEngine e(net.kioskConfig(QStringLiteral("west-rb1"), 1, dir.path()));
        e.start();
        QVERIFY(waitSynced(e));
        pg::Connection admin = net.connect(QStringLiteral("west-rb1"));
        admin.exec("INSERT INTO redbox.movie (movie_id, title, genre, rating, release_year, runtime_min, rent_from) "
                   "VALUES (99901, 'Test Pattern', 'Drama', 'PG', 2026, 90, '2026-01-01')",
                   {}, true);
        QVERIFY(QTest::qWaitFor([&] { return e.title(99901).has_value(); }, 30000));
        admin.exec("UPDATE redbox.movie SET title = 'Test Pattern II' WHERE movie_id = 99901", {}, true);
        QVERIFY(QTest::qWaitFor([&] { return e.title(99901).value_or(Title{}).title == QLatin1String("Test Pattern II"); }, 30000));
        admin.exec("DELETE FROM redbox.movie WHERE movie_id = 99901", {}, true);
        QVERIFY(QTest::qWaitFor([&] { return !e.title(99901).has_value(); }, 30000));
        // A rental elsewhere in the node changes a member's status; the cache follows.
        KioskCalls k(QStringLiteral("west-rb1"), 2);
        const qint64 member = net.takeMember(QStringLiteral("west"));
        k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId()));
        QVERIFY(QTest::qWaitFor([&] { return e.cachedMember(cardOf(member)).value_or(MemberInfo{}).discsOut == 1; }, 30000));
    }

    void syncResumesAfterTheKioskIsKilledMidRound()
    {
        QTemporaryDir dir;
        QProcess helper;
        helper.start(QCoreApplication::applicationDirPath() + QStringLiteral("/kiosk_helper"),
                     {QStringLiteral("sync"), QStringLiteral("east-rb1"), QStringLiteral("1"), dir.path(), QStringLiteral("20")});
        QVERIFY(helper.waitForStarted());
        const QString cachePath = dir.filePath(QStringLiteral("cache.db"));
        qint64 doneAtKill = 0;
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (!QFile::exists(cachePath))
                    return false;
                try {
                    sqlite::Database db = sqlite::Database::open(cachePath, sqlite::Database::Mode::ReadOnly);
                    sqlite::Statement s = db.prepare(QStringLiteral("SELECT round_done FROM sync_state"));
                    s.step();
                    doneAtKill = s.int64(0);
                } catch (const sqlite::Error &) {
                    return false;
                }
                return doneAtKill >= 200;
            },
            60000));
        helper.kill();   // SIGKILL, mid-round
        helper.waitForFinished();
        KioskEngine e(net.kioskConfig(QStringLiteral("east-rb1"), 1, dir.path()));
        e.start();
        const SyncCursor resumed = e.cacheCursor();
        qInfo("killed with %lld of %lld rows synced", static_cast<long long>(resumed.roundDone),
              static_cast<long long>(resumed.roundTotal));
        QVERIFY(!resumed.roundTo.isEmpty());   // the round is picked up, not restarted
        QVERIFY(resumed.roundDone >= doneAtKill);
        QVERIFY(resumed.roundDone < resumed.roundTotal);
        QVERIFY(waitSynced(e));
        QCOMPARE(e.cacheCounts().members, count(QStringLiteral("east-rb1"), "SELECT count(*) FROM redbox.membershipstatus"));
        QCOMPARE(e.cacheCounts().movies, count(QStringLiteral("east-rb1"), "SELECT count(*) FROM redbox.movie"));
    }

    void rentalsContinueThroughARedBoxFailover()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("west-rb2");
        KioskConfig cfg = net.kioskConfig(node, 1, dir.path());
        cfg.offlineAfterMs = 60000;   // wait out the failover rather than going offline
        KioskEngine e(cfg);
        e.start();
        QVERIFY(waitSynced(e));
        const MemberInfo m = signedInMember(e, QStringLiteral("west"));
        QCOMPARE(rent(e, m, net.takeDisc(node, cfg.kioskId)).failure, Failure::None);
        const QString disc = net.takeDisc(node, cfg.kioskId);   // before the failover: no admin queries during it
        const QString old = net.primaryOf(node);
        net.killServer(net.memberAt(old), true);
        QElapsedTimer t;
        t.start();
        const RentResult after = rent(e, m, disc);
        qInfo("rental after the primary was killed: committed %lld ms later on %s", static_cast<long long>(t.elapsed()),
              qPrintable(net.primaryOf(node)));
        QCOMPARE(after.failure, Failure::None);
        QVERIFY(!after.offline);
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {after.rentalId.toString(QUuid::WithoutBraces)}),
                 1);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(net.waitHealthy(node, 120s));
    }

    void anInDoubtCommitIsResolvedByItsUuid()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("east-rb2");
        KioskEngine e(net.kioskConfig(node, 1, dir.path()));
        e.start();
        QVERIFY(waitSynced(e));
        const MemberInfo m = signedInMember(e, QStringLiteral("east"));
        e.loseNextAnswerForTesting();
        const RentResult r = rent(e, m, net.takeDisc(node, e.config().kioskId));
        QCOMPARE(r.failure, Failure::None);
        QVERIFY(r.replayed);   // found by its id: the first call had committed
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {r.rentalId.toString(QUuid::WithoutBraces)}), 1);
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.outbox WHERE event_id = $1 AND kind = 'rental'",
                       {r.rentalId.toString(QUuid::WithoutBraces)}),
                 1);
    }

    // As the kiosk app runs it: the engine on a thread of its own, called by posting to it from
    // another thread, its answers and health coming back queued. (The sanitizer builds run this
    // under ThreadSanitizer.)
    void theEngineServesCallsFromAnotherThread()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("west-rb2");
        QThread thread;
        thread.setObjectName(QStringLiteral("kiosk-engine"));
        thread.start();
        auto *e = new KioskEngine(net.kioskConfig(node, 2, dir.path()));
        e->moveToThread(&thread);
        // Signals from the engine's thread arrive here queued (a QSignalSpy would count them there).
        QObject here;
        int synced = 0, healthReports = 0;
        connect(e, &KioskEngine::cacheSynced, &here, [&] { ++synced; });
        connect(e, &KioskEngine::healthChanged, &here, [&](const KioskHealth &) { ++healthReports; });
        postTo(
            e, [e] { e->start(); }, Qt::BlockingQueuedConnection);
        QVERIFY(QTest::qWaitFor([&] { return synced > 0; }, 60000));
        QVERIFY(healthReports > 0);
        const QString card = cardOf(net.takeMember(QStringLiteral("west"), 2));
        const QString disc = net.takeDisc(node, e->config().kioskId);
        // Each call is posted to the engine's thread; its callback posts the answer back here.
        auto onEngine = [e](auto work) { postTo(e, work); };
        auto back = [&here](auto deliver) { postTo(&here, deliver); };
        std::optional<SignInResult> signedIn;
        QString lookupError;
        const QString pin = net.pinOfCard(card);
        onEngine([&, e, pin] {
            e->lookupMember(card, [&, e, pin](std::optional<MemberInfo> m, Failure, QString message) {
                if (!m) {
                    back([&, message] { lookupError = message.isEmpty() ? QStringLiteral("unknown card") : message; });
                    return;
                }
                e->signIn(*m, pin, [&](SignInResult r) { back([&, r] { signedIn = r; }); });
            });
        });
        QVERIFY(QTest::qWaitFor([&] { return signedIn.has_value() || !lookupError.isEmpty(); }, 30000));
        QVERIFY2(lookupError.isEmpty(), qPrintable(lookupError));
        QVERIFY2(signedIn->member.has_value(),
                 qPrintable(QStringLiteral("outcome %1: %2").arg(static_cast<int>(signedIn->outcome)).arg(signedIn->message)));
        const std::optional<MemberInfo> member = signedIn->member;
        QVERIFY(member->ticket.has_value());
        std::optional<RentResult> rented;
        RentRequest req;
        req.member = *member;
        req.barcode = disc;
        req.cardToken = QStringLiteral("tok_threadtest01");
        req.cardLast4 = QStringLiteral("4242");
        onEngine([&, e, req] { e->rent(req, [&](RentResult r) { back([&, r] { rented = r; }); }); });
        QVERIFY(QTest::qWaitFor([&] { return rented.has_value(); }, 30000));
        QCOMPARE(rented->failure, Failure::None);
        std::optional<int> slot;
        onEngine([&, e] {
            e->dispensed(rented->rentalId);
            const int free = e->freeSlot();
            back([&, free] { slot = free; });
        });
        QVERIFY(QTest::qWaitFor([&] { return slot.has_value(); }, 30000));
        std::optional<ReturnResult> returned;
        ReturnRequest ret;
        ret.barcode = disc;
        ret.slot = *slot;
        onEngine([&, e, ret] { e->returnDisc(ret, [&](ReturnResult r) { back([&, r] { returned = r; }); }); });
        QVERIFY(QTest::qWaitFor([&] { return returned.has_value(); }, 30000));
        QCOMPARE(returned->failure, Failure::None);
        QCOMPARE(returned->rentalId, rented->rentalId);
        postTo(
            e,
            [e] {
                e->stop();
                delete e;
            },
            Qt::BlockingQueuedConnection);
        thread.quit();
        QVERIFY(thread.wait(10000));
    }

    void aServerCertificateFromAnotherCaIsRefused()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("other-ca.crt"));
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                                    QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                    QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=Other"),
                                    QStringLiteral("-keyout"), dir.filePath(QStringLiteral("k")), QStringLiteral("-out"), ca}),
                 0);
        KioskConfig cfg = net.kioskConfig(QStringLiteral("west-rb1"), 1, dir.path());
        cfg.caFile = ca;
        pg::AsyncConnection conn;
        QSignalSpy lost(&conn, &pg::AsyncConnection::connectionLost);
        QSignalSpy up(&conn, &pg::AsyncConnection::connected);
        conn.open(cfg.redboxConninfo());
        QVERIFY(lost.wait(10000));
        QCOMPARE(up.count(), 0);
        QVERIFY2(lost.first().first().toString().contains(QLatin1String("certificate verify failed")),
                 qPrintable(lost.first().first().toString()));
    }

    void twoHundredRentalsWhileTheRedBoxIsDownAreReplayedExactlyOnce()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("west-rb1");
        KioskConfig cfg = net.kioskConfig(node, 1, dir.path());
        cfg.offlineAfterMs = 1000;
        QList<QUuid> ids;
        {
            KioskEngine e(cfg);
            e.start();
            QVERIFY(waitSynced(e));
            QList<MemberInfo> members;
            for (int i = 0; i < 110; ++i)
                members << lookup(e, cardOf(net.takeMember(QStringLiteral("west"), 2)));
            QStringList discs;
            for (int i = 0; i < 200; ++i)
                discs << net.takeDisc(node, cfg.kioskId);
            QCOMPARE(net.tool({QStringLiteral("stop"), node}), 0);
            for (int i = 0; i < 200; ++i) {
                const RentResult r = rent(e, members[i / 2], discs[i]);
                QVERIFY2(r.failure == Failure::None, qPrintable(r.message));
                QVERIFY(r.offline);
                ids << r.rentalId;
            }
            QCOMPARE(e.outboxStatus().queued, 200);
            QCOMPARE(e.health().outboxDepth, 200);
            // The offline allowance holds: a third disc for a Basic member is refused.
            e.stop();
        }
        // The kiosk process is killed mid-replay: a separate process replays, and dies.
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(net.waitHealthy(node, 120s));
        QProcess helper;
        helper.start(QCoreApplication::applicationDirPath() + QStringLiteral("/kiosk_helper"),
                     {QStringLiteral("replay"), node, QStringLiteral("1"), dir.path()});
        QVERIFY(helper.waitForStarted());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return count(node, "SELECT count(*) FROM redbox.rental WHERE offline AND rental_id = ANY ($1::uuid[])",
                             {QStringLiteral("{%1}").arg([&] {
                                 QStringList s;
                                 for (const QUuid &u : ids)
                                     s << u.toString(QUuid::WithoutBraces);
                                 return s.join(QLatin1Char(','));
                             }())}) >= 30;
            },
            60000));
        helper.kill();
        helper.waitForFinished();
        KioskEngine e(cfg);
        QSignalSpy replayed(&e, &KioskEngine::outboxReplayed);
        e.start();
        QVERIFY(QTest::qWaitFor([&] { return e.outboxStatus().queued == 0; }, 120000));
        QCOMPARE(e.outboxStatus().parked, 0);
        for (const QUuid &id : ids)
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id.toString(QUuid::WithoutBraces)}), 1);
        QVERIFY(net.waitForQuiet(120s));
        for (const QUuid &id : ids)
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1",
                           {id.toString(QUuid::WithoutBraces)}),
                     1);
    }

    void aReturnDuringAReplayIsAnsweredWhenTheRedBoxHangsOrStops()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("east-rb2");
        KioskConfig cfg = net.kioskConfig(node, 1, dir.path());
        cfg.offlineAfterMs = 1000;
        QStringList rentedDiscs;   // out with their members, rented online: they come back during the replay
        QList<QUuid> rentedIds;
        QList<QUuid> offlineIds;
        {
            KioskEngine e(cfg);
            e.start();
            QVERIFY(waitSynced(e));
            for (int i = 0; i < 2; ++i) {
                const QString disc = net.takeDisc(node, cfg.kioskId);
                const RentResult r = rent(e, signedInMember(e, QStringLiteral("east")), disc);
                QCOMPARE(r.failure, Failure::None);
                QVERIFY(!r.offline);
                e.dispensed(r.rentalId);
                rentedDiscs << disc;
                rentedIds << r.rentalId;
            }
            QList<MemberInfo> members;
            for (int i = 0; i < 10; ++i)
                members << lookup(e, cardOf(net.takeMember(QStringLiteral("east"), 2)));
            QStringList discs;
            for (int i = 0; i < 20; ++i)
                discs << net.takeDisc(node, cfg.kioskId);
            QCOMPARE(net.tool({QStringLiteral("stop"), node}), 0);
            for (int i = 0; i < 20; ++i) {
                const RentResult r = rent(e, members[i / 2], discs[i]);
                QVERIFY2(r.failure == Failure::None && r.offline, qPrintable(r.message));
                offlineIds << r.rentalId;
            }
        }
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(net.waitHealthy(node, 120s));
        // The red box hangs: a lock holds every write to its rentals, so the replay's batch waits
        // at the server (and times out there) while the kiosk carries on.
        pg::Connection lock = net.connect(node);
        lock.exec("BEGIN");
        lock.exec("LOCK TABLE redbox.rental IN SHARE MODE");
        KioskEngine e(cfg);
        e.start();
        QVERIFY(QTest::qWaitFor([&] { return e.isReplaying(); }, 30000));
        auto takeBack = [&](const QString &disc) {
            ReturnRequest rr;
            rr.barcode = disc;
            rr.slot = e.freeSlot();
            return await<ReturnResult>([&](auto done) { e.returnDisc(rr, done); }, 20000);
        };
        QElapsedTimer t;
        t.start();
        const ReturnResult hung = takeBack(rentedDiscs[0]);
        qInfo("a return while the replay waits at a hung red box: answered in %lld ms", static_cast<long long>(t.elapsed()));
        QCOMPARE(hung.failure, Failure::None);
        QVERIFY(hung.offline);   // it queued behind the outbox
        // The red box stops while a batch is in flight: the return waiting for the drain queues too.
        QVERIFY(QTest::qWaitFor([&] { return e.isReplaying(); }, 30000));
        std::optional<ReturnResult> stopped;
        {
            ReturnRequest rr;
            rr.barcode = rentedDiscs[1];
            rr.slot = e.freeSlot();
            e.returnDisc(rr, [&](ReturnResult r) { stopped = r; });
        }
        QCOMPARE(net.tool({QStringLiteral("stop"), node}), 0);
        QVERIFY(QTest::qWaitFor([&] { return stopped.has_value(); }, 20000));
        QCOMPARE(stopped->failure, Failure::None);
        QVERIFY(stopped->offline);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(QTest::qWaitFor([&] { return e.outboxStatus().queued == 0; }, 120000));
        QCOMPARE(e.outboxStatus().parked, 0);
        for (const QUuid &id : std::as_const(offlineIds))
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id.toString(QUuid::WithoutBraces)}), 1);
        for (const QUuid &id : std::as_const(rentedIds))
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned'",
                           {id.toString(QUuid::WithoutBraces)}),
                     1);
    }

    void offlineRentalsStayWithinTheAllowance()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("east-rb1");
        KioskConfig cfg = net.kioskConfig(node, 2, dir.path());
        cfg.offlineAfterMs = 1000;
        KioskEngine e(cfg);
        e.start();
        QVERIFY(waitSynced(e));
        const MemberInfo m = lookup(e, cardOf(net.takeMember(QStringLiteral("east"), 4)));
        QStringList discs;   // chosen while the red box still answers
        for (int i = 0; i < 5; ++i)
            discs << net.takeDisc(node, cfg.kioskId);
        QCOMPARE(net.tool({QStringLiteral("stop"), node}), 0);
        for (int i = 0; i < 3; ++i)
            QVERIFY(rent(e, m, discs[i]).offline);
        const RentResult fourth = rent(e, m, discs[3]);
        QCOMPARE(fourth.failure, Failure::LimitReached);
        QVERIFY(fourth.message.contains(QLatin1String("offline limit")));
        // A card the cache does not know cannot rent offline.
        MemberInfo stranger = m;
        stranger.cardHash = net.cardHash(memberCardNumber(987654));
        QCOMPARE(rent(e, stranger, discs[4]).failure, Failure::Offline);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(QTest::qWaitFor([&] { return e.outboxStatus().queued == 0; }, 120000));
    }

    void awayMemberIsFoundAtHqAndUnknownCardsAreRefused()
    {
        QTemporaryDir dir;
        KioskEngine e(net.kioskConfig(QStringLiteral("west-rb2"), 2, dir.path()));
        e.start();
        QVERIFY(waitSynced(e));
        const qint64 eastMember = net.takeMember(QStringLiteral("east"));
        const MemberInfo found = lookup(e, cardOf(eastMember));
        QCOMPARE(found.memberId, eastMember);
        QVERIFY(found.away);
        QCOMPARE(found.source, QStringLiteral("hq"));
        QVERIFY(!found.ticket.has_value());   // no ticket before HQ checked the PIN
        const SignInResult wrong = signIn(
            e, found, net.pinOfCard(found.cardHash) == QLatin1String("0000") ? QStringLiteral("1111") : QStringLiteral("0000"));
        QCOMPARE(wrong.outcome, SignInOutcome::WrongPin);
        QCOMPARE(wrong.checkedBy, QStringLiteral("hq"));
        QCOMPARE(wrong.triesLeft, 4);
        const MemberInfo away = signedIn(e, found.cardHash, net.pinOfCard(found.cardHash));
        QVERIFY(away.away);
        QVERIFY(away.ticket.has_value());
        QCOMPARE(rent(e, away, net.takeDisc(QStringLiteral("west-rb2"), e.config().kioskId)).failure, Failure::None);
        struct R {
            std::optional<MemberInfo> m;
            Failure f;
            QString msg;
        };
        const R unknown = await<R>([&](auto done) {
            e.lookupMember(net.cardHash(memberCardNumber(99999999)), [done](std::optional<MemberInfo> m, Failure f, QString msg) {
                done(R{m, f, msg});
            });
        });
        QVERIFY(!unknown.m);
        QCOMPARE(unknown.f, Failure::UnknownCard);
        QVERIFY(unknown.msg.contains(QLatin1String("not a member anywhere")));
    }

    // A kiosk that stops after a returned disc went into its slot, before the return was
    // recorded: the store journal has it, and the kiosk records it when it starts again (once,
    // under the return's own id). A kiosk whose journal cannot be written takes no disc in.
    void aReturnTakenInBeforeAStopIsRecordedWhenTheKioskStarts()
    {
        QTemporaryDir dir;
        const QString node = QStringLiteral("west-rb1");
        const KioskConfig cfg = net.kioskConfig(node, 1, dir.path());
        ReturnRequest rr;
        QUuid rentalId;
        {
            KioskEngine e(cfg);
            e.start();
            QVERIFY(waitSynced(e));
            const MemberInfo m = signedInMember(e, QStringLiteral("west"));
            const QString disc = net.takeDisc(node, cfg.kioskId);
            const RentResult r = rent(e, m, disc);
            QCOMPARE(r.failure, Failure::None);
            e.dispensed(r.rentalId);
            rentalId = r.rentalId;
            rr.barcode = disc;
            rr.slot = e.freeSlot();
            QVERIFY(rr.slot > 0);
            QVERIFY(e.beginReturn(rr));
            QCOMPARE(e.outboxStatus().journal, 1);
        }   // stopped here: the disc is in its slot, the return not recorded
        const QString rental = rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'", {rental}), 1);
        KioskEngine again(cfg);
        again.start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned' AND return_id = $2",
                             {rental, rr.returnId.toString(QUuid::WithoutBraces)}) == 1;
            },
            30000));
        QVERIFY(QTest::qWaitFor([&] { return again.outboxStatus().journal == 0; }, 10000));
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.local_return WHERE return_id = $1", {rr.returnId.toString(QUuid::WithoutBraces)}),
                 1);
    }

    void badInputIsRefusedBeforeAnythingIsSent()
    {
        QTemporaryDir dir;
        KioskEngine e(net.kioskConfig(QStringLiteral("west-rb2"), 1, dir.path()));
        e.start();
        QVERIFY(waitSynced(e));
        struct R {
            std::optional<MemberInfo> m;
            Failure f;
            QString msg;
        };
        for (const QString &card :
             {QStringLiteral("not a hash"), QStringLiteral("'; DROP TABLE rental; --"), QString(5000, QLatin1Char('a')), QString()}) {
            const R r = await<R>([&](auto done) {
                e.lookupMember(card, [done](std::optional<MemberInfo> m, Failure f, QString msg) { done(R{m, f, msg}); });
            });
            QCOMPARE(r.f, Failure::BadInput);
        }
        for (const QString &pin :
             {QStringLiteral("123"), QStringLiteral("12345"), QStringLiteral("12a4"), QString(), QStringLiteral("1' OR '1")})
            QVERIFY(!memberPinWellFormed(pin));
        const MemberInfo m = signedInMember(e, QStringLiteral("west"));
        for (const QString &pin : {QStringLiteral("12345"), QStringLiteral("1' OR '1"), QString()})
            QCOMPARE(signIn(e, m, pin).failure, Failure::BadInput);
        for (const QString &barcode : {QStringLiteral("D'; DROP--"), QString(5000, QLatin1Char('9')), QStringLiteral("D000140000018")}) {
            QCOMPARE(rent(e, m, barcode).failure, Failure::BadInput);
            ReturnRequest rr;
            rr.barcode = barcode;
            rr.slot = 1;
            QCOMPARE(await<ReturnResult>([&](auto done) { e.returnDisc(rr, done); }).failure, Failure::BadInput);
        }
    }
};

QTEST_GUILESS_MAIN(TestKioskEngine)
#include "tst_kioskengine.moc"
