// Maintenance mode's controller against the real test network and
// the simulated hardware: entry from the help screen with a technician card
// and PIN checked at the red box, the 5-failure lockout (kept across a
// restart) and the idle exit; loading 50 discs that customers then see
// without a restart; unloading (refused for a rented-out disc), marking a
// disc damaged, HQ's removal list reaching the kiosk; the hardware tests and
// a jam cleared and retried; a full resync, parked hops, the diagnostics
// bundle, a failover and back through Patroni; offline sign-in from the cache.
// Every action's audit row is checked at the red box and at HQ.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "kioskrig.h"
#include "testnetwork.h"

#include "controllers/kioskcontroller.h"
#include "core/cards.h"
#include "core/logbuffer.h"
#include "hardware/simulatedhardware.h"
#include "maintenance/maintenancecontroller.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;
using Page = MaintenanceController::Page;

namespace {

QJsonObject technician(int index)
{
    return tryTechnician(index);
}

// The technician every coast knows (the generated data gives the first one the east coast only).
QJsonObject everywhereTech()
{
    return technician(1);
}

// The action's result, waited for.
std::pair<bool, QString> waitAction(MaintenanceController &m, const QString &action, const std::function<void()> &start, int ms = 60000)
{
    if (!QTest::qWaitFor([&] { return !m.busy(); }, 60000))
        return {false, QStringLiteral("still busy before %1").arg(action)};
    QSignalSpy done(&m, &MaintenanceController::actionDone);
    start();
    const bool got = QTest::qWaitFor(
        [&] {
            for (const QList<QVariant> &args : done)
                if (args.at(0).toString() == action)
                    return true;
            return false;
        },
        ms);
    if (!got)
        return {false, QStringLiteral("no answer for %1").arg(action)};
    for (const QList<QVariant> &args : done)
        if (args.at(0).toString() == action)
            return {args.at(1).toBool(), args.at(2).toString()};
    return {false, {}};
}

void enterAndSwipe(KioskRig &k, const QString &card)
{
    k.ctl->openHelp();
    k.m->requestEntry();
    QCOMPARE(k.m->page(), Page::Card);
    QCOMPARE(k.ctl->screen(), KioskController::Screen::Maintenance);
    k.hw.swipeCard(track(card));
}

void signIn(KioskRig &k, const QJsonObject &tech)
{
    enterAndSwipe(k, tech.value(QStringLiteral("card")).toString());
    QVERIFY2(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000), qPrintable(k.m->message()));
    for (const QChar c : tech.value(QStringLiteral("pin")).toString())
        k.m->session()->pinDigit(c.digitValue());
    const auto [ok, message] = waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); });
    QVERIFY2(ok, qPrintable(message));
    QVERIFY(k.m->signedIn());
    QCOMPARE(k.m->page(), Page::Health);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(QTest::qWaitFor([&] { return !k.m->busy(); }, 30000), "the first health check did not finish");
    qInfo("first health check after sign-in: %lld ms", clock.elapsed());
}

// Audit rows are counted from the start of each test (a rerun on the same network keeps the old ones).
QDateTime g_since;

qint64 audits(const QString &node, const QString &kioskId, const QString &action)
{
    return count(node, "SELECT count(*) FROM redbox.audit_log WHERE kiosk_id = $1 AND action = $2 AND at >= $3",
                 {kioskId, action, g_since});
}

}   // namespace

class TestMaintenance : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

private slots:
    void initTestCase()
    {
        LogBuffer::install(500);
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
    }

    void init() { g_since = QDateTime::currentDateTimeUtc().addSecs(-1); }

    void cleanup()
    {
        QVERIFY(net.waitForQuiet(120s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void entryIsHiddenAndChecksCardAndPinAtTheRedBox()
    {
        KioskRig k(QStringLiteral("west-rb1"), 1);
        // Not from the attract loop or in a customer's visit: only from the help screen.
        k.m->requestEntry();
        QCOMPARE(k.m->page(), Page::Closed);
        k.ctl->start();
        k.m->requestEntry();
        QCOMPARE(k.m->page(), Page::Closed);
        k.ctl->cancel();

        // A member's card is not a technician's.
        enterAndSwipe(k, memberCardNumber(5));
        QVERIFY(QTest::qWaitFor([&] { return k.m->session()->failuresLeft() == 4; }, 10000));
        // A technician of the other coast is not known at this red box: refused there, with the PIN
        // (the card alone proves nothing, so the kiosk asks for the PIN first).
        k.hw.swipeCard(track(technician(0).value(QStringLiteral("card")).toString()));
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        for (const QChar c : technician(0).value(QStringLiteral("pin")).toString())
            k.m->session()->pinDigit(c.digitValue());
        const auto [eastOk, eastMessage] = waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); });
        QVERIFY(!eastOk);
        QVERIFY2(eastMessage.contains(QLatin1String("may not open maintenance")), qPrintable(eastMessage));
        QCOMPARE(k.m->session()->failuresLeft(), 3);
        // The right card, a wrong PIN, then the right PIN.
        const QJsonObject tech = everywhereTech();
        k.hw.swipeCard(track(tech.value(QStringLiteral("card")).toString()));
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        const QString wrong = tech.value(QStringLiteral("pin")).toString() == QLatin1String("0000") ? QStringLiteral("1111")
                                                                                                    : QStringLiteral("0000");
        for (const QChar c : wrong)
            k.m->session()->pinDigit(c.digitValue());
        QVERIFY(!waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); }).first);
        QCOMPARE(k.m->session()->failuresLeft(), 2);
        QCOMPARE(k.m->page(), Page::Pin);
        for (const QChar c : tech.value(QStringLiteral("pin")).toString())
            k.m->session()->pinDigit(c.digitValue());
        const auto [right, rightMessage] = waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); });
        QVERIFY2(right, qPrintable(rightMessage));
        QCOMPARE(k.m->session()->source(), QStringLiteral("redbox"));
        QCOMPARE(k.m->session()->technicianName(), k.m->session()->technicianName().trimmed());
        QVERIFY(k.m->signedIn());
        QCOMPARE(k.m->session()->failuresLeft(), 5);   // a good sign-in clears the count
        // While signed in, the customers' controller ignores the card reader.
        k.hw.swipeCard(track(memberCardNumber(1)));
        QTest::qWait(100);
        QCOMPARE(k.ctl->screen(), KioskController::Screen::Maintenance);

        // The audit rows: at the red box at once, at HQ through the coast.
        const qint64 techId = tech.value(QStringLiteral("technician_id")).toInteger();
        QVERIFY(eventually(
            [&] {
                return count(QStringLiteral("west-rb1"),
                             "SELECT count(*) FROM redbox.audit_log WHERE kiosk_id = $1 AND action = 'login' "
                             "AND technician_id = $2 AND detail->>'source' = 'redbox' AND at >= $3",
                             {k.kioskId(), techId, g_since}) == 1;
            },
            10000));
        QVERIFY(eventually([&] { return audits(QStringLiteral("west-rb1"), k.kioskId(), QStringLiteral("login_failed")) == 3; }));
        QVERIFY(eventually([&] { return audits(QStringLiteral("hq"), k.kioskId(), QStringLiteral("login")) == 1; }));
        QVERIFY(eventually([&] { return audits(QStringLiteral("west"), k.kioskId(), QStringLiteral("login_failed")) == 3; }));

        // Health: every link in words and colour.
        QVERIFY(QTest::qWaitFor([&] { return k.m->healthPage()->rows()->rowCount() > 0 && !k.m->busy(); }, 30000));
        QStringList names;
        for (const HealthRow &r : k.m->healthPage()->rows()->rows()) {
            names << r.name;
            QVERIFY2(!r.words.isEmpty(), qPrintable(r.name));
        }
        for (const char *want :
             {"Red box primary", "Red box standby", "Coast server", "HQ", "Forwarding", "Parked hops", "Cache", "Kiosk outbox"})
            QVERIFY2(names.contains(QLatin1String(want)), qPrintable(names.join(QStringLiteral(", "))));
        const auto standby = k.m->healthPage()->rows()->row(QStringLiteral("Red box standby"));
        QVERIFY(standby);
        QVERIFY2(standby->level == QLatin1String("ok") && standby->words.contains(QLatin1String("Streaming, synchronous")),
                 qPrintable(standby->words));

        QSignalSpy pageSpy(k.m.get(), &MaintenanceController::pageChanged);
        k.m->signOut();
        QCOMPARE(k.m->page(), Page::Closed);
        QCOMPARE(k.ctl->screen(), KioskController::Screen::Attract);
        QVERIFY(eventually([&] { return audits(QStringLiteral("west-rb1"), k.kioskId(), QStringLiteral("logout")) == 1; }, 10000));
    }

    void fiveFailuresLockTheEntryEvenAcrossARestart()
    {
        KioskRig k(QStringLiteral("west-rb2"), 1);
        // A West technician no other test signs in with (9003): the red box locks the card itself,
        // at every kiosk.
        const QString card = technicianCardNumber(9003);
        const QJsonObject tech{{QStringLiteral("card"), card}, {QStringLiteral("pin"), net.pinOfCard(net.cardHash(card))}};
        const QString wrong = tech.value(QStringLiteral("pin")).toString() == QLatin1String("0000") ? QStringLiteral("1111")
                                                                                                    : QStringLiteral("0000");
        enterAndSwipe(k, tech.value(QStringLiteral("card")).toString());
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        for (int i = 0; i < TechSession::MaxFailures; ++i) {
            if (k.m->page() != Page::Pin) {
                k.hw.swipeCard(track(tech.value(QStringLiteral("card")).toString()));
                QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
            }
            for (const QChar c : wrong)
                k.m->session()->pinDigit(c.digitValue());
            QVERIFY(!waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); }).first);
        }
        QVERIFY(k.m->session()->locked());
        QVERIFY(k.m->message().contains(QLatin1String("locked until")));
        // Even the right card and PIN are refused now.
        k.hw.swipeCard(track(tech.value(QStringLiteral("card")).toString()));
        QTest::qWait(300);
        QCOMPARE(k.m->page(), Page::Card);
        QVERIFY(eventually([&] { return audits(QStringLiteral("west-rb2"), k.kioskId(), QStringLiteral("lockout")) == 1; }, 10000));
        k.m->cancelEntry();
        QCOMPARE(k.ctl->screen(), KioskController::Screen::Attract);

        // A restart (a power cycle) does not reset the lock.
        k.restart(false);
        QVERIFY(QTest::qWaitFor([&] { return k.m->session()->locked(); }, 10000));
        k.ctl->openHelp();
        k.m->requestEntry();
        QVERIFY(k.m->message().contains(QLatin1String("locked")));
        k.m->cancelEntry();
        // Fifteen minutes later it opens again: the kiosk's clock moves on, and the red box's record
        // of the failures is aged as much.
        k.m->setClock([] { return QDateTime::currentDateTimeUtc().addSecs(16 * 60); });
        QVERIFY(!k.m->session()->locked());
        net.connect(QStringLiteral("west-rb2"))
            .exec("UPDATE redbox.pin_attempt SET at = at - interval '16 minutes' WHERE card_hash = $1",
                  {net.cardHash(tech.value(QStringLiteral("card")).toString())});
        QVERIFY(QTest::qWaitFor([&] { return k.engine->health().link == LinkStatus::Online; }, 60000));
        signIn(k, tech);
        k.m->signOut();
        // Audit rows carry the real time, not the test's clock (the red box refuses future times).
        QVERIFY(eventually([&] { return audits(QStringLiteral("west-rb2"), k.kioskId(), QStringLiteral("logout")) == 1; }, 10000));
        QCOMPARE(k.engine->outboxStatus().parked, 0);
    }

    void anIdleSessionEnds()
    {
        KioskRig k(QStringLiteral("east-rb1"), 1);
        k.m->setIdleTimeoutMs(1500);
        signIn(k, everywhereTech());
        k.m->touch();
        QTest::qWait(800);
        k.m->touch();   // a touch keeps it open
        QTest::qWait(800);
        QCOMPARE(k.m->page(), Page::Health);
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Closed; }, 5000));
        QCOMPARE(k.ctl->screen(), KioskController::Screen::Attract);
        QVERIFY(eventually(
            [&] {
                return count(QStringLiteral("east-rb1"),
                             "SELECT count(*) FROM redbox.audit_log WHERE kiosk_id = $1 AND action = 'logout' "
                             "AND detail->>'why' = 'idle' AND at >= $2",
                             {k.kioskId(), g_since}) == 1;
            },
            10000));
    }

    void fiftyLoadedDiscsReachCustomersWithoutARestart()
    {
        KioskRig k(QStringLiteral("east-rb2"), 1);
        signIn(k, everywhereTech());
        k.m->showPage(static_cast<int>(Page::Slots));
        // The test data fills every slot: the technician first pulls 50 discs.
        QStringList pulled;
        for (int i = 0; i < 50; ++i) {
            pulled << net.takeDisc(QStringLiteral("east-rb2"), k.kioskId());
            const auto [ok, message] = waitAction(*k.m, QStringLiteral("dispense"), [&] { k.m->slotsPage()->unload(pulled.last()); });
            QVERIFY2(ok, qPrintable(message));
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const QString &b : pulled) {
                    const auto d = k.engine->disc(b);
                    if (d && d->status == QLatin1String("in"))
                        return false;
                }
                return true;
            },
            30000));
        // Ten titles of the catalog, five new copies each.
        QList<int> movies;
        QHash<int, int> before;
        for (int i = 0; i < k.ctl->catalog()->rowCount() && movies.size() < 10; ++i) {
            const int id = k.ctl->catalog()->get(i).value(QStringLiteral("movieId")).toInt();
            movies << id;
            before.insert(id, static_cast<int>(k.engine->rentableDiscs(id).size()));
        }
        QCOMPARE(movies.size(), 10);
        const qint64 inBefore = 50 + count(QStringLiteral("east-rb2"),
                                           "SELECT count(*) FROM redbox.dvd WHERE kiosk_id = $1 AND status = 'in'", {k.kioskId()});
        const int base = 500000 + static_cast<int>(QRandomGenerator::global()->bounded(400000));
        k.m->slotsPage()->startLoading();
        QCOMPARE(k.m->mode(), MaintenanceController::Mode::Load);
        QElapsedTimer clock;
        clock.start();
        QStringList loaded;
        for (int i = 0; i < 50; ++i) {
            const QString barcode = discBarcode(movies[i % 10], base + i);
            const auto [ok, message] = waitAction(*k.m, QStringLiteral("load"), [&] { k.hw.insertDisc(barcode); });
            QVERIFY2(ok, qPrintable(barcode + QStringLiteral(": ") + message));
            loaded << barcode;
        }
        const qint64 loadMs = clock.elapsed();
        QCOMPARE(k.m->slotsPage()->loadedCount(), 50);
        k.m->stopMode();
        // Customers see them: the catalog of the running controller, no restart.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         for (int i = 0; i < k.ctl->catalog()->rowCount(); ++i) {
                             const QVariantMap t = k.ctl->catalog()->get(i);
                             const int id = t.value(QStringLiteral("movieId")).toInt();
                             if (before.contains(id) && t.value(QStringLiteral("available")).toInt() != before.value(id) + 5)
                                 return false;
                         }
                         return true;
                     },
                     30000),
                 "the customers' catalog did not show the loaded discs");
        const qint64 visibleMs = clock.elapsed();
        qInfo("loaded 50 discs in %lld ms (%.0f ms a disc); customers saw all of them %lld ms after the first", loadMs,
              static_cast<double>(loadMs) / 50.0, visibleMs);
        QCOMPARE(count(QStringLiteral("east-rb2"), "SELECT count(*) FROM redbox.dvd WHERE kiosk_id = $1 AND status = 'in'", {k.kioskId()}),
                 inBefore);   // 50 pulled, 50 loaded
        // A loaded disc rents like any other, and HQ has every one of them.
        KioskCalls calls(QStringLiteral("east-rb2"), 1);
        calls.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("east")))), loaded.first());
        QVERIFY(eventually([&] {
            return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.dvd WHERE barcode = ANY($1::text[])",
                         {QStringLiteral("{") + loaded.join(QLatin1Char(',')) + QStringLiteral("}")}) == 50;
        }));
        QVERIFY(eventually([&] { return audits(QStringLiteral("hq"), k.kioskId(), QStringLiteral("disc_load")) == 50; }));
        // A disc already in a slot cannot be loaded again; a bad barcode is given back.
        const auto [again, againMessage] = waitAction(*k.m, QStringLiteral("load"),
                                                      [&] { k.m->slotsPage()->loadBarcode(loaded.last(), 0); });
        QVERIFY(!again);
        QVERIFY2(againMessage.contains(QLatin1String("already in kiosk")), qPrintable(againMessage));
        k.m->slotsPage()->startLoading();
        const auto [bad, badMessage] = waitAction(*k.m, QStringLiteral("load"), [&] { k.hw.insertDisc(QStringLiteral("D000000000001")); });
        QVERIFY(!bad);
        QVERIFY2(badMessage.contains(QLatin1String("not a valid disc barcode")), qPrintable(badMessage));
        QTRY_VERIFY(!k.hw.discInReturnSlot());
        k.m->signOut();
    }

    void unloadRefusesARentedDiscAndHQsRemovalsArrive()
    {
        KioskRig k(QStringLiteral("west-rb1"), 2);
        signIn(k, everywhereTech());
        const QString node = QStringLiteral("west-rb1");
        // Rented out: refused, nothing moves.
        const QString rented = net.takeDisc(node, k.kioskId());
        KioskCalls calls(node, 2);
        calls.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west")))), rented);
        k.m->showPage(static_cast<int>(Page::Slots));
        const auto [refused, why] = waitAction(*k.m, QStringLiteral("unload"), [&] { k.m->slotsPage()->unload(rented); });
        QVERIFY(!refused);
        QVERIFY2(why.contains(QLatin1String("rented out")), qPrintable(why));
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'out'", {rented}), 1);
        // In a slot: recorded, then handed out of its slot.
        const QString out = net.takeDisc(node, k.kioskId());
        const int slot = static_cast<int>(count(node, "SELECT slot_no FROM redbox.dvd WHERE barcode = $1", {out}));
        QVERIFY(k.hw.occupied(slot));
        const auto [unloaded, unloadMessage] = waitAction(*k.m, QStringLiteral("dispense"), [&] { k.m->slotsPage()->unload(out); });
        QVERIFY2(unloaded, qPrintable(unloadMessage));
        QVERIFY(!k.hw.occupied(slot));
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'removed'", {out}), 1);
        QVERIFY(eventually([&] {
            return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'removed'", {out}) == 1;
        }));
        // Damaged: stays in its slot, customers cannot rent it, it joins the removal list.
        const QString damaged = net.takeDisc(node, k.kioskId());
        QVERIFY(waitAction(*k.m, QStringLiteral("damaged"), [&] { k.m->slotsPage()->markDamaged(damaged); }).first);
        QVERIFY(eventually(
            [&] {
                const auto d = k.engine->disc(damaged);
                return d && d->condition == QLatin1String("damaged");
            },
            20000));
        // Suspect (a dispense of it failed): not rented until the technician has looked at its slot.
        const QString suspect = net.takeDisc(node, k.kioskId());
        const int suspectSlot = static_cast<int>(count(node, "SELECT slot_no FROM redbox.dvd WHERE barcode = $1", {suspect}));
        const auto jammed = calls.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west")))), suspect);
        QCOMPARE(calls.conn()
                     .exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'dispense failed: jam', $2, false, true)",
                           {jammed.rentalId, suspectSlot}, true)
                     .text(0, 0),
                 QStringLiteral("voided"));
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND condition = 'suspect' AND status = 'in'", {suspect}),
                 1);
        QVERIFY(eventually([&] {
            return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND condition = 'suspect'", {suspect}) ==
                   1;
        }));
        const auto [clearedDamaged, clearWhy] = waitAction(*k.m, QStringLiteral("cleared"),
                                                           [&] { k.m->slotsPage()->clearSuspect(damaged); });
        QVERIFY(!clearedDamaged);   // only a suspect disc is cleared; a damaged one stays damaged
        QVERIFY2(clearWhy.contains(QLatin1String("only a suspect disc")), qPrintable(clearWhy));
        QVERIFY(waitAction(*k.m, QStringLiteral("cleared"), [&] { k.m->slotsPage()->clearSuspect(suspect); }).first);
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND condition = 'good'", {suspect}), 1);
        QVERIFY(eventually(
            [&] {
                const auto d = k.engine->disc(suspect);
                return d && d->condition == QLatin1String("good");
            },
            20000));
        QVERIFY(eventually([&] {
            return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND condition = 'good'", {suspect}) == 1;
        }));
        // HQ schedules a removal: it reaches the kiosk's list through the coast and the red box.
        const QString recall = net.takeDisc(node, k.kioskId());
        net.connect(QStringLiteral("hq")).exec("SELECT redbox.schedule_removal($1, 'recall')", {recall}, true);
        QVERIFY(eventually([&] {
            waitAction(*k.m, QStringLiteral("slots"), [&] { k.m->slotsPage()->refresh(); });
            QStringList listed;
            for (const TechDisc &d : k.m->slotsPage()->removals()->removals())
                listed << d.barcode;
            return listed.contains(recall) && listed.contains(damaged);
        }));
        QVERIFY(waitAction(*k.m, QStringLiteral("dispense"), [&] { k.m->slotsPage()->unload(recall); }).first);
        QVERIFY(eventually(
            [&] { return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.removal_schedule WHERE barcode = $1", {recall}) == 0; }));
        for (const char *action : {"disc_unload", "disc_damaged"})
            QVERIFY(eventually([&] { return audits(QStringLiteral("hq"), k.kioskId(), QLatin1String(action)) >= 1; }));
        // The rented disc comes back: the customer's return closes it as usual.
        calls.giveBack(rented);
        k.m->signOut();
    }

    void hardwareTestsAndAJamClearedAndRetried()
    {
        KioskRig k(QStringLiteral("east-rb1"), 2);
        signIn(k, everywhereTech());
        k.m->showPage(static_cast<int>(Page::Hardware));
        auto [ok, report] = waitAction(*k.m, QStringLiteral("selftest"), [&] { k.m->hardwarePage()->selfTest(); });
        QVERIFY2(ok, qPrintable(report));
        k.hw.setStuckSlot(7);
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("selftest"), [&] { k.m->hardwarePage()->selfTest(); });
        QVERIFY(!ok);
        QVERIFY2(report.contains(QLatin1String("slot 7")), qPrintable(report));
        k.hw.setStuckSlot(0);
        // The card reader: a member's card is read (only its last 4 digits are shown).
        const QString card = memberCardNumber(4242);
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("cardtest"), [&] {
            k.m->hardwarePage()->testCardReader();
            k.hw.swipeCard(track(card));
        });
        QVERIFY2(ok && report.contains(card.right(4)) && !report.contains(card), qPrintable(report));
        // The barcode reader: a disc is read and given back; an unreadable one too.
        const QString disc = discBarcode(12, 345);
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("barcodetest"), [&] {
            k.m->hardwarePage()->testBarcodeReader();
            k.hw.insertDisc(disc);
        });
        QVERIFY2(ok && report.contains(disc), qPrintable(report));
        QTRY_VERIFY(!k.hw.discInReturnSlot());
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("barcodetest"), [&] {
            k.m->hardwarePage()->testBarcodeReader();
            k.hw.misreadNextDisc();
            k.hw.insertDisc(disc);
        });
        QVERIFY(!ok);
        // A jam during an unload: cleared, and the unload's dispense retried.
        const QString stuck = net.takeDisc(QStringLiteral("east-rb1"), k.kioskId());
        k.hw.jamNextDispense(1);
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("dispense"), [&] { k.m->slotsPage()->unload(stuck); });
        QVERIFY(!ok);
        QVERIFY(k.m->hardwarePage()->canRetry());
        QSignalSpy dispensed(&k.hw, &KioskHardware::dispensed);
        std::tie(ok, report) = waitAction(*k.m, QStringLiteral("clear_jam"), [&] { k.m->hardwarePage()->clearJamAndRetry(); });
        QVERIFY2(ok, qPrintable(report));
        QTRY_VERIFY_WITH_TIMEOUT(dispensed.count() >= 1, 5000);
        QVERIFY(!k.m->hardwarePage()->canRetry());
        for (const char *action : {"selftest", "card_reader_test", "barcode_reader_test", "dispense_failed", "jam_cleared"})
            QVERIFY2(eventually([&] { return audits(QStringLiteral("hq"), k.kioskId(), QLatin1String(action)) >= 1; }), action);
        k.m->signOut();
    }

    void repairResyncParkedHopsDiagnosticsAndFailover()
    {
        KioskRig k(QStringLiteral("west-rb2"), 2);
        signIn(k, everywhereTech());
        k.m->showPage(static_cast<int>(Page::Repair));
        // A full resync, with progress.
        QSignalSpy progress(k.m->repairPage(), &TechRepair::resyncChanged);
        auto [ok, message] = waitAction(
            *k.m, QStringLiteral("resync"), [&] { k.m->repairPage()->resync(); }, 120000);
        QVERIFY2(ok, qPrintable(message));
        QVERIFY(progress.count() >= 2);
        QVERIFY(k.m->repairPage()->resyncTotal() > 100);
        QCOMPARE(k.m->repairPage()->resyncDone(), k.m->repairPage()->resyncTotal());
        const CacheCounts c = k.engine->cacheCounts();
        QVERIFY(c.movies > 0 && c.discs > 0 && c.technicians > 0);
        // Parked hops put back in line (none parked: it says so).
        std::tie(ok, message) = waitAction(*k.m, QStringLiteral("retry_parked"), [&] { k.m->repairPage()->retryParked(); });
        QVERIFY2(ok && message.contains(QLatin1String("No hops were parked")), qPrintable(message));
        // A hop the coast refuses (a kind it cannot apply) is parked: Health says so in red with the
        // error, and a retry puts it back in line (the coast refuses it again, so it parks again).
        pg::Connection admin = net.connect(QStringLiteral("west-rb2"));
        admin.exec("SELECT redbox.enqueue(gen_random_uuid(), 'no_such_kind', redbox.coast_node(), '{}')", {}, true);
        QVERIFY(eventually([&] {
            return count(QStringLiteral("west-rb2"), "SELECT count(*) FROM redbox.outbox WHERE kind = 'no_such_kind' "
                                                     "AND parked_at IS NOT NULL") == 1;
        }));
        QVERIFY(waitAction(*k.m, QStringLiteral("health"), [&] { k.m->healthPage()->refresh(); }).first);
        const auto parked = k.m->healthPage()->rows()->row(QStringLiteral("Parked hops"));
        QVERIFY(parked && parked->level == QLatin1String("bad") && parked->detail.contains(QLatin1String("no_such_kind")));
        std::tie(ok, message) = waitAction(*k.m, QStringLiteral("retry_parked"), [&] { k.m->repairPage()->retryParked(); });
        QVERIFY2(ok && message.startsWith(QLatin1String("1 parked hop")), qPrintable(message));
        QVERIFY(eventually([&] {
            return count(QStringLiteral("west-rb2"), "SELECT count(*) FROM redbox.outbox WHERE kind = 'no_such_kind' "
                                                     "AND parked_at IS NOT NULL AND attempts >= 2") == 1;
        }));
        admin.exec("DELETE FROM redbox.outbox WHERE kind = 'no_such_kind'", {}, true);
        // The diagnostics bundle: versions, status, the log without secrets.
        const QString secretCard = memberCardNumber(987654);
        qInfo("a line with secrets: card %s password=hunter2 pin: 1234", qPrintable(secretCard));
        std::tie(ok, message) = waitAction(*k.m, QStringLiteral("export"), [&] { k.m->repairPage()->exportDiagnostics(); });
        QVERIFY2(ok, qPrintable(message));
        QFile f(k.m->repairPage()->lastExport());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(f.fileName()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        const QJsonObject doc = QJsonDocument::fromJson(text).object();
        QVERIFY(doc.value(QStringLiteral("versions")).toObject().contains(QStringLiteral("redbox")));
        QVERIFY(doc.value(QStringLiteral("health")).toObject().value(QStringLiteral("redbox_answered")).toBool());
        QVERIFY(doc.value(QStringLiteral("log")).toArray().size() > 5);
        QVERIFY(text.contains("a line with secrets"));
        QVERIFY(!text.contains(secretCard.toLatin1()));
        QVERIFY(!text.contains("hunter2"));
        QVERIFY(!text.contains("pbkdf2-sha256$"));
        // Failover to the standby and back, through Patroni's REST API (HTTPS, the technician's credentials).
        const QString node = QStringLiteral("west-rb2");
        const QString first = net.primaryOf(node);
        QVERIFY(!first.isEmpty());
        QElapsedTimer clock;
        clock.start();
        std::tie(ok, message) = waitAction(
            *k.m, QStringLiteral("failover"), [&] { k.m->repairPage()->failover(); }, 120000);
        QVERIFY2(ok, qPrintable(message));
        const qint64 failoverMs = clock.elapsed();
        QVERIFY(eventually(
            [&] {
                const QString p = net.primaryOf(node);
                return !p.isEmpty() && p != first;
            },
            30000));
        // The kiosk keeps renting on the new primary.
        KioskCalls calls(node, 2);
        const QString disc = net.takeDisc(node, k.kioskId());
        calls.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west")))), disc);
        QVERIFY(net.waitHealthy(node, 120s));
        clock.restart();
        // Right after a switchover the old primary catches up as a replica before it is the
        // synchronous standby again: "try again in a few seconds", as a technician would.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         std::tie(ok, message) = waitAction(
                             *k.m, QStringLiteral("failback"), [&] { k.m->repairPage()->failback(); }, 120000);
                         if (!ok && message.contains(QLatin1String("try again")))
                             QTest::qWait(2000);
                         return ok || !message.contains(QLatin1String("try again"));
                     },
                     90000) &&
                     ok,
                 qPrintable(message));
        qInfo("technician failover %lld ms, failback %lld ms", failoverMs, clock.elapsed());
        QVERIFY(eventually([&] { return net.primaryOf(node) == first; }, 30000));
        QVERIFY(net.waitHealthy(node, 120s));
        // A second "bring back" has nothing to bring back.
        std::tie(ok, message) = waitAction(*k.m, QStringLiteral("failback"), [&] { k.m->repairPage()->failback(); });
        QVERIFY(!ok);
        // Without the technician's credentials Patroni refuses a switchover (401). Asked with Python's
        // urllib: Qt's network access waits for a 401's body that Patroni never ends.
        const QString probe = QStringLiteral(
            "import ssl, sys, urllib.request, urllib.error\n"
            "req = urllib.request.Request(sys.argv[1], data=b'{\"leader\": \"' + sys.argv[3].encode() + b'\"}', method='POST')\n"
            "try:\n"
            "    urllib.request.urlopen(req, timeout=10, context=ssl.create_default_context(cafile=sys.argv[2]))\n"
            "    sys.exit(2)\n"
            "except urllib.error.HTTPError as e:\n"
            "    sys.exit(0 if e.code == 401 else 3)\n");
        QCOMPARE(
            QProcess::execute(QStringLiteral("/usr/bin/python3"),
                              {QStringLiteral("-c"), probe,
                               QStringLiteral("https://%1:%2/switchover").arg(k.cfg.patroni.first().host).arg(k.cfg.patroni.first().port),
                               net.caFile(), first}),
            0);
        QCOMPARE(net.primaryOf(node), first);
        for (const char *action : {"cache_resync", "retry_parked", "diagnostics_export", "failover", "failback"})
            QVERIFY2(eventually([&] { return audits(QStringLiteral("hq"), k.kioskId(), QLatin1String(action)) >= 1; }), action);
        KioskCalls after(node, 2);   // a new connection: the first one's server stepped down and back
        after.giveBack(disc);
        k.m->signOut();
    }

    void offlineOnlyCachedTechniciansEnter()
    {
        KioskRig k(QStringLiteral("east-rb2"), 2);   // synced once: its cache holds this coast's technicians
        const QJsonObject tech = everywhereTech();
        auto enterPin = [&] {
            for (const QChar c : tech.value(QStringLiteral("pin")).toString())
                k.m->session()->pinDigit(c.digitValue());
            return waitAction(*k.m, QStringLiteral("login"), [&] { k.m->session()->pinEnter(); });
        };
        // The red box does not answer: the coast checks the card and PIN (and the kiosk keeps its
        // own slow verifier of them, for when nobody answers).
        k.cfg.redbox = {{QStringLiteral("127.0.0.1"), 1}};
        k.restart(false);
        enterAndSwipe(k, tech.value(QStringLiteral("card")).toString());
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        const auto [viaCoast, viaCoastMessage] = enterPin();
        QVERIFY2(viaCoast, qPrintable(viaCoastMessage));
        QCOMPARE(k.m->session()->source(), QStringLiteral("east"));
        k.m->signOut();
        // Now the kiosk cannot reach its red box or its coast.
        k.cfg.coast = {{QStringLiteral("127.0.0.1"), 2}};
        k.restart(false);
        // A technician card this kiosk never saw signed in: refused.
        enterAndSwipe(k, technicianCardNumber(99999));
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        const auto [unknown, unknownMessage] = enterPin();
        QVERIFY(!unknown);
        QVERIFY2(unknownMessage.contains(QLatin1String("cannot check")), qPrintable(unknownMessage));
        // One it saw: checked against the kiosk's own verifier.
        k.hw.swipeCard(track(tech.value(QStringLiteral("card")).toString()));
        QVERIFY(QTest::qWaitFor([&] { return k.m->page() == Page::Pin; }, 30000));
        const auto [cached, cachedMessage] = enterPin();
        QVERIFY2(cached, qPrintable(cachedMessage));
        QCOMPARE(k.m->session()->source(), QStringLiteral("kiosk"));
        // The audit rows wait in the kiosk's outbox.
        QVERIFY(QTest::qWaitFor([&] { return k.engine->outboxStatus().queued >= 2; }, 10000));
        const auto [slotsOk, slotsMessage] = waitAction(
            *k.m, QStringLiteral("slots"), [&] { k.m->slotsPage()->refresh(); }, 60000);
        QVERIFY(!slotsOk);
        QVERIFY2(slotsMessage.contains(QLatin1String("could not be reached")), qPrintable(slotsMessage));   // no red box session yet
        k.m->signOut();
        // Back online: the outbox carries them to the red box.
        k.cfg = net.kioskConfig(QStringLiteral("east-rb2"), 2, k.dir.path());
        k.restart(true);
        QVERIFY(QTest::qWaitFor([&] { return k.engine->outboxStatus().queued == 0; }, 60000));
        QVERIFY(eventually([&] {
            return count(QStringLiteral("east-rb2"),
                         "SELECT count(*) FROM redbox.audit_log WHERE kiosk_id = $1 AND action = 'login' "
                         "AND detail->>'source' = 'kiosk' AND at >= $2",
                         {k.kioskId(), g_since}) == 1;
        }));
    }
};

QTEST_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
