// A connection that stays up: one AsyncConnection to a server pair
// (multi-host, target_session_attrs=read-write), reconnected with jittered
// backoff after a failure or failover; calls made while it is down wait (up
// to a limit) for it to come back. A connect attempt that times out rotates
// the host order, so a host that drops packets does not hold the pair hostage.
// A link that speaks the kiosk API greets the server at every connection
// (redbox.kiosk_hello(): the levels it serves, migration 030, and the kiosk it
// knows this login as) before any call goes out, and measures the kiosk's
// clock against the server's. Credentials the server refuses (a revoked or
// never enrolled kiosk) are a refusal, retried slowly, not an outage.
#pragma once

#include "core/retry.h"
#include "pg/asyncconnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

namespace redbox {

class Link : public QObject {
    Q_OBJECT
public:
    using ConninfoFn = std::function<QString(int rotate)>;
    Link(QString name, ConninfoFn conninfo, QStringList listen, QObject *parent = nullptr);

    // The kiosk API level this link speaks; 0 (the default) checks nothing.
    void setApiLevel(int level) { m_apiLevel = level; }
    static QString apiMismatch(int kioskLevel, int serverLevel, int serverOldest);

    void start();
    void stop();
    bool isUp() const { return m_conn.isReady() && m_verified; }
    bool isStarted() const { return m_started; }
    QString server() const { return m_conn.serverAddress(); }
    qint64 downForMs() const { return m_up ? 0 : (m_downSince.isValid() ? m_downSince.elapsed() : 0); }
    // How long a call may still wait for this link out of BUDGETMS, counted from when the link went
    // down: every call of one outage gives up at the same moment, not each a whole budget later.
    int waitLeft(int budgetMs) const { return static_cast<int>(std::max<qint64>(0, budgetMs - downForMs())); }
    const QString &lastError() const { return m_lastError; }
    // Server's clock minus this machine's, measured at the last greeting (empty: not yet).
    std::optional<qint64> clockSkewMs() const { return m_skewMs; }
    // Now on the server's clock, as well as the kiosk can tell (its own clock, the last skew applied).
    QDateTime serverNow() const { return QDateTime::currentDateTimeUtc().addMSecs(m_skewMs.value_or(0)); }
    // Whether a connection error means the server refused these credentials.
    static bool credentialsRefused(const QString &message);
    void dropAfterNextSendForTesting() { m_conn.dropAfterNextSendForTesting(); }

    // Runs SQL when the link is up, waiting up to waitMs for it; then fails with BrokenConnection.
    void call(QByteArray sql, std::vector<pg::Param> params, bool mayHaveWritten, pg::AsyncConnection::Callback cb, int waitMs,
              int deadlineMs = 15000);

signals:
    void up(const QString &server);
    void down(const QString &why);
    void refused(const QString &why);   // the server does not serve this link's API level, or refuses its login
    void notified(const QString &channel, const QString &payload);

private:
    struct Waiting {
        QByteArray sql;
        std::vector<pg::Param> params;
        bool write = false;
        pg::AsyncConnection::Callback cb;
        qint64 expiresAt = 0;
        int deadlineMs = 15000;
    };
    void connectNow();
    void onConnected();
    void onVerified();
    void onLost(const QString &message);
    void expireWaiting();

    QString m_name;
    ConninfoFn m_conninfo;
    QStringList m_listen;
    pg::AsyncConnection m_conn;
    Backoff m_backoff;
    QTimer m_retry;
    QTimer m_expiry;
    QElapsedTimer m_clock;
    QElapsedTimer m_downSince;
    std::deque<Waiting> m_waiting;
    bool m_started = false;
    bool m_up = false;
    bool m_verified = false;
    int m_apiLevel = 0;
    int m_rotate = 0;
    QString m_lastError;
    std::optional<qint64> m_skewMs;
};

}   // namespace redbox
