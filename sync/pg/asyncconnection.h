// A libpq connection driven by the Qt event loop (PQconnectPoll,
// PQsendQueryParams, QSocketNotifier): nothing blocks the thread it lives in,
// so one thread can serve many kiosks (the simulator) and a kiosk's GUI
// thread never waits on the network. Queries run one at a time, in order;
// each has a deadline after which the connection is dropped (a write then
// becomes in doubt). No libpq header leaks out.
#pragma once

#include "pg/connection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

class QSocketNotifier;

namespace redbox::pg {

class AsyncConnection : public QObject {
    Q_OBJECT
public:
    // Exactly one of result / error is set.
    using Callback = std::function<void(const Result *result, const DbError *error)>;
    // Runs a callback, logging (never propagating) an exception it throws.
    static void deliver(const Callback &cb, const Result *result, const DbError *error);

    explicit AsyncConnection(QObject *parent = nullptr);
    ~AsyncConnection() override;

    enum class State { Closed, Connecting, Ready };
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }

    // Starts connecting; emits connected() or connectionLost(). The deadline
    // covers the whole attempt (libpq ignores connect_timeout in async mode).
    void open(const QString &conninfo, int deadlineMs = 5000);
    void close();
    QString serverAddress() const;

    void query(QByteArray sql, std::vector<Param> params, bool mayHaveWritten, Callback callback, int deadlineMs = 30000);
    void listen(const QString &channel);
    int queued() const { return static_cast<int>(m_queue.size()) + (m_current ? 1 : 0); }
    // For tests: after the next statement is fully sent, drop the connection
    // without reading the answer (the server still runs it): a lost answer.
    void dropAfterNextSendForTesting() { m_dropAfterSend = true; }

signals:
    void connected();
    void connectionLost(const QString &message);
    void notified(const QString &channel, const QString &payload);

private:
    struct Pending {
        QByteArray sql;
        std::vector<Param> params;
        bool mayHaveWritten = false;
        Callback callback;
        int deadlineMs = 30000;
    };
    void watch(bool read, bool write);
    void onSocket();
    void pollConnect();
    void startNext();
    void readResults();
    void complete(const Result *result, const DbError *error);
    void fail(const DbError &error);
    void onDeadline();

    pg_conn *m_conn = nullptr;
    State m_state = State::Closed;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    int m_socket = -1;
    QTimer m_deadline;
    std::deque<Pending> m_queue;
    std::optional<Pending> m_current;
    std::optional<Result> m_lastResult;
    std::optional<DbError> m_lastError;
    bool m_dropAfterSend = false;
};

// Post a call to run later in CONTEXT's thread (never re-entrantly).
template <typename F>
void post(QObject *context, F &&f)
{
    QMetaObject::invokeMethod(context, std::forward<F>(f), Qt::QueuedConnection);
}

}   // namespace redbox::pg
