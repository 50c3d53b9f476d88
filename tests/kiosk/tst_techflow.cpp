// The technician's screen flow, fast and without servers: the real
// MaintenanceController and its pages, the customers' controller and the
// simulated hardware over the in-memory FakeBackend. Entry only from the help
// screen; card, then PIN; five failures lock the entry across a restart;
// idle exit; the Health rows in colour and words; loading, unloading (refused
// for a rented-out disc), marking damaged; a jam cleared and the unload
// retried; the readers' tests; a resync and an export. Every action is
// audited. The same pages run against the real network in tst_maintenance.
#include "fakebackend.h"

#include "controllers/kioskcontroller.h"
#include "hardware/simulatedhardware.h"
#include "maintenance/maintenancecontroller.h"

#include <QSignalSpy>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using Page = MaintenanceController::Page;
using Mode = MaintenanceController::Mode;

namespace {

struct Flow {
    FakeBackend backend;
    SimulatedHardware hw;
    std::unique_ptr<KioskController> kiosk;
    std::unique_ptr<MaintenanceController> m;
    QDateTime now = QDateTime::currentDateTimeUtc();

    Flow()
    {
        backend.setClock([this] { return now; });
        make();
    }
    void make()
    {
        m.reset();
        kiosk = std::make_unique<KioskController>(&backend, &hw);
        m = std::make_unique<MaintenanceController>(&backend, &backend, &hw, kiosk.get());
        m->setClock([this] { return now; });
        hw.setLatencyMs(1);
        backend.slotContents([this](QHash<int, QString> inSlots) { hw.setContents(inSlots); });
        QTest::qWait(20);
    }
    static QByteArray track(const QString &card) { return ";" + card.toLatin1() + "=3012?"; }
    // The action's result, waited for.
    std::pair<bool, QString> act(const QString &action, const std::function<void()> &start)
    {
        QSignalSpy done(m.get(), &MaintenanceController::actionDone);
        start();
        for (int i = 0; i < 100; ++i) {
            for (const QList<QVariant> &args : done)
                if (args.at(0).toString() == action)
                    return {args.at(1).toBool(), args.at(2).toString()};
            done.wait(50);
        }
        return {false, QStringLiteral("no answer for ") + action};
    }
    bool enter()
    {
        kiosk->openHelp();
        m->requestEntry();
        return m->page() == Page::Card;
    }
    bool signIn(const QString &pin = FakeBackend::technicianPin())
    {
        if (m->page() != Page::Card && !enter())
            return false;
        hw.swipeCard(track(FakeBackend::technicianCard()));
        if (!QTest::qWaitFor([&] { return m->page() == Page::Pin; }, 5000))
            return false;
        for (const QChar c : pin)
            m->session()->pinDigit(c.digitValue());
        // Signed in, the Health page checks every link at once: done when it has.
        return act(QStringLiteral("login"), [&] { m->session()->pinEnter(); }).first && QTest::qWaitFor([&] { return !m->busy(); }, 5000);
    }
};

}   // namespace

class TestTechFlow : public QObject {
    Q_OBJECT
private slots:
    void entryIsOnlyFromTheHelpScreenWithATechnicianCardAndPin()
    {
        Flow f;
        f.m->requestEntry();   // the attract loop: no
        QCOMPARE(f.m->page(), Page::Closed);
        QVERIFY(f.enter());
        QCOMPARE(f.kiosk->screen(), KioskController::Screen::Maintenance);
        // A member's card is not a technician's.
        f.hw.swipeCard(Flow::track(FakeBackend::memberCard(0)));
        QVERIFY(QTest::qWaitFor([&] { return f.m->session()->failuresLeft() == 4; }, 5000));
        QCOMPARE(f.m->page(), Page::Card);
        QVERIFY(f.signIn());
        QVERIFY(f.m->signedIn());
        QCOMPARE(f.m->page(), Page::Health);
        QCOMPARE(f.m->session()->technicianName(), QStringLiteral("Pat Field"));
        QCOMPARE(f.m->session()->failuresLeft(), 5);   // a good sign-in clears the count
        QVERIFY(f.backend.techSessionOpen());
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("login_failed")));
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("login")));
        f.m->signOut();
        QCOMPARE(f.m->page(), Page::Closed);
        QCOMPARE(f.kiosk->screen(), KioskController::Screen::Attract);
        QVERIFY(!f.backend.techSessionOpen());
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("logout")));
    }

    void fiveFailuresLockTheEntryAcrossARestartUntilTheClockMovesOn()
    {
        Flow f;
        QVERIFY(f.enter());
        for (int i = 0; i < TechSession::MaxFailures; ++i) {
            if (f.m->page() != Page::Pin) {
                f.hw.swipeCard(Flow::track(FakeBackend::technicianCard()));
                QVERIFY(QTest::qWaitFor([&] { return f.m->page() == Page::Pin; }, 5000));
            }
            for (const QChar c : QStringLiteral("111111"))
                f.m->session()->pinDigit(c.digitValue());
            QVERIFY(!f.act(QStringLiteral("login"), [&] { f.m->session()->pinEnter(); }).first);
        }
        QVERIFY(f.m->session()->locked());
        QVERIFY(f.m->message().contains(QLatin1String("locked until")));
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("lockout")));
        // The red box counted them too, against the card, for every kiosk.
        QCOMPARE(f.backend.triesLeft(f.backend.cardHashFor(FakeBackend::technicianCard())), 0);
        f.m->cancelEntry();
        // The kiosk restarts: the lock is still there (kept in its records).
        f.make();
        QVERIFY(QTest::qWaitFor([&] { return f.m->session()->locked(); }, 5000));
        QVERIFY(f.enter());
        QVERIFY(f.m->message().contains(QLatin1String("locked")));
        f.hw.swipeCard(Flow::track(FakeBackend::technicianCard()));
        QTest::qWait(50);
        QCOMPARE(f.m->page(), Page::Card);
        f.m->cancelEntry();
        // Sixteen minutes later it is open again, and a good sign-in works.
        f.now = f.now.addSecs(16 * 60);
        QVERIFY(!f.m->session()->locked());
        QVERIFY(f.signIn());
    }

    void anUntouchedSessionEndsByItself()
    {
        Flow f;
        f.m->setIdleTimeoutMs(300);
        QVERIFY(f.signIn());
        QTest::qWait(150);
        f.m->touch();
        QTest::qWait(200);
        QCOMPARE(f.m->page(), Page::Health);   // a touch kept it open
        QVERIFY(QTest::qWaitFor([&] { return f.m->page() == Page::Closed; }, 3000));
        QCOMPARE(f.kiosk->screen(), KioskController::Screen::Attract);
    }

    void healthShowsEveryLinkInColourAndWords()
    {
        Flow f;
        MaintenanceHealth h;
        h.redboxAnswered = true;
        h.servers = {{QStringLiteral("redbox"), QStringLiteral("10.0.0.1:5424"), true, true, 3, {}},
                     {QStringLiteral("redbox"), QStringLiteral("10.0.0.2:5425"), false, false, 0, QStringLiteral("connection refused")},
                     {QStringLiteral("coast"), QStringLiteral("10.0.0.3:5430"), true, true, 4, {}},
                     {QStringLiteral("hq"), QStringLiteral("10.0.0.4:5440"), false, false, 0, QStringLiteral("timeout")}};
        h.parkedHops = 2;
        h.parked = {QJsonObject{{QStringLiteral("kind"), QStringLiteral("rental")},
                                {QStringLiteral("dest"), QStringLiteral("west")},
                                {QStringLiteral("error"), QStringLiteral("RB500: cannot apply")}}};
        f.backend.setHealth(h);
        f.backend.setClockSkewMs(-3'600'000);   // the kiosk's clock an hour fast
        QVERIFY(f.signIn());
        const HealthRowsModel *rows = f.m->healthPage()->rows();
        QVERIFY(QTest::qWaitFor([&] { return rows->rowCount() > 0 && !f.m->busy(); }, 5000));
        QCOMPARE(rows->row(QStringLiteral("Red box primary"))->level, QStringLiteral("ok"));
        QCOMPARE(rows->row(QStringLiteral("Red box server 10.0.0.2:5425"))->level, QStringLiteral("bad"));
        QCOMPARE(rows->row(QStringLiteral("Coast server"))->level, QStringLiteral("ok"));
        QCOMPARE(rows->row(QStringLiteral("HQ"))->level, QStringLiteral("bad"));
        const auto parked = rows->row(QStringLiteral("Parked hops"));
        QVERIFY(parked && parked->level == QLatin1String("bad") && parked->detail.contains(QLatin1String("cannot apply")));
        QCOMPARE(rows->row(QStringLiteral("Kiosk outbox"))->level, QStringLiteral("ok"));
        const auto clock = rows->row(QStringLiteral("Kiosk clock"));
        QVERIFY(clock && clock->level == QLatin1String("warn"));
        QVERIFY2(clock->words.contains(QLatin1String("60 min ahead of the red box's")), qPrintable(clock->words));
        QCOMPARE(rows->get(0).value(QStringLiteral("name")).toString(), QStringLiteral("Red box primary"));
    }

    void slotsLoadUnloadAndDamaged()
    {
        Flow f;
        QVERIFY(f.signIn());
        f.m->showPage(static_cast<int>(Page::Slots));
        TechSlots *page = f.m->slotsPage();
        QVERIFY(QTest::qWaitFor([&] { return page->map()->rowCount() == 40 && !f.m->busy(); }, 5000));
        QCOMPARE(page->map()->filled(), 6);
        // Loading through the return slot: the kiosk picks the slot, the carousel stores the disc.
        page->startLoading();
        QCOMPARE(f.m->mode(), Mode::Load);
        const QString fresh = FakeBackend::discOf(2, 9);
        auto [ok, message] = f.act(QStringLiteral("load"), [&] { f.hw.insertDisc(fresh); });
        QVERIFY2(ok, qPrintable(message));
        QCOMPARE(page->loadedCount(), 1);
        // A barcode that is not one is given back.
        std::tie(ok, message) = f.act(QStringLiteral("load"), [&] { f.hw.insertDisc(QStringLiteral("D12")); });
        QVERIFY(!ok && message.contains(QLatin1String("not a valid disc barcode")));
        QVERIFY(QTest::qWaitFor([&] { return !f.hw.discInReturnSlot(); }, 2000));   // given back
        f.m->stopMode();
        QCOMPARE(f.m->mode(), Mode::None);
        QVERIFY(QTest::qWaitFor([&] { return page->map()->filled() == 7; }, 5000));
        // Unloading a rented-out disc is refused with the words for it.
        const QString out = FakeBackend::discOf(1, 2);
        f.backend.rentOutElsewhere(out);
        std::tie(ok, message) = f.act(QStringLiteral("unload"), [&] { page->unload(out); });
        QVERIFY(!ok && message.contains(QLatin1String("rented out")));
        // Unloading one in its slot: the carousel hands it out.
        std::tie(ok, message) = f.act(QStringLiteral("dispense"), [&] { page->unload(FakeBackend::discOf(3, 1)); });
        QVERIFY2(ok, qPrintable(message));
        // Marked damaged: it joins the removal list.
        std::tie(ok, message) = f.act(QStringLiteral("damaged"), [&] { page->markDamaged(FakeBackend::discOf(1, 1)); });
        QVERIFY2(ok, qPrintable(message));
        QVERIFY(QTest::qWaitFor([&] { return page->removals()->rowCount() == 1 && !f.m->busy(); }, 5000));
        for (const char *action : {"disc_load", "disc_unload", "disc_damaged"})
            QVERIFY2(f.backend.auditActions().contains(QLatin1String(action)), action);
    }

    void aJammedUnloadIsRetriedOnceTheJamIsCleared()
    {
        Flow f;
        QVERIFY(f.signIn());
        f.m->showPage(static_cast<int>(Page::Slots));
        QVERIFY(QTest::qWaitFor([&] { return !f.m->busy(); }, 5000));
        f.hw.jamNextDispense(1);
        auto [ok, message] = f.act(QStringLiteral("dispense"), [&] { f.m->slotsPage()->unload(FakeBackend::discOf(2, 2)); });
        QVERIFY(!ok && message.contains(QLatin1String("clear the jam")));
        QVERIFY(f.m->hardwarePage()->canRetry());
        QVERIFY(QTest::qWaitFor([&] { return !f.m->busy(); }, 5000));
        QSignalSpy done(f.m.get(), &MaintenanceController::actionDone);
        std::tie(ok, message) = f.act(QStringLiteral("clear_jam"), [&] { f.m->hardwarePage()->clearJamAndRetry(); });
        QVERIFY2(ok && message.contains(QLatin1String("Retrying slot")), qPrintable(message));
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const QList<QVariant> &a : done)
                    if (a.at(0).toString() == QLatin1String("dispense") && a.at(1).toBool())
                        return true;
                return false;
            },
            5000));
        QVERIFY(!f.m->hardwarePage()->canRetry());
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("dispense_failed")));
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("jam_cleared")));
    }

    void theReadersAndTheCarouselAreTested()
    {
        Flow f;
        QVERIFY(f.signIn());
        auto [ok, report] = f.act(QStringLiteral("selftest"), [&] { f.m->hardwarePage()->selfTest(); });
        QVERIFY2(ok && report.startsWith(QLatin1String("Self-test passed")), qPrintable(report));
        std::tie(ok, report) = f.act(QStringLiteral("cardtest"), [&] {
            f.m->hardwarePage()->testCardReader();
            f.hw.swipeCard(Flow::track(FakeBackend::memberCard(1)));
        });
        QVERIFY(ok && report.contains(FakeBackend::memberCard(1).right(4)));
        QVERIFY(!report.contains(FakeBackend::memberCard(1)));   // never the whole number
        std::tie(ok, report) = f.act(QStringLiteral("barcodetest"), [&] {
            f.m->hardwarePage()->testBarcodeReader();
            f.hw.misreadNextDisc();
            f.hw.insertDisc(FakeBackend::discOf(1, 1));
        });
        QVERIFY(!ok && report.contains(QLatin1String("could not read")));
        QCOMPARE(f.m->mode(), Mode::None);
    }

    void repairResyncsExportsAndFailsOver()
    {
        Flow f;
        QVERIFY(f.signIn());
        TechRepair *repair = f.m->repairPage();
        auto [ok, message] = f.act(QStringLiteral("resync"), [&] { repair->resync(); });
        QVERIFY2(ok && message.contains(QLatin1String("rows fetched")), qPrintable(message));
        QCOMPARE(repair->resyncDone(), repair->resyncTotal());
        std::tie(ok, message) = f.act(QStringLiteral("export"), [&] { repair->exportDiagnostics(); });
        QVERIFY2(ok, qPrintable(message));
        QVERIFY(QFile::exists(repair->lastExport()));
        std::tie(ok, message) = f.act(QStringLiteral("failover"), [&] { repair->failover(); });
        QVERIFY(ok && message.contains(QLatin1String("leads")));
        // One action at a time.
        repair->retryParked();
        std::tie(ok, message) = f.act(QStringLiteral("failback"), [&] { repair->failback(); });
        QVERIFY(!ok && message.contains(QLatin1String("Wait for the current action")));
        QVERIFY(f.backend.auditActions().contains(QStringLiteral("cache_resync")));
    }
};

QTEST_MAIN(TestTechFlow)
#include "tst_techflow.moc"
