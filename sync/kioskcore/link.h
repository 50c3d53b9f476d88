// A connection that stays up: one AsyncConnection to a server pair
// (multi-host, target_session_attrs=read-write), reconnected with jittered
// backoff after a failure or failover; calls made while it is down wait (up
// to a limit) for it to come back. A connect attempt that times out rotates
// the host order, so a host that drops packets does not hold the pair hostage.
// A link that speaks the kiosk API checks at every connection that the server
// serves its level (redbox.kiosk_api(), migration 030) before any call goes out.
#pragma once

#include "core/retry.h"
#include "pg/asyncconnection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>

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
    const QString &lastError() const { return m_lastError; }
    void dropAfterNextSendForTesting() { m_conn.dropAfterNextSendForTesting(); }

    // Runs SQL when the link is up, waiting up to waitMs for it; then fails with BrokenConnection.
    void call(QByteArray sql, std::vector<pg::Param> params, bool mayHaveWritten, pg::AsyncConnection::Callback cb, int waitMs,
              int deadlineMs = 15000);

signals:
    void up(const QString &server);
    void down(const QString &why);
    void refused(const QString &why);   // the server does not serve this link's API level
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
};

}   // namespace redbox
