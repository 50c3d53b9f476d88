// libpq behind small RAII types: a move-only Connection, a Result that frees
// itself, parameters bound by PQexecParams only. No libpq header leaks out.
#pragma once

#include "pg/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QString>
#include <QUuid>

#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

struct pg_conn;
struct pg_result;

namespace redbox::pg {

// One bound parameter, sent as text; SQL never carries input.
class Param {
public:
    Param(std::nullptr_t) {}
    Param(const QString &v) : m_value(v.toUtf8()) {}
    Param(const char *v) : m_value(QByteArray(v)) {}
    Param(const QByteArray &v) : m_value(v) {}
    Param(qint64 v) : m_value(QByteArray::number(v)) {}
    Param(int v) : m_value(QByteArray::number(v)) {}
    Param(bool v) : m_value(v ? QByteArrayLiteral("true") : QByteArrayLiteral("false")) {}
    Param(const QUuid &v) : m_value(v.toByteArray(QUuid::WithoutBraces)) {}
    Param(const QDateTime &v) : m_value(v.toUTC().toString(Qt::ISODateWithMs).toUtf8()) {}
    Param(const QJsonDocument &v) : m_value(v.toJson(QJsonDocument::Compact)) {}
    template <typename T>
    Param(const std::optional<T> &v)
    {
        if (v)
            m_value = Param(*v).m_value;
    }
    const std::optional<QByteArray> &value() const { return m_value; }

private:
    std::optional<QByteArray> m_value;
};

class Result {
public:
    Result() = default;
    explicit Result(pg_result *res);
    int rows() const;
    int columns() const;
    int column(const char *name) const;   // -1 when absent
    bool isNull(int row, int col) const;
    QString text(int row, int col) const;
    QByteArray bytes(int row, int col) const;
    qint64 int64(int row, int col) const;
    int int32(int row, int col) const;
    double real(int row, int col) const;
    bool boolean(int row, int col) const;
    QUuid uuid(int row, int col) const;
    QDateTime timestamp(int row, int col) const;
    QJsonDocument json(int row, int col) const;
    // Named-column variants for readability at call sites.
    QString text(int row, const char *name) const { return text(row, need(name)); }
    qint64 int64(int row, const char *name) const { return int64(row, need(name)); }
    int int32(int row, const char *name) const { return int32(row, need(name)); }
    bool boolean(int row, const char *name) const { return boolean(row, need(name)); }
    bool isNull(int row, const char *name) const { return isNull(row, need(name)); }
    QUuid uuid(int row, const char *name) const { return uuid(row, need(name)); }
    QDateTime timestamp(int row, const char *name) const { return timestamp(row, need(name)); }
    QJsonDocument json(int row, const char *name) const { return json(row, need(name)); }

private:
    int need(const char *name) const;
    struct Free {
        void operator()(pg_result *r) const;
    };
    std::shared_ptr<pg_result> m_res;
};

struct Notification {
    QString channel;
    QString payload;
    int backendPid = 0;
};

class Connection {
public:
    Connection() = default;
    ~Connection();
    Connection(Connection &&other) noexcept;
    Connection &operator=(Connection &&other) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Connect (blocking: call from a worker thread). Throws DbError(BrokenConnection).
    static Connection open(const QString &conninfo);

    bool isOpen() const;
    // Runs one statement. A write (mayHaveWritten) whose connection breaks
    // before the answer arrives throws InDoubt, never BrokenConnection.
    Result exec(const char *sql, std::initializer_list<Param> params = {}, bool mayHaveWritten = false);
    void listen(const QString &channel);
    // Waits up to timeoutMs for the socket to be readable; returns the notifications received.
    std::vector<Notification> waitForNotifications(int timeoutMs);
    std::vector<Notification> drainNotifications();
    int socket() const;
    QString serverAddress() const;   // host:port this connection reached
    void close();

    // For logs: a connection string with any password removed.
    static QString scrubbed(const QString &conninfo);

private:
    explicit Connection(pg_conn *conn);
    pg_conn *m_conn = nullptr;
};

}   // namespace redbox::pg
