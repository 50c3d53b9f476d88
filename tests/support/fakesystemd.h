// The listening end of systemd's notify socket (a unix datagram socket at a
// path), for tests of what a service tells systemd: READY=1, WATCHDOG=1, ...
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QString>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace redbox::test {

class FakeSystemd {
public:
    explicit FakeSystemd(const QString &path) : m_path(path.toLocal8Bit())
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (m_path.size() >= static_cast<qsizetype>(sizeof addr.sun_path))
            return;
        std::memcpy(addr.sun_path, m_path.constData(), static_cast<size_t>(m_path.size()));
        ok = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    }
    ~FakeSystemd() { ::close(m_fd); }
    FakeSystemd(const FakeSystemd &) = delete;
    FakeSystemd &operator=(const FakeSystemd &) = delete;

    // Every datagram that arrives within MS (events are processed meanwhile).
    QList<QByteArray> receive(int ms)
    {
        QList<QByteArray> got;
        QElapsedTimer t;
        t.start();
        do {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) == 1) {
                char buf[512];
                const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
                if (n > 0)
                    got << QByteArray(buf, static_cast<qsizetype>(n));
            } else {
                QCoreApplication::processEvents();
            }
        } while (t.elapsed() < ms);
        return got;
    }

    // What has arrived already, without running the event loop.
    QList<QByteArray> arrived()
    {
        QList<QByteArray> got;
        char buf[512];
        ssize_t n;
        while ((n = ::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
            got << QByteArray(buf, static_cast<qsizetype>(n));
        return got;
    }

    // Waits up to MS for a datagram starting with PREFIX; everything received meanwhile goes to SEEN.
    bool waitFor(const QByteArray &prefix, int ms, QList<QByteArray> *seen = nullptr)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            for (const QByteArray &d : receive(50)) {
                if (seen)
                    *seen << d;
                if (d.startsWith(prefix))
                    return true;
            }
        }
        return false;
    }

    QString path() const { return QString::fromLocal8Bit(m_path); }
    bool ok = false;

private:
    QByteArray m_path;
    int m_fd = -1;
};

}   // namespace redbox::test
