// libpq RAII wrappers (see connection.h).
#include "pg/connection.h"
#include "pg/internal.h"

#include <libpq-fe.h>
#include <poll.h>

#include <QRegularExpression>

namespace redbox::pg {

void Result::Free::operator()(pg_result *r) const
{
    PQclear(r);
}

Result::Result(pg_result *res) : m_res(res, Free{}) {}

int Result::rows() const
{
    return m_res ? PQntuples(m_res.get()) : 0;
}

int Result::columns() const
{
    return m_res ? PQnfields(m_res.get()) : 0;
}

int Result::column(const char *name) const
{
    return m_res ? PQfnumber(m_res.get(), name) : -1;
}

int Result::need(const char *name) const
{
    const int c = column(name);
    if (c < 0)
        throw DbError(ErrorKind::Internal, {}, QStringLiteral("result has no column %1").arg(QLatin1String(name)));
    return c;
}

bool Result::isNull(int row, int col) const
{
    return PQgetisnull(m_res.get(), row, col) != 0;
}

QString Result::text(int row, int col) const
{
    return QString::fromUtf8(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col));
}

QByteArray Result::bytes(int row, int col) const
{
    return QByteArray(PQgetvalue(m_res.get(), row, col), PQgetlength(m_res.get(), row, col));
}

qint64 Result::int64(int row, int col) const
{
    return isNull(row, col) ? 0 : QByteArray(PQgetvalue(m_res.get(), row, col)).toLongLong();
}

int Result::int32(int row, int col) const
{
    return isNull(row, col) ? 0 : QByteArray(PQgetvalue(m_res.get(), row, col)).toInt();
}

double Result::real(int row, int col) const
{
    return isNull(row, col) ? 0.0 : QByteArray(PQgetvalue(m_res.get(), row, col)).toDouble();
}

bool Result::boolean(int row, int col) const
{
    return !isNull(row, col) && PQgetvalue(m_res.get(), row, col)[0] == 't';
}

QUuid Result::uuid(int row, int col) const
{
    return isNull(row, col) ? QUuid() : QUuid::fromString(QLatin1String(PQgetvalue(m_res.get(), row, col)));
}

QDateTime Result::timestamp(int row, int col) const
{
    if (isNull(row, col))
        return {};
    // PostgreSQL's text form: 2026-11-26 05:00:00.123+00 (session time zone is UTC).
    QString t = text(row, col);
    t.replace(10, 1, QLatin1Char('T'));
    if (t.endsWith(QLatin1String("+00"))) {
        t.chop(3);
        t += QLatin1Char('Z');
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    return dt.toUTC();
}

QJsonDocument Result::json(int row, int col) const
{
    return isNull(row, col) ? QJsonDocument() : QJsonDocument::fromJson(bytes(row, col));
}

Connection::Connection(pg_conn *conn) : m_conn(conn) {}

Connection::~Connection()
{
    close();
}

Connection::Connection(Connection &&other) noexcept : m_conn(other.m_conn)
{
    other.m_conn = nullptr;
}

Connection &Connection::operator=(Connection &&other) noexcept
{
    if (this != &other) {
        close();
        m_conn = other.m_conn;
        other.m_conn = nullptr;
    }
    return *this;
}

Connection Connection::open(const QString &conninfo)
{
    pg_conn *c = PQconnectdb(conninfo.toUtf8().constData());
    if (!c)
        throw DbError(ErrorKind::BrokenConnection, {}, QStringLiteral("out of memory connecting"));
    if (PQstatus(c) != CONNECTION_OK) {
        const QString msg = QString::fromUtf8(PQerrorMessage(c)).trimmed();
        PQfinish(c);
        throw DbError(ErrorKind::BrokenConnection, QStringLiteral("08001"), msg);
    }
    Connection conn(c);
    // Timestamps come back in UTC; statements never hang forever.
    conn.exec("SET TIME ZONE 'UTC'");
    return conn;
}

bool Connection::isOpen() const
{
    return m_conn && PQstatus(m_conn) == CONNECTION_OK;
}

Result Connection::exec(const char *sql, std::initializer_list<Param> params, bool mayHaveWritten)
{
    if (!m_conn)
        throw DbError(ErrorKind::BrokenConnection, {}, QStringLiteral("not connected"));
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const Param &p : params)
        values.push_back(p.value() ? p.value()->constData() : nullptr);
    PGresult *res = PQexecParams(m_conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return Result(res);
    DbError err = errorFrom(m_conn, res, mayHaveWritten);
    PQclear(res);
    throw err;
}

void Connection::listen(const QString &channel)
{
    static const QRegularExpression ident(QStringLiteral("^[a-z_][a-z0-9_]{0,62}$"));
    if (!ident.match(channel).hasMatch())
        throw DbError(ErrorKind::BadInput, {}, QStringLiteral("not a channel name: %1").arg(channel));
    // A channel is an identifier, not a value: checked above, then quoted.
    const QByteArray sql = "LISTEN \"" + channel.toUtf8() + "\"";
    exec(sql.constData());
}

std::vector<Notification> Connection::drainNotifications()
{
    std::vector<Notification> out;
    if (!m_conn)
        return out;
    if (!PQconsumeInput(m_conn))
        throw errorFrom(m_conn, nullptr, false);
    while (PGnotify *n = PQnotifies(m_conn)) {
        out.push_back({QString::fromUtf8(n->relname), QString::fromUtf8(n->extra), n->be_pid});
        PQfreemem(n);
    }
    return out;
}

std::vector<Notification> Connection::waitForNotifications(int timeoutMs)
{
    std::vector<Notification> out = drainNotifications();
    if (!out.empty() || timeoutMs <= 0)
        return out;
    pollfd pfd{socket(), POLLIN, 0};
    if (pfd.fd < 0)
        throw DbError(ErrorKind::BrokenConnection, {}, QStringLiteral("no socket"));
    const int r = ::poll(&pfd, 1, timeoutMs);
    if (r > 0)
        out = drainNotifications();
    return out;
}

int Connection::socket() const
{
    return m_conn ? PQsocket(m_conn) : -1;
}

QString Connection::serverAddress() const
{
    if (!m_conn)
        return {};
    return QStringLiteral("%1:%2").arg(QString::fromUtf8(PQhost(m_conn)), QString::fromUtf8(PQport(m_conn)));
}

void Connection::close()
{
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
}

QString Connection::scrubbed(const QString &conninfo)
{
    QString s = conninfo;
    static const QRegularExpression pw(QStringLiteral("password\\s*=\\s*('([^'\\\\]|\\\\.)*'|\\S+)"));
    s.replace(pw, QStringLiteral("password=***"));
    static const QRegularExpression uri(QStringLiteral("(postgres(ql)?://[^:/@]+):[^@]*@"));
    s.replace(uri, QStringLiteral("\\1:***@"));
    return s;
}

}   // namespace redbox::pg
