// ServiceNotifier speaks systemd's notify protocol to a real unix datagram
// socket standing in for systemd's: READY, STATUS, the watchdog pings (from
// its timer, or rate-limited from ping()), nothing when it is not for us or
// there is no socket.
#include "core/servicenotifier.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

using namespace redbox;

namespace {

// The listening end, as systemd holds it.
class FakeSystemd {
public:
    explicit FakeSystemd(const QString &path) : m_path(path.toLocal8Bit())
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, m_path.constData(), static_cast<size_t>(m_path.size()));
        ok = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    }
    ~FakeSystemd() { ::close(m_fd); }

    // Every datagram that arrives within MS.
    QList<QByteArray> receive(int ms)
    {
        QList<QByteArray> got;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) == 1) {
                char buf[512];
                const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
                if (n > 0)
                    got << QByteArray(buf, static_cast<qsizetype>(n));
            } else {
                QCoreApplication::processEvents();
            }
        }
        return got;
    }

    bool ok = false;

private:
    QByteArray m_path;
    int m_fd = -1;
};

} // namespace

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
        QThread::msleep(400);
        systemd.receive(0);
        n.stopping();
        QVERIFY(!systemd.receive(400).contains("WATCHDOG=1"));
    }

    void callerPingsAreRateLimited()
    {
        QTemporaryDir dir;
        FakeSystemd systemd(dir.filePath(QStringLiteral("notify")));
        qputenv("NOTIFY_SOCKET", dir.filePath(QStringLiteral("notify")).toLocal8Bit());
        qputenv("WATCHDOG_USEC", "2000000");  // 2 s: at most one ping a second
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
