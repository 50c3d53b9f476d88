// A connection that stays up (see link.h).
#include "kioskcore/link.h"

#include "core/logging.h"

#include <QDateTime>
#include <QPointer>

namespace redbox {

Link::Link(QString name, ConninfoFn conninfo, QStringList listen, QObject *parent)
    : QObject(parent),
      m_name(std::move(name)),
      m_conninfo(std::move(conninfo)),
      m_listen(std::move(listen)),
      // Retries at most about once a second (jittered): after a failover the kiosk is back
      // within a second of the promotion (bench-sync), while a fleet of kiosks costs the
      // surviving server one TLS + SCRAM handshake per kiosk per second at worst.
      m_backoff(RetryPolicy{std::chrono::milliseconds(200), std::chrono::milliseconds(1000), 2.0, 0.5, 0, {}})
{
    m_clock.start();
    m_downSince.start();
    m_conn.setParent(this);
    m_retry.setParent(this);
    m_expiry.setParent(this);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Link::connectNow);
    m_expiry.setInterval(100);
    connect(&m_expiry, &QTimer::timeout, this, &Link::expireWaiting);
    connect(&m_conn, &pg::AsyncConnection::connected, this, &Link::onConnected);
    connect(&m_conn, &pg::AsyncConnection::connectionLost, this, &Link::onLost);
    connect(&m_conn, &pg::AsyncConnection::notified, this, &Link::notified);
}

void Link::start()
{
    if (m_started)
        return;
    m_started = true;
    connectNow();
}

void Link::stop()
{
    m_started = false;
    m_retry.stop();
    m_conn.close();
    m_up = false;
    m_verified = false;
}

void Link::connectNow()
{
    // A retry timer that fires while a connection is already under way (a call
    // asked for one first) must not tear it down with its queries in it.
    if (!m_started || m_conn.state() != pg::AsyncConnection::State::Closed)
        return;
    m_conn.open(m_conninfo(m_rotate), 5000);
}

QString Link::apiMismatch(int kioskLevel, int serverLevel, int serverOldest)
{
    if (kioskLevel < serverOldest)
        return QStringLiteral("the server serves kiosk API levels %1 to %2; this kiosk speaks level %3 and must be "
                              "updated")
            .arg(serverOldest)
            .arg(serverLevel)
            .arg(kioskLevel);
    if (kioskLevel > serverLevel)
        return QStringLiteral("the server serves kiosk API levels %1 to %2; this kiosk speaks level %3: the server "
                              "must be upgraded before its kiosks")
            .arg(serverOldest)
            .arg(serverLevel)
            .arg(kioskLevel);
    return {};
}

void Link::onConnected()
{
    m_verified = false;
    if (m_apiLevel <= 0) {
        onVerified();
        return;
    }
    QPointer<Link> self(this);
    const qint64 sentAt = QDateTime::currentMSecsSinceEpoch();
    m_conn.query("SELECT level, oldest, server_time FROM redbox.kiosk_hello()", {}, false,
                 [self, sentAt](const pg::Result *r, const pg::DbError *e) {
                     if (!self)
                         return;
                     QString mismatch;
                     if (e && e->sqlstate() == QLatin1String("42883")) {
                         // A server from before level 2 has no kiosk_hello (it served level 1).
                         mismatch = apiMismatch(self->m_apiLevel, 1, 1);
                     } else if (e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt)) {
                         return;   // the connection failed meanwhile: onLost retries
                     } else if (e) {
                         mismatch = QStringLiteral("the server refused this kiosk: %1").arg(e->message());
                     } else if (r->rows() != 1) {
                         mismatch = QStringLiteral("the server did not say which kiosk API levels it serves");
                     } else {
                         mismatch = apiMismatch(self->m_apiLevel, r->int32(0, 0), r->int32(0, 1));
                         // The server's clock against ours, at the midpoint of the round trip.
                         const qint64 back = QDateTime::currentMSecsSinceEpoch();
                         self->m_skewMs = r->timestamp(0, 2).toMSecsSinceEpoch() - (sentAt + back) / 2;
                     }
                     if (mismatch.isEmpty()) {
                         self->onVerified();
                         return;
                     }
                     // Closed after this callback returns: the connection is still delivering it.
                     QTimer::singleShot(0, self.data(), [self, mismatch] {
                         if (!self || self->m_verified)
                             return;
                         qCCritical(lcClient).noquote() << self->m_name << "refused:" << mismatch;
                         self->m_conn.close();
                         self->onLost(mismatch);
                         emit self->refused(mismatch);
                         // Nothing changes until someone upgrades a side: ask again in half a minute, not every second.
                         if (self->m_started)
                             self->m_retry.start(30000);
                     });
                 });
}

bool Link::credentialsRefused(const QString &message)
{
    return message.contains(QLatin1String("password authentication failed")) ||
           message.contains(QLatin1String("is not permitted to log in")) || message.contains(QLatin1String("no password supplied"));
}

void Link::onVerified()
{
    m_verified = true;
    m_retry.stop();
    m_backoff.reset();
    const bool wasUp = m_up;
    m_up = true;
    m_lastError.clear();
    for (const QString &channel : std::as_const(m_listen))
        m_conn.listen(channel);
    // A kiosk's statements never hang: the server gives up before we do.
    m_conn.query("SET statement_timeout = '20s'", {}, false, nullptr);
    while (!m_waiting.empty()) {
        Waiting w = std::move(m_waiting.front());
        m_waiting.pop_front();
        m_conn.query(std::move(w.sql), std::move(w.params), w.write, std::move(w.cb), w.deadlineMs);
    }
    if (!wasUp)
        qCInfo(lcClient) << m_name << "link up at" << m_conn.serverAddress();
    emit up(m_conn.serverAddress());
}

void Link::onLost(const QString &message)
{
    const bool wasUp = m_up;
    m_up = false;
    m_verified = false;
    m_lastError = message;
    if (wasUp) {
        m_downSince.restart();
        qCWarning(lcClient) << m_name << "link lost:" << message;
        emit down(message);
    } else {
        qCDebug(lcClient) << m_name << "cannot connect:" << message;
    }
    if (message.contains(QLatin1String("timed out connecting")))
        ++m_rotate;   // try the other server first next time
    if (credentialsRefused(message) && m_apiLevel > 0) {
        // A revoked (or never enrolled) kiosk: nothing changes until an operator enrols it.
        qCCritical(lcClient).noquote() << m_name << "refused this kiosk's login:" << message;
        emit refused(QStringLiteral("the red box refuses this kiosk's login (revoked, or not enrolled): %1").arg(message));
        if (m_started)
            m_retry.start(30000);
        return;
    }
    if (m_started)
        m_retry.start(static_cast<int>(m_backoff.next().count()));
}

void Link::call(QByteArray sql, std::vector<pg::Param> params, bool mayHaveWritten, pg::AsyncConnection::Callback cb, int waitMs,
                int deadlineMs)
{
    if (isUp()) {
        m_conn.query(std::move(sql), std::move(params), mayHaveWritten, std::move(cb), deadlineMs);
        return;
    }
    m_waiting.push_back(Waiting{std::move(sql), std::move(params), mayHaveWritten, std::move(cb), m_clock.elapsed() + waitMs, deadlineMs});
    if (!m_expiry.isActive())
        m_expiry.start();
    if (m_started && !m_retry.isActive() && m_conn.state() == pg::AsyncConnection::State::Closed)
        connectNow();
}

void Link::expireWaiting()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if (it->expiresAt <= now) {
            auto cb = std::move(it->cb);
            it = m_waiting.erase(it);
            const pg::DbError e(
                pg::ErrorKind::BrokenConnection, QStringLiteral("08006"),
                QStringLiteral("%1 unreachable: %2").arg(m_name, m_lastError.isEmpty() ? QStringLiteral("no answer") : m_lastError));
            if (cb)
                pg::AsyncConnection::deliver(cb, nullptr, &e);
            it = m_waiting.begin();   // the callback may have changed the list
        } else {
            ++it;
        }
    }
    if (m_waiting.empty())
        m_expiry.stop();
}

}   // namespace redbox
