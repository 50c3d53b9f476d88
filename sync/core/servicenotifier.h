// The systemd service protocol (sd_notify(3)), spoken directly: when the
// process runs under a unit with Type=notify it says READY=1 once it is
// serving, and WATCHDOG=1 at half the unit's WatchdogSec=, either from a
// timer on the thread it is created on (the kiosk: the GUI thread, so a hung
// event loop stops the pings and systemd restarts the app) or from ping()
// called by a loop that has no event loop (the forwarder). Outside systemd
// (no NOTIFY_SOCKET) it does nothing. The socket path and the interval come
// from the environment systemd sets; both are checked.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace redbox {

class ServiceNotifier : public QObject {
    Q_OBJECT
public:
    enum class Pings { FromTimer, ByCaller };
    explicit ServiceNotifier(Pings pings = Pings::FromTimer, QObject *parent = nullptr);

    // Under systemd (NOTIFY_SOCKET set and usable)?
    bool active() const { return !m_socket.isEmpty(); }
    // The watchdog interval systemd asked for (WATCHDOG_USEC), 0 if none.
    qint64 watchdogUsec() const { return m_watchdogUsec; }

    void ready(const QString &status = {});
    void status(const QString &text);
    void stopping();
    // WATCHDOG=1, if the watchdog is on and a quarter of its interval has passed since the last one.
    void ping();

    // Sends one datagram; false (and a warning) if it could not be sent.
    bool notify(const QByteArray &state);

private:
    QByteArray m_socket;
    qint64 m_watchdogUsec = 0;
    QTimer m_watchdog;
    QElapsedTimer m_sincePing;
};

}   // namespace redbox
