// Upgrades, on a network of its own (HQ, the West Coast, one red box;
// tests/network/upgrade-topology.toml), since it leaves that network migrated:
// - a next release's migrations (this release's schema plus
//   tests/network/next-release) run through `redbox-net upgrade`, HQ, then the
//   coast, then the red box, while a kiosk rents and returns without a pause,
//   and a reader holding the coast's rental table makes the coast's migration
//   wait and retry instead of queueing rentals behind it;
// - this release's kiosk, now one API level behind, keeps renting against the
//   migrated red box;
// - a kiosk the red box no longer serves is refused with a clear error; its
//   rentals wait in its outbox and reach the red box once it is served again.
#include "dbcheck.h"
#include "enginecalls.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/cards.h"
#include "kioskcore/kioskengine.h"
#include "kioskcore/link.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

namespace {

const QString kNode = QStringLiteral("west-rb1");

QString repoDir()
{
    const QString tool = QProcessEnvironment::systemEnvironment().value(QStringLiteral("REDBOX_NET_TOOL"));
    return QFileInfo(tool).absoluteDir().absoluteFilePath(QStringLiteral(".."));
}

}   // namespace

class TestUpgrade : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

private slots:
    void initTestCase()
    {
        QVERIFY(net.waitForQuiet(120s));
        QCOMPARE(Link::apiMismatch(1, 2, 1), QString());
        QVERIFY(Link::apiMismatch(1, 3, 2).contains(QLatin1String("must be updated")));
        QVERIFY(Link::apiMismatch(2, 1, 1).contains(QLatin1String("server must be upgraded")));
    }

    void rentalsGoOnWhileEveryTierIsMigrated()
    {
        // The next release's schema folder: this one's plus its new migrations.
        QTemporaryDir next;
        QVERIFY(next.isValid());
        const QString schema = next.filePath(QStringLiteral("schema"));
        QCOMPARE(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-r"), repoDir() + QStringLiteral("/schema"), schema}), 0);
        for (const char *tier : {"hq", "coast", "redbox"}) {
            const QString from = repoDir() + QStringLiteral("/tests/network/next-release/%1/090_next_release.sql").arg(QLatin1String(tier));
            QVERIFY2(QFile::copy(from, schema + QStringLiteral("/%1/090_next_release.sql").arg(QLatin1String(tier))), qPrintable(from));
        }

        // A kiosk renting and returning the same few discs as fast as it can.
        KioskCalls kiosk(kNode, 1);
        const QString card = net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west"), 3)));
        QStringList discs;
        QList<int> slotOf;
        for (int i = 0; i < 3; ++i) {
            discs << net.takeDisc(kNode, kiosk.kioskId());
            slotOf << static_cast<int>(count(kNode, "SELECT slot_no FROM redbox.dvd WHERE barcode = $1", {discs.last()}));
        }
        std::atomic<bool> stop{false};
        std::atomic<int> rentals{0};
        std::mutex mu;
        QStringList failures, rentalIds;
        qint64 slowestMs = 0;
        std::thread renter([&] {
            QElapsedTimer t;
            for (int i = 0; !stop; ++i) {
                const QString &disc = discs[i % discs.size()];
                t.start();
                try {
                    const Rented r = kiosk.rent(card, disc);
                    kiosk.giveBackTo(disc, slotOf[i % discs.size()]);
                    std::lock_guard lock(mu);
                    rentalIds << r.rentalId.toString(QUuid::WithoutBraces);
                    slowestMs = std::max(slowestMs, t.elapsed());
                    ++rentals;
                } catch (const std::exception &e) {
                    std::lock_guard lock(mu);
                    failures << QString::fromUtf8(e.what());
                    break;
                }
            }
        });
        auto joinRenter = qScopeGuard([&] {
            stop = true;
            renter.join();
        });
        QVERIFY(QTest::qWaitFor([&] { return rentals >= 3; }, 20000));

        // A long reader on the coast's rental table: the coast's ALTER must not queue behind it for long.
        std::thread reader([&] {
            pg::Connection c = net.connect(QStringLiteral("west"));
            c.exec("BEGIN");
            c.exec("LOCK TABLE redbox.rental IN ACCESS SHARE MODE");
            std::this_thread::sleep_for(4s);
            c.exec("COMMIT");
        });
        const int before = rentals;
        QElapsedTimer t;
        t.start();
        QString out;
        const int rc = net.tool({QStringLiteral("upgrade"), QStringLiteral("--schema-dir"), schema}, &out);
        const qint64 upgradeMs = t.elapsed();
        reader.join();
        QTest::qWait(1000);   // rentals after the last migration too
        joinRenter.dismiss();
        stop = true;
        renter.join();
        QVERIFY2(rc == 0, qPrintable(out));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
        const int during = rentals - before;
        qInfo("upgrade of 3 nodes took %lld ms; the kiosk rented and returned %d times meanwhile, slowest pair %lld ms",
              static_cast<long long>(upgradeMs), during, static_cast<long long>(slowestMs));
        qInfo("%s", qPrintable(out.trimmed()));
        QVERIFY(during >= 5);

        // HQ, then the coast, then the red box; the coast waited for the reader and tried again.
        const qsizetype hq = out.indexOf(QLatin1String("schema    hq ")), west = out.indexOf(QLatin1String("schema    west ")),
                        rb = out.indexOf(QLatin1String("schema    west-rb1 "));
        QVERIFY2(hq >= 0 && west > hq && rb > west, qPrintable(out));
        QVERIFY2(out.mid(west, rb - west).contains(QLatin1String("090_next_release")), qPrintable(out));
        QVERIFY2(out.mid(west, rb - west).contains(QLatin1String("waited for rentals' locks")), qPrintable(out));
        for (const QString &n : {QStringLiteral("hq"), QStringLiteral("west"), kNode})
            QCOMPARE(count(n, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'redbox' "
                              "AND table_name = 'rental' AND column_name = 'channel'"),
                     1);

        // Every rental of the upgrade reached HQ through the migrated coast.
        QStringList ids;
        {
            std::lock_guard lock(mu);
            ids = rentalIds;
        }
        const QString array = QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}');
        QVERIFY(TestNetwork::waitFor(
            [&] {
                return count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = ANY($1::uuid[])", {array}) ==
                       ids.size();
            },
            60s));

        // Upgrading again changes nothing; this release's own tool refuses the migrated network.
        QCOMPARE(net.tool({QStringLiteral("upgrade"), QStringLiteral("--schema-dir"), schema}, &out), 0);
        QVERIFY2(out.count(QLatin1String("up to date")) == 3, qPrintable(out));
        QCOMPARE(net.tool({QStringLiteral("upgrade")}, &out), 2);
        QVERIFY2(out.contains(QLatin1String("090_next_release that this version does not know")), qPrintable(out));
    }

    void aKioskOneLevelBehindKeepsRentingAgainstTheMigratedRedBox()
    {
        pg::Connection c = net.connect(kNode);
        const pg::Result levels = c.exec("SELECT level, oldest FROM redbox.kiosk_api()");
        QCOMPARE(levels.int32(0, 0), 3);
        QCOMPARE(levels.int32(0, 1), 2);
        QCOMPARE(kKioskApiLevel, 2);
        QTemporaryDir dir;
        KioskEngine e(net.kioskConfig(kNode, 1, dir.path()));
        e.start();
        QVERIFY(waitSynced(e));
        const QString card = net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west"))));
        const MemberInfo m = signedIn(e, card, net.pinOfCard(card));
        const RentResult r = rent(e, m, net.takeDisc(kNode, e.config().kioskId));
        QCOMPARE(r.failure, Failure::None);
        QVERIFY(!r.offline);
        QVERIFY(e.health().refusal.isEmpty());
    }

    void aKioskTheRedBoxNoLongerServesIsRefusedAndLosesNothing()
    {
        QTemporaryDir dir;
        KioskConfig cfg = net.kioskConfig(kNode, 2, dir.path());
        cfg.offlineAfterMs = 1000;
        MemberInfo m;
        QString disc;
        {
            KioskEngine e(cfg);   // served: fills its cache
            e.start();
            QVERIFY(waitSynced(e));
            m = lookup(e, net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west"), 2))));
            disc = net.takeDisc(kNode, cfg.kioskId);
        }
        // The release after next stops serving level 2.
        pg::Connection admin = net.connect(kNode);
        admin.exec("UPDATE redbox.kiosk_api_level SET oldest = 3");
        auto restore = qScopeGuard([&] { admin.exec("UPDATE redbox.kiosk_api_level SET oldest = 2"); });
        QUuid offlineId;
        {
            KioskEngine e(cfg);
            e.start();
            QVERIFY(QTest::qWaitFor([&] { return !e.health().refusal.isEmpty(); }, 20000));
            qInfo("refusal shown to the technician: %s", qPrintable(e.health().refusal));
            QVERIFY(e.health().refusal.contains(QLatin1String("levels 3 to 3; this kiosk speaks level 2 and must be updated")));
            const RentResult r = rent(e, m, disc);
            QCOMPARE(r.failure, Failure::None);
            QVERIFY(r.offline);   // kept in the kiosk's outbox, not sent to a red box that does not serve it
            offlineId = r.rentalId;
            QCOMPARE(e.outboxStatus().queued, 1);
            QCOMPARE(count(kNode, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {offlineId.toString(QUuid::WithoutBraces)}),
                     0);
        }
        restore.dismiss();
        admin.exec("UPDATE redbox.kiosk_api_level SET oldest = 2");
        KioskEngine e(cfg);
        e.start();
        QVERIFY(QTest::qWaitFor([&] { return e.outboxStatus().queued == 0; }, 60000));
        QVERIFY(e.health().refusal.isEmpty());
        QCOMPARE(count(kNode, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {offlineId.toString(QUuid::WithoutBraces)}), 1);
    }
};

QTEST_GUILESS_MAIN(TestUpgrade)
#include "tst_upgrade.moc"
