// End to end: the real kiosk app (KioskApp, as main() builds it, with its QML
// screens) offscreen against the test network. A customer rents a disc and
// returns it by taps, the simulated hardware plays card reader, dispenser and
// return slot. Every screen is saved to build/screenshots/ to be looked at.
#include "fakesystemd.h"
#include "quickitems.h"
#include "testnetwork.h"

#include "app/kioskapp.h"
#include "core/cards.h"
#include "hardware/simulatedhardware.h"

#include <QDir>
#include <QGuiApplication>
#include <QJsonArray>
#include <QProcess>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

class TestKioskEndToEnd : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();
    QTemporaryDir storage;
    std::unique_ptr<KioskApp> app;
    QString shots;
    int shotNo = 0;

    QQuickWindow *window() { return app->window(); }
    KioskController *kiosk() { return app->controller(); }
    SimulatedHardware *hw() { return qobject_cast<SimulatedHardware *>(app->device()); }

    QPointer<QQuickItem> item(const QString &name, int timeoutMs = 10000) { return waitForItem(window(), name, timeoutMs); }

    void tap(const QString &name)
    {
        QPoint p;
        QVERIFY2(settledCentre(window(), name, &p),
                 qPrintable(QStringLiteral("no visible item %1 on screen %2").arg(name).arg(static_cast<int>(kiosk()->screen()))));
        QTest::mouseClick(window(), Qt::LeftButton, {}, p);
    }

    void shot(const QString &name)
    {
        QTest::qWait(400);   // let animations and the loader settle
        const QImage img = window()->grabWindow();
        QVERIFY(!img.isNull());
        const QString path = QStringLiteral("%1/%2_%3.png").arg(shots).arg(++shotNo, 2, 10, QLatin1Char('0')).arg(name);
        QVERIFY(img.save(path));
        qInfo("screenshot %s", qPrintable(path));
    }

    bool waitScreen(KioskController::Screen s, int timeoutMs = 30000)
    {
        return QTest::qWaitFor([&] { return kiosk()->screen() == s; }, timeoutMs);
    }

    QByteArray track(const QString &card) { return ";" + card.toLatin1() + "=3012?"; }

public:
    static void initMain() { qputenv("QT_IM_MODULE", QByteArrayLiteral("qtvirtualkeyboard")); }

private slots:
    void initTestCase()
    {
        QVERIFY(net.waitHealthy(QStringLiteral("west-rb2"), 120s));
        shots = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("screenshots"));
        QDir().mkpath(shots);
        KioskAppOptions options;
        options.idleTimeoutMs = 60'000;
        options.cardReader = QStringLiteral("keyboard");   // a card swipe can be typed at the window
        app = std::make_unique<KioskApp>(options);
        const KioskConfig cfg = net.kioskConfig(QStringLiteral("west-rb2"), 1, storage.path());
        app->start(&cfg);
        QVERIFY(window());
        QVERIFY(QTest::qWaitForWindowExposed(window()));
        QVERIFY(QTest::qWaitFor([&] { return kiosk()->catalog()->rowCount() > 0; }, 60000));
    }

    void rentADiscByTaps()
    {
        QCOMPARE(kiosk()->screen(), KioskController::Screen::Attract);
        shot(QStringLiteral("attract"));
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        shot(QStringLiteral("browse"));
        // The first cover with a disc available.
        tap(QStringLiteral("cover_0"));
        QVERIFY(waitScreen(KioskController::Screen::Title));
        shot(QStringLiteral("title"));
        tap(QStringLiteral("addToCartButton"));
        QTRY_COMPARE(kiosk()->cart()->rowCount(), 1);
        tap(QStringLiteral("checkoutButton"));
        QVERIFY(waitScreen(KioskController::Screen::SignIn));
        shot(QStringLiteral("sign_in"));

        // An unreadable swipe first: a clear message, still on the sign-in screen.
        hw()->swipeCard(";1234=99?");
        QTRY_VERIFY(!kiosk()->message().isEmpty());
        shot(QStringLiteral("sign_in_bad_swipe"));

        const QJsonObject member = net.tryIt().value(QStringLiteral("members")).toArray().at(0).toObject();
        hw()->swipeCard(track(member.value(QStringLiteral("card")).toString()));
        QVERIFY(waitScreen(KioskController::Screen::Pin));
        const QString pin = member.value(QStringLiteral("pin")).toString();
        for (const QChar c : pin)
            tap(QStringLiteral("key") + c);
        QTRY_COMPARE(kiosk()->pinLength(), 4);
        shot(QStringLiteral("pin"));
        tap(QStringLiteral("keyEnter"));
        QVERIFY(waitScreen(KioskController::Screen::Summary));
        shot(QStringLiteral("summary"));
        // A promo code (new to this member, so the test can run again), checked at HQ: the
        // night is free, the summary says so, and the card is still checked.
        const QString code = QStringLiteral("E2E") + QUuid::createUuid().toString(QUuid::Id128).left(8).toUpper();
        net.connect(QStringLiteral("hq"))
            .exec("SELECT redbox.add_promo_code($1, 1000, current_date - 1, current_date + 1, 'e2e')", {code}, true);
        QPointer<QQuickItem> promoField = item(QStringLiteral("promoField"));
        QVERIFY(promoField);
        promoField->setProperty("text", code.toLower());
        tap(QStringLiteral("promoButton"));
        QTRY_VERIFY_WITH_TIMEOUT(!kiosk()->promoCode().isEmpty(), 15000);
        QCOMPARE(kiosk()->summary()->subtotal(), 0);
        QCOMPARE(kiosk()->summary()->total(), 0);
        QVERIFY(item(QStringLiteral("cardCheckText"))->isVisible());
        shot(QStringLiteral("summary_promo"));
        pg::Connection west = net.connect(QStringLiteral("west"));
        const char *mailed = "SELECT count(*) FROM redbox.mail_queue WHERE member_id = $1";
        const qint64 mailedBefore = west.exec(mailed, {member.value(QStringLiteral("member_id")).toInteger()}).int64(0, 0);
        tap(QStringLiteral("payButton"));
        QVERIFY(waitScreen(KioskController::Screen::Receipt, 60000));
        QCOMPARE(kiosk()->dispensedCount(), 1);
        QCOMPARE(hw()->dispensedCount(), 1);
        // The receipt by e-mail: queued at the kiosk, sent once the coast (which holds the address) has it.
        tap(QStringLiteral("emailReceiptButton"));
        QTRY_COMPARE_WITH_TIMEOUT(kiosk()->receiptState(), QStringLiteral("sent"), 30000);
        shot(QStringLiteral("receipt"));
        QCOMPARE(west.exec(mailed, {member.value(QStringLiteral("member_id")).toInteger()}).int64(0, 0), mailedBefore + 1);
        tap(QStringLiteral("doneButton"));
        QVERIFY(waitScreen(KioskController::Screen::Attract));

        // A credit card with no membership: the same keypad asks for its billing ZIP.
        kiosk()->start();
        const CatalogModel *catalog = kiosk()->catalog();
        for (int row = 0; row < catalog->rowCount() && kiosk()->cart()->rowCount() == 0; ++row)
            if (catalog->data(catalog->index(row), CatalogModel::AvailableRole).toInt() > 0)
                kiosk()->addToCart(catalog->data(catalog->index(row), CatalogModel::MovieIdRole).toInt());
        kiosk()->checkout();
        QVERIFY(waitScreen(KioskController::Screen::SignIn));
        hw()->swipeCard(track(QStringLiteral("4111111111111111")), QStringLiteral("97201"));
        QVERIFY(waitScreen(KioskController::Screen::Pin));
        QVERIFY(kiosk()->walkUp());
        for (const QChar c : QStringLiteral("97201"))
            tap(QStringLiteral("key") + c);
        QTRY_COMPARE(kiosk()->pinLength(), 5);
        shot(QStringLiteral("billing_zip"));
        kiosk()->cancel();
    }

    void returnTheDiscByTaps()
    {
        pg::Connection c = net.connect(QStringLiteral("west-rb2"));
        const pg::Result r = c.exec("SELECT barcode FROM redbox.rental WHERE kiosk_id = $1 AND status = 'open' "
                                    "ORDER BY committed_at DESC LIMIT 1",
                                    {kiosk()->kioskId()});
        QCOMPARE(r.rows(), 1);
        const QString barcode = r.text(0, 0);
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        tap(QStringLiteral("returnButton"));
        QVERIFY(waitScreen(KioskController::Screen::ReturnInsert));
        shot(QStringLiteral("return_insert"));
        hw()->insertDisc(barcode);
        QVERIFY(waitScreen(KioskController::Screen::ReturnResult));
        shot(QStringLiteral("return_result"));
        QCOMPARE(kiosk()->returned()->charge() > 0, true);
        tap(QStringLiteral("doneButton"));
        QVERIFY(waitScreen(KioskController::Screen::Attract));
    }

    // A disc on sale ("previously viewed") bought by taps: the title screen offers it at its
    // price from the data, the summary and the receipt say it is the customer's to keep, and
    // the red box closes it as sold once the disc is out.
    void buyADiscByTaps()
    {
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        const CatalogModel *catalog = kiosk()->catalog();
        int movieId = 0;
        for (int row = 0; row < catalog->rowCount() && movieId == 0; ++row) {
            const QModelIndex i = catalog->index(row);
            if (catalog->data(i, CatalogModel::SaleRole).toInt() > 0 && catalog->data(i, CatalogModel::AvailableRole).toInt() > 0)
                movieId = catalog->data(i, CatalogModel::MovieIdRole).toInt();
        }
        QVERIFY2(movieId > 0, "no title on sale with a disc at this kiosk");
        kiosk()->openTitle(movieId);
        QVERIFY(waitScreen(KioskController::Screen::Title));
        QVERIFY(item(QStringLiteral("titleSalePrice"))->isVisible());
        shot(QStringLiteral("title_on_sale"));
        tap(QStringLiteral("buyButton"));
        QTRY_COMPARE(kiosk()->cart()->rowCount(), 1);
        QVERIFY(kiosk()->cart()->data(kiosk()->cart()->index(0), CartModel::PurchaseRole).toBool());
        tap(QStringLiteral("checkoutButton"));
        QVERIFY(waitScreen(KioskController::Screen::SignIn));
        const QJsonObject member = net.tryIt().value(QStringLiteral("members")).toArray().at(0).toObject();
        hw()->swipeCard(track(member.value(QStringLiteral("card")).toString()));
        QVERIFY(waitScreen(KioskController::Screen::Pin));
        for (const QChar c : member.value(QStringLiteral("pin")).toString())
            tap(QStringLiteral("key") + c);
        tap(QStringLiteral("keyEnter"));
        QVERIFY(waitScreen(KioskController::Screen::Summary));
        shot(QStringLiteral("summary_buy"));
        const int dispensedBefore = hw()->dispensedCount();
        tap(QStringLiteral("payButton"));
        QVERIFY(waitScreen(KioskController::Screen::Receipt, 60000));
        QCOMPARE(hw()->dispensedCount(), dispensedBefore + 1);
        shot(QStringLiteral("receipt_bought"));
        const QUuid bought = kiosk()->cart()->items().first().rentalId;
        pg::Connection c = net.connect(QStringLiteral("west-rb2"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return c.exec("SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND kiosk_id = $2 AND member_id = $3 "
                              "AND purchase AND status = 'kept' AND movie_id = $4",
                              {bought, kiosk()->kioskId(), member.value(QStringLiteral("member_id")).toInteger(), movieId})
                           .int64(0, 0) == 1;
            },
            30000));
        tap(QStringLiteral("doneButton"));
        QVERIFY(waitScreen(KioskController::Screen::Attract));
    }

    // A dispenser that lets the wrong disc out: the rental is voided, the kiosk goes out of order
    // for rentals (the screen says returns are still taken), HQ's audit log has the alert, and a
    // technician's cleared jam opens it again.
    void outOfOrderAfterTheWrongDiscCameOut()
    {
        const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-5);
        const int slotCount = 200;
        hw()->skipExitCheck(true);
        for (int s = 1; s <= slotCount; ++s)
            if (hw()->occupied(s))
                hw()->putDisc(s, QStringLiteral("D000077000001"));   // every slot holds a disc the records put elsewhere
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        const CatalogModel *catalog = kiosk()->catalog();
        for (int row = 0; row < catalog->rowCount() && kiosk()->cart()->rowCount() == 0; ++row)
            if (catalog->data(catalog->index(row), CatalogModel::AvailableRole).toInt() > 0)
                kiosk()->addToCart(catalog->data(catalog->index(row), CatalogModel::MovieIdRole).toInt());
        QTRY_COMPARE(kiosk()->cart()->rowCount(), 1);
        kiosk()->openCart();
        QVERIFY(waitScreen(KioskController::Screen::Cart));
        tap(QStringLiteral("checkoutButton"));
        QVERIFY(waitScreen(KioskController::Screen::SignIn));
        const QJsonObject member = net.tryIt().value(QStringLiteral("members")).toArray().at(1).toObject();
        // Typed at the window, as a USB reader that types does (--card-reader keyboard).
        for (const char c : track(member.value(QStringLiteral("card")).toString()))
            QTest::keyClick(window(), c);
        QTest::keyClick(window(), Qt::Key_Return);
        QVERIFY(waitScreen(KioskController::Screen::Pin));
        for (const QChar c : member.value(QStringLiteral("pin")).toString())
            tap(QStringLiteral("key") + c);
        tap(QStringLiteral("keyEnter"));
        QVERIFY(waitScreen(KioskController::Screen::Summary));
        tap(QStringLiteral("payButton"));
        QVERIFY(waitScreen(KioskController::Screen::Receipt, 60000));
        QCOMPARE(kiosk()->cart()->items().first().state, CartModel::State::Failed);
        QVERIFY(!kiosk()->rentalsOpen());
        tap(QStringLiteral("doneButton"));
        QVERIFY(waitScreen(KioskController::Screen::Attract));
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::OutOfOrder));
        QVERIFY(item(QStringLiteral("outOfOrderReturn"))->isVisible());
        shot(QStringLiteral("out_of_order"));
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return hq.exec("SELECT count(*) FROM redbox.audit_log WHERE kiosk_id = $1 AND action = 'device_fault' "
                               "AND detail->>'lane' = 'rentals' AND at >= $2",
                               {kiosk()->kioskId(), since})
                           .int64(0, 0) == 1;
            },
            60000));
        tap(QStringLiteral("outOfOrderReturn"));
        QVERIFY(waitScreen(KioskController::Screen::ReturnInsert));
        kiosk()->cancel();
        QSignalSpy cleared(kiosk()->hardware(), &KioskHardware::jamCleared);
        kiosk()->hardware()->clearJam();   // as the technician's Hardware page does
        QVERIFY(cleared.wait(30000));
        QVERIFY(kiosk()->rentalsOpen());
        hw()->skipExitCheck(false);
        hw()->refreshFromRecords();   // the carousel as the records have it again
        kiosk()->cancel();
        QVERIFY(waitScreen(KioskController::Screen::Attract));
    }

    void spanishNightAndLandscape()
    {
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        tap(QStringLiteral("languageButton"));
        QTRY_COMPARE(kiosk()->language(), QStringLiteral("es"));
        tap(QStringLiteral("themeButton"));
        QTRY_COMPARE(kiosk()->theme(), QStringLiteral("night"));
        shot(QStringLiteral("browse_es_night"));
        window()->resize(1920, 1080);
        shot(QStringLiteral("browse_es_night_landscape"));
        tap(QStringLiteral("cover_1"));
        QVERIFY(waitScreen(KioskController::Screen::Title));
        shot(QStringLiteral("title_es_night_landscape"));
        tap(QStringLiteral("languageButton"));
        tap(QStringLiteral("themeButton"));
        QTRY_COMPARE(kiosk()->language(), QStringLiteral("en"));
        tap(QStringLiteral("helpButton"));
        QVERIFY(waitScreen(KioskController::Screen::Help));
        shot(QStringLiteral("help_landscape"));
        window()->resize(1080, 1920);
        kiosk()->cancel();
        QVERIFY(waitScreen(KioskController::Screen::Attract));
    }

    // A field technician by taps: the hidden corner of the help screen held for 3 s,
    // the technician card and PIN, then Health, Slots, Hardware (a self-test) and Repair, then
    // signing out. Also run under Xvfb (CTest tst_maintenance_xvfb) with the same screenshots.
    void aTechnicianServicesTheKiosk()
    {
        QCOMPARE(kiosk()->screen(), KioskController::Screen::Attract);
        tap(QStringLiteral("attractTouch"));
        QVERIFY(waitScreen(KioskController::Screen::Browse));
        tap(QStringLiteral("helpButton"));
        QVERIFY(waitScreen(KioskController::Screen::Help));
        // A short tap on the corner does nothing; holding it opens the sign-in.
        tap(QStringLiteral("maintenanceCorner"));
        QTest::qWait(300);
        QCOMPARE(kiosk()->screen(), KioskController::Screen::Help);
        QPoint p;
        QVERIFY(settledCentre(window(), QStringLiteral("maintenanceCorner"), &p));
        QTest::mousePress(window(), Qt::LeftButton, {}, p);
        QTest::qWait(3300);
        QTest::mouseRelease(window(), Qt::LeftButton, {}, p);
        QVERIFY(waitScreen(KioskController::Screen::Maintenance, 5000));
        MaintenanceController *m = app->maintenance();
        QCOMPARE(m->page(), MaintenanceController::Page::Card);
        shot(QStringLiteral("maintenance_sign_in"));
        const QJsonObject tech = net.tryIt().value(QStringLiteral("technicians")).toArray().at(1).toObject();
        hw()->swipeCard(track(tech.value(QStringLiteral("card")).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(m->page(), MaintenanceController::Page::Pin, 30000);
        for (const QChar c : tech.value(QStringLiteral("pin")).toString())
            tap(QStringLiteral("key") + c);
        QTRY_COMPARE(m->session()->pinLength(), tech.value(QStringLiteral("pin")).toString().size());
        shot(QStringLiteral("maintenance_pin"));
        tap(QStringLiteral("keyEnter"));
        QTRY_COMPARE_WITH_TIMEOUT(m->page(), MaintenanceController::Page::Health, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!m->busy() && m->healthPage()->rows()->rowCount() >= 6, 30000);
        shot(QStringLiteral("maintenance_health"));
        tap(QStringLiteral("tabSlots"));
        QTRY_VERIFY_WITH_TIMEOUT(!m->busy() && m->slotsPage()->map()->rowCount() > 0, 30000);
        QVERIFY(item(QStringLiteral("slot1")));
        shot(QStringLiteral("maintenance_slots"));
        tap(QStringLiteral("tabHardware"));
        tap(QStringLiteral("selfTestButton"));
        QTRY_VERIFY_WITH_TIMEOUT(m->hardwarePage()->report().startsWith(QLatin1String("Self-test passed")), 30000);
        shot(QStringLiteral("maintenance_hardware"));
        tap(QStringLiteral("tabRepair"));
        QVERIFY(item(QStringLiteral("exportButton")));
        tap(QStringLiteral("exportButton"));
        QTRY_VERIFY_WITH_TIMEOUT(!m->repairPage()->lastExport().isEmpty(), 30000);
        shot(QStringLiteral("maintenance_repair"));
        tap(QStringLiteral("signOutButton"));
        QVERIFY(waitScreen(KioskController::Screen::Attract));
        QCOMPARE(m->page(), MaintenanceController::Page::Closed);
    }

    void cleanupTestCase()
    {
        app.reset();
        QVERIFY(net.waitForQuiet(60s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    // redbox-kiosk as its systemd unit runs it: READY=1 once the attract loop is on screen, a
    // watchdog ping at half of WatchdogSec= from the GUI loop, none while the process is hung.
    void theAppTalksToSystemd()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        QVERIFY(systemd.ok);
        QProcess kiosk;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), systemd.path());
        env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("1000000"));
        kiosk.setProcessEnvironment(env);
        kiosk.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const QString config = qEnvironmentVariable("REDBOX_TEST_STATE") + QStringLiteral("/kiosks/WRB1-01/kiosk.ini");
        kiosk.start(QCoreApplication::applicationDirPath() + QStringLiteral("/redbox-kiosk"), {QStringLiteral("--config"), config});
        QVERIFY(kiosk.waitForStarted());
        QList<QByteArray> seen;
        QVERIFY2(systemd.waitFor("READY=1", 30000, &seen), seen.join(" | ").constData());
        QVERIFY(seen.last().contains("STATUS=attract loop on screen"));
        QVERIFY2(systemd.receive(2000).count("WATCHDOG=1") >= 3, "about two pings a second");
        ::kill(static_cast<pid_t>(kiosk.processId()), SIGSTOP);   // hung: no pings, so systemd would restart it
        systemd.receive(100);
        QCOMPARE(systemd.receive(1500).count("WATCHDOG=1"), 0);
        ::kill(static_cast<pid_t>(kiosk.processId()), SIGCONT);
        QVERIFY(systemd.waitFor("WATCHDOG=1", 3000));
        kiosk.terminate();
        QVERIFY(systemd.waitFor("STOPPING=1", 5000));
        // It may have ended while we waited for STOPPING (waitForFinished is false for a process already gone).
        QVERIFY(kiosk.state() == QProcess::NotRunning || kiosk.waitForFinished(10000));
        QCOMPARE(kiosk.exitStatus(), QProcess::NormalExit);
        QCOMPARE(kiosk.exitCode(), 0);
    }
};

QTEST_MAIN(TestKioskEndToEnd)
#include "tst_kiosk_e2e.moc"
