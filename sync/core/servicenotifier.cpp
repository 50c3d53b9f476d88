// The systemd service protocol (see servicenotifier.h).
#include "core/servicenotifier.h"

#include "core/logging.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace redbox {

ServiceNotifier::ServiceNotifier(Pings pings, QObject *parent) : QObject(parent)
{
    const QByteArray socket = qgetenv("NOTIFY_SOCKET");
    if (socket.isEmpty())
        return;
    if ((socket[0] != '/' && socket[0] != '@') || socket.size() >= static_cast<qsizetype>(sizeof(sockaddr_un::sun_path))) {
        qCWarning(lcService, "NOTIFY_SOCKET is not a usable socket path; not notifying systemd");
        return;
    }
    m_socket = socket;
    // WATCHDOG_PID, when set, names the process meant to ping: not us, no pings.
    const QByteArray pid = qgetenv("WATCHDOG_PID");
    const bool forUs = pid.isEmpty() || pid.toLongLong() == static_cast<qint64>(::getpid());
    bool ok = false;
    const qint64 usec = qgetenv("WATCHDOG_USEC").toLongLong(&ok);
    if (forUs && ok && usec > 0) {
        m_watchdogUsec = usec;
        // Half the interval, as sd_watchdog_enabled(3) advises; at least every 50 ms apart.
        m_watchdog.setInterval(static_cast<int>(std::max<qint64>(50, usec / 2000)));
        if (pings == Pings::FromTimer) {
            connect(&m_watchdog, &QTimer::timeout, this, &ServiceNotifier::ping);
            m_watchdog.start();
        }
        qCInfo(lcService, "systemd watchdog: pinging every %d ms", m_watchdog.interval());
    }
}

void ServiceNotifier::ready(const QString &status)
{
    notify(status.isEmpty() ? QByteArray("READY=1") : "READY=1\nSTATUS=" + status.toUtf8());
}

void ServiceNotifier::status(const QString &text)
{
    notify("STATUS=" + text.toUtf8());
}

void ServiceNotifier::stopping()
{
    m_watchdog.stop();
    m_watchdogUsec = 0;
    notify("STOPPING=1");
}

void ServiceNotifier::ping()
{
    // At most one ping per quarter of the watchdog interval: a caller in a tight loop does not
    // flood systemd, and the timer's pings (every half interval, give or take) are never skipped.
    if (m_watchdogUsec <= 0 || (m_sincePing.isValid() && m_sincePing.elapsed() < m_watchdog.interval() / 2))
        return;
    m_sincePing.start();
    notify("WATCHDOG=1");
}

bool ServiceNotifier::notify(const QByteArray &state)
{
    if (m_socket.isEmpty())
        return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, m_socket.constData(), static_cast<size_t>(m_socket.size()));
    if (addr.sun_path[0] == '@')
        addr.sun_path[0] = '\0';   // an abstract socket
    const socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + static_cast<size_t>(m_socket.size()));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        qCWarning(lcService, "cannot open a socket to notify systemd: %s", std::strerror(errno));
        return false;
    }
    // Never waits: the kiosk calls this on its GUI thread, and a full socket queue must not stall it.
    const ssize_t sent = ::sendto(fd, state.constData(), static_cast<size_t>(state.size()), MSG_NOSIGNAL | MSG_DONTWAIT,
                                  reinterpret_cast<const sockaddr *>(&addr), len);
    const int err = errno;
    ::close(fd);
    if (sent != state.size()) {
        qCWarning(lcService, "cannot notify systemd (%s): %s", m_socket.constData(), std::strerror(err));
        return false;
    }
    return true;
}

}   // namespace redbox
