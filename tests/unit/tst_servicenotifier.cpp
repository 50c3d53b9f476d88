// ServiceNotifier speaks systemd's notify protocol to a real unix datagram
// socket standing in for systemd's: READY, STATUS, the watchdog pings (from
// its timer, or rate-limited from ping()), nothing when it is not for us or
// there is no socket.
#include "core/servicenotifier.h"

#include "fakesystemd.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace redbox;

using redbox::test::FakeSystemd;

class TstServiceNotifier : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        qunsetenv("NOTIFY_SOCKET");
        qunsetenv("WATCHDOG_USEC");
        qunsetenv("WATCHDOG_PID");
    }

    void outsideSystemdDoesNothing()
    {
        ServiceNotifier n;
        QVERIFY(!n.active());
        QVERIFY(!n.notify("READY=1"));
    }

    void refusesAPathThatIsNotASocketPath()
    {
        qputenv("NOTIFY_SOCKET", "relative/path");
        ServiceNotifier n;
        QVERIFY(!n.active());
    }

    void readyStatusAndStopping()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        QVERIFY(systemd.ok);
        qputenv("NOTIFY_SOCKET", dir.filePath(QStringLiteral("notify")).toLocal8Bit());
        ServiceNotifier n;
        QVERIFY(n.active());
        QCOMPARE(n.watchdogUsec(), 0);
        n.ready(QStringLiteral("attract loop on screen"));
        n.status(QStringLiteral("cache syncing"));
        n.stopping();
        const QList<QByteArray> got = systemd.receive(300);
        QCOMPARE(got, (QList<QByteArray>{"READY=1\nSTATUS=attract loop on screen", "STATUS=cache syncing", "STOPPING=1"}));
    }

    void watchdogPingsFromTheEventLoop()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        qputenv("NOTIFY_SOCKET", dir.filePath(QStringLiteral("notify")).toLocal8Bit());
        qputenv("WATCHDOG_USEC", "200000");   // 200 ms: a ping every 100 ms
        ServiceNotifier n;
        QCOMPARE(n.watchdogUsec(), 200000);
        const QList<QByteArray> got = systemd.receive(1000);
        QVERIFY2(got.count("WATCHDOG=1") >= 5, qPrintable(QString::number(got.size())));
        // A blocked event loop sends nothing: that is what lets systemd restart a hung GUI.
        systemd.arrived();
        QThread::msleep(450);
        QVERIFY(!systemd.arrived().contains("WATCHDOG=1"));
        n.stopping();
        systemd.arrived();
        QVERIFY(!systemd.receive(400).contains("WATCHDOG=1"));
    }

    void callerPingsAreRateLimited()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        qputenv("NOTIFY_SOCKET", dir.filePath(QStringLiteral("notify")).toLocal8Bit());
        qputenv("WATCHDOG_USEC", "2000000");   // 2 s: pings at least 0.5 s apart
        ServiceNotifier n(ServiceNotifier::Pings::ByCaller);
        for (int i = 0; i < 100; ++i)
            n.ping();
        QCOMPARE(systemd.receive(200).count("WATCHDOG=1"), 1);
    }

    void watchdogMeantForAnotherProcess()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        qputenv("NOTIFY_SOCKET", dir.filePath(QStringLiteral("notify")).toLocal8Bit());
        qputenv("WATCHDOG_USEC", "200000");
        qputenv("WATCHDOG_PID", QByteArray::number(static_cast<qint64>(::getpid()) + 1));
        ServiceNotifier n;
        QCOMPARE(n.watchdogUsec(), 0);
        QVERIFY(systemd.receive(400).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstServiceNotifier)
#include "tst_servicenotifier.moc"
