// libpq driven by the Qt event loop (see asyncconnection.h).
#include "pg/asyncconnection.h"

#include "core/logging.h"
#include "pg/internal.h"

#include <QPointer>
#include <QRegularExpression>
#include <QSocketNotifier>

namespace redbox::pg {

AsyncConnection::AsyncConnection(QObject *parent) : QObject(parent)
{
    m_deadline.setParent(this);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &AsyncConnection::onDeadline);
}

AsyncConnection::~AsyncConnection()
{
    close();
}

void AsyncConnection::open(const QString &conninfo, int deadlineMs)
{
    // Never drop a caller's query silently: whatever was in flight or queued
    // on the old connection gets its answer (in doubt if it may have written).
    std::optional<Pending> current = std::move(m_current);
    std::deque<Pending> queue = std::move(m_queue);
    close();
    if (current && current->callback) {
        const DbError e(current->mayHaveWritten ? ErrorKind::InDoubt : ErrorKind::BrokenConnection, QStringLiteral("08006"),
                        QStringLiteral("the connection was reopened before the answer came"));
        deliver(current->callback, nullptr, &e);
    }
    const DbError notSent(ErrorKind::BrokenConnection, QStringLiteral("08006"), QStringLiteral("the connection was reopened"));
    for (Pending &p : queue)
        if (p.callback)
            deliver(p.callback, nullptr, &notSent);
    m_conn = PQconnectStart(conninfo.toUtf8().constData());
    if (!m_conn || PQstatus(m_conn) == CONNECTION_BAD) {
        const QString msg = m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)).trimmed() : QStringLiteral("out of memory");
        QTimer::singleShot(0, this, [this, msg] { fail(DbError(ErrorKind::BrokenConnection, QStringLiteral("08001"), msg)); });
        m_state = State::Connecting;
        return;
    }
    m_state = State::Connecting;
    m_deadline.start(deadlineMs);
    watch(false, true);   // libpq: start as if PQconnectPoll had said "writing"
}

void AsyncConnection::close()
{
    m_deadline.stop();
    if (m_read) {
        m_read->setEnabled(false);
        m_read->deleteLater();
        m_read = nullptr;
    }
    if (m_write) {
        m_write->setEnabled(false);
        m_write->deleteLater();
        m_write = nullptr;
    }
    m_socket = -1;
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
    m_state = State::Closed;
    m_current.reset();
    m_queue.clear();
    m_lastResult.reset();
    m_lastError.reset();
}

QString AsyncConnection::serverAddress() const
{
    if (!m_conn || m_state != State::Ready)
        return {};
    return QStringLiteral("%1:%2").arg(QString::fromUtf8(PQhost(m_conn)), QString::fromUtf8(PQport(m_conn)));
}

void AsyncConnection::watch(bool read, bool write)
{
    const int sock = PQsocket(m_conn);
    if (sock != m_socket) {
        // libpq moved on to another host of the list: new socket, new notifiers.
        if (m_read) {
            m_read->setEnabled(false);
            m_read->deleteLater();
        }
        if (m_write) {
            m_write->setEnabled(false);
            m_write->deleteLater();
        }
        m_read = m_write = nullptr;
        m_socket = sock;
        if (sock >= 0) {
            m_read = new QSocketNotifier(static_cast<qintptr>(sock), QSocketNotifier::Read, this);
            m_write = new QSocketNotifier(static_cast<qintptr>(sock), QSocketNotifier::Write, this);
            connect(m_read, &QSocketNotifier::activated, this, &AsyncConnection::onSocket);
            connect(m_write, &QSocketNotifier::activated, this, &AsyncConnection::onSocket);
        }
    }
    if (m_read)
        m_read->setEnabled(read);
    if (m_write)
        m_write->setEnabled(write);
}

void AsyncConnection::onSocket()
{
    if (!m_conn)
        return;
    if (m_state == State::Connecting) {
        pollConnect();
        return;
    }
    if (m_current) {
        const int f = PQflush(m_conn);
        if (f < 0) {
            fail(errorFrom(m_conn, nullptr, m_current->mayHaveWritten));
            return;
        }
        watch(true, f == 1);
    }
    readResults();
}

void AsyncConnection::pollConnect()
{
    switch (PQconnectPoll(m_conn)) {
        case PGRES_POLLING_READING: watch(true, false); return;
        case PGRES_POLLING_WRITING: watch(false, true); return;
        case PGRES_POLLING_OK: {
            m_deadline.stop();
            m_state = State::Ready;
            PQsetnonblocking(m_conn, 1);
            watch(true, false);
            QPointer<AsyncConnection> self(this);
            emit connected();
            if (self)
                startNext();
            return;
        }
        default: fail(DbError(ErrorKind::BrokenConnection, QStringLiteral("08001"), QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()));
    }
}

void AsyncConnection::query(QByteArray sql, std::vector<Param> params, bool mayHaveWritten, Callback callback, int deadlineMs)
{
    m_queue.push_back(Pending{std::move(sql), std::move(params), mayHaveWritten, std::move(callback), deadlineMs});
    if (m_state == State::Closed && m_conn == nullptr) {
        QTimer::singleShot(0, this, [this] {
            if (m_state == State::Closed)
                fail(DbError(ErrorKind::BrokenConnection, {}, QStringLiteral("not connected")));
        });
        return;
    }
    startNext();
}

void AsyncConnection::listen(const QString &channel)
{
    static const QRegularExpression ident(QStringLiteral("^[a-z_][a-z0-9_]{0,62}$"));
    if (!ident.match(channel).hasMatch())
        throw DbError(ErrorKind::BadInput, {}, QStringLiteral("not a channel name: %1").arg(channel));
    query("LISTEN \"" + channel.toUtf8() + "\"", {}, false, [channel](const Result *, const DbError *e) {
        if (e)
            qCWarning(lcPg) << "LISTEN" << channel << "failed:" << e->message();
    });
}

void AsyncConnection::startNext()
{
    if (m_state != State::Ready || m_current || m_queue.empty())
        return;
    m_current = std::move(m_queue.front());
    m_queue.pop_front();
    std::vector<const char *> values;
    values.reserve(m_current->params.size());
    for (const Param &p : m_current->params)
        values.push_back(p.value() ? p.value()->constData() : nullptr);
    if (!PQsendQueryParams(m_conn, m_current->sql.constData(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                           0)) {
        fail(errorFrom(m_conn, nullptr, false));
        return;
    }
    m_deadline.start(m_current->deadlineMs);
    qCDebug(lcPg) << this << "sent" << m_current->sql.left(48);
    const int f = PQflush(m_conn);
    if (f < 0) {
        fail(errorFrom(m_conn, nullptr, m_current->mayHaveWritten));
        return;
    }
    if (f == 0 && m_dropAfterSend) {
        m_dropAfterSend = false;
        fail(DbError(ErrorKind::BrokenConnection, QStringLiteral("08006"), QStringLiteral("answer lost (test hook)")));
        return;
    }
    watch(true, f == 1);
}

void AsyncConnection::readResults()
{
    if (!PQconsumeInput(m_conn)) {
        fail(errorFrom(m_conn, nullptr, m_current && m_current->mayHaveWritten));
        return;
    }
    QPointer<AsyncConnection> self(this);
    while (PGnotify *n = PQnotifies(m_conn)) {
        const QString channel = QString::fromUtf8(n->relname), payload = QString::fromUtf8(n->extra);
        PQfreemem(n);
        emit notified(channel, payload);
        if (!self || !m_conn)
            return;
    }
    if (!m_current)
        return;
    while (!PQisBusy(m_conn)) {
        PGresult *r = PQgetResult(m_conn);
        if (!r) {
            m_deadline.stop();
            if (m_lastError) {
                const DbError e = *m_lastError;
                complete(nullptr, &e);
            } else {
                const Result res = m_lastResult ? *m_lastResult : Result();
                complete(&res, nullptr);
            }
            return;
        }
        const ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            m_lastResult = Result(r);
        } else {
            m_lastError = errorFrom(m_conn, r, m_current->mayHaveWritten);
            PQclear(r);
        }
    }
}

void AsyncConnection::deliver(const Callback &cb, const Result *result, const DbError *error)
{
    // An exception must never unwind through the event loop: a callback that throws (a
    // bug, or a disk failure its caller did not expect) is logged, and the loop goes on.
    try {
        cb(result, error);
    } catch (const std::exception &e) {
        qCCritical(lcPg) << "a database callback failed:" << e.what();
    }
}

void AsyncConnection::complete(const Result *result, const DbError *error)
{
    qCDebug(lcPg) << this << "answered" << m_current->sql.left(48) << (error ? error->message() : QString());
    Callback cb = std::move(m_current->callback);
    m_current.reset();
    m_lastResult.reset();
    m_lastError.reset();
    QPointer<AsyncConnection> self(this);
    if (cb)
        deliver(cb, result, error);
    if (self)
        startNext();
}

void AsyncConnection::fail(const DbError &error)
{
    qCDebug(lcPg) << this << "failed:" << error.message() << "current:" << (m_current ? m_current->sql.left(48) : QByteArray())
                  << "queued:" << m_queue.size();
    std::optional<Pending> current = std::move(m_current);
    std::deque<Pending> queue = std::move(m_queue);
    const bool wasReady = m_state == State::Ready;
    close();
    QPointer<AsyncConnection> self(this);
    if (current && current->callback) {
        const DbError e = (current->mayHaveWritten && error.kind() == ErrorKind::BrokenConnection)
                              ? DbError(ErrorKind::InDoubt, error.sqlstate(), error.message(), error.detail())
                              : error;
        deliver(current->callback, nullptr, &e);
    }
    const DbError notSent(ErrorKind::BrokenConnection, error.sqlstate(), error.message());
    for (Pending &p : queue)
        if (p.callback)
            deliver(p.callback, nullptr, &notSent);
    if (self) {
        Q_UNUSED(wasReady);
        emit connectionLost(error.message());
    }
}

void AsyncConnection::onDeadline()
{
    if (m_state == State::Connecting) {
        fail(DbError(ErrorKind::BrokenConnection, QStringLiteral("08001"), QStringLiteral("timed out connecting")));
    } else if (m_current) {
        const bool write = m_current->mayHaveWritten;
        fail(DbError(write ? ErrorKind::InDoubt : ErrorKind::Timeout, QStringLiteral("57014"),
                     QStringLiteral("no answer within %1 ms").arg(m_current->deadlineMs)));
    }
}

}   // namespace redbox::pg
