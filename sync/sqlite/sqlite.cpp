// sqlite3 RAII wrappers (see sqlite.h).
#include "sqlite/sqlite.h"

#include "core/retry.h"

#include <sqlite3.h>

#include <QThread>

namespace redbox::sqlite {

namespace {

[[noreturn]] void fail(sqlite3 *db, int rc, const QString &what)
{
    const QString msg = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
    throw Error(rc & 0xff, QStringLiteral("%1: %2").arg(what, msg));
}

// SQLITE_BUSY/LOCKED: another connection holds the lock; retry with backoff for up to 5 s.
template <typename F>
int withBusyRetry(F &&f)
{
    Backoff backoff(
        RetryPolicy{std::chrono::milliseconds(2), std::chrono::milliseconds(100), 2.0, 0.5, 0, std::chrono::milliseconds(5000)});
    std::chrono::milliseconds waited{0};
    while (true) {
        const int rc = f();
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return rc;
        const auto d = backoff.next();
        if (!backoff.policy().allows(backoff.attempts(), waited))
            return rc;
        QThread::msleep(static_cast<unsigned long>(d.count()));
        waited += d;
    }
}

}   // namespace

bool Error::isCorruption() const
{
    return m_code == SQLITE_CORRUPT || m_code == SQLITE_NOTADB;
}

Database::~Database()
{
    close();
}

Database::Database(Database &&other) noexcept : m_db(other.m_db), m_path(std::move(other.m_path))
{
    other.m_db = nullptr;
}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        other.m_db = nullptr;
    }
    return *this;
}

Database Database::open(const QString &path, Mode mode, bool synchronousFull)
{
    Database d;
    d.m_path = path;
    const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &d.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString msg = d.m_db ? QString::fromUtf8(sqlite3_errmsg(d.m_db)) : QString::fromUtf8(sqlite3_errstr(rc));
        d.close();
        throw Error(rc & 0xff, QStringLiteral("cannot open %1: %2").arg(path, msg));
    }
    sqlite3_extended_result_codes(d.m_db, 1);
    if (mode == Mode::ReadWrite) {
        d.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        d.exec(synchronousFull ? QStringLiteral("PRAGMA synchronous = FULL") : QStringLiteral("PRAGMA synchronous = NORMAL"));
    }
    d.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    return d;
}

void Database::exec(const QString &sql)
{
    char *err = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const int rc = withBusyRetry([&] { return sqlite3_exec(m_db, utf8.constData(), nullptr, nullptr, &err); });
    if (rc != SQLITE_OK) {
        const QString msg = err ? QString::fromUtf8(err) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_free(err);
        throw Error(rc & 0xff, msg);
    }
}

Statement Database::prepare(const QString &sql)
{
    sqlite3_stmt *s = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const int rc = sqlite3_prepare_v2(m_db, utf8.constData(), static_cast<int>(utf8.size()), &s, nullptr);
    if (rc != SQLITE_OK)
        fail(m_db, rc, QStringLiteral("prepare"));
    Statement st;
    st.m_stmt.reset(s);
    st.m_db = m_db;
    return st;
}

qint64 Database::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

int Database::userVersion()
{
    Statement s = prepare(QStringLiteral("PRAGMA user_version"));
    s.step();
    return static_cast<int>(s.int64(0));
}

QString Database::integrityCheck()
{
    Statement s = prepare(QStringLiteral("PRAGMA integrity_check"));
    QStringList out;
    while (s.step())
        out << s.text(0);
    return out.join(QLatin1Char('\n'));
}

void Database::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

void Statement::Finalize::operator()(sqlite3_stmt *s) const
{
    sqlite3_finalize(s);
}

Statement &Statement::bind(int i, const QVariant &v)
{
    int rc = SQLITE_OK;
    sqlite3_stmt *s = m_stmt.get();
    if (!v.isValid() || v.isNull()) {
        rc = sqlite3_bind_null(s, i);
    } else {
        switch (v.metaType().id()) {
            case QMetaType::Int:
            case QMetaType::LongLong:
            case QMetaType::UInt:
            case QMetaType::Bool: rc = sqlite3_bind_int64(s, i, v.toLongLong()); break;
            case QMetaType::Double: rc = sqlite3_bind_double(s, i, v.toDouble()); break;
            case QMetaType::QByteArray: {
                const QByteArray b = v.toByteArray();
                rc = sqlite3_bind_blob64(s, i, b.constData(), static_cast<sqlite3_uint64>(b.size()), SQLITE_TRANSIENT);
                break;
            }
            default: {
                const QByteArray t = v.toString().toUtf8();
                rc = sqlite3_bind_text64(s, i, t.constData(), static_cast<sqlite3_uint64>(t.size()), SQLITE_TRANSIENT, SQLITE_UTF8);
            }
        }
    }
    if (rc != SQLITE_OK)
        fail(m_db, rc, QStringLiteral("bind"));
    return *this;
}

Statement &Statement::bindAll(std::initializer_list<QVariant> values)
{
    int i = 1;
    for (const QVariant &v : values)
        bind(i++, v);
    return *this;
}

bool Statement::step()
{
    const int rc = withBusyRetry([&] { return sqlite3_step(m_stmt.get()); });
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(m_db, rc, QStringLiteral("step"));
}

void Statement::run()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt.get());
}

QVariant Statement::value(int col) const
{
    switch (sqlite3_column_type(m_stmt.get(), col)) {
        case SQLITE_INTEGER: return QVariant(static_cast<qlonglong>(sqlite3_column_int64(m_stmt.get(), col)));
        case SQLITE_FLOAT: return QVariant(sqlite3_column_double(m_stmt.get(), col));
        case SQLITE_BLOB: return QVariant(blob(col));
        case SQLITE_NULL: return QVariant();
        default: return QVariant(text(col));
    }
}

QString Statement::text(int col) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt.get(), col));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt.get(), col)) : QString();
}

qint64 Statement::int64(int col) const
{
    return sqlite3_column_int64(m_stmt.get(), col);
}

QByteArray Statement::blob(int col) const
{
    const void *p = sqlite3_column_blob(m_stmt.get(), col);
    return p ? QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(m_stmt.get(), col)) : QByteArray();
}

bool Statement::isNull(int col) const
{
    return sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL;
}

Transaction::Transaction(Database &db, bool immediate) : m_db(db)
{
    m_db.exec(immediate ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
}

Transaction::~Transaction()
{
    if (!m_done) {
        try {
            m_db.exec(QStringLiteral("ROLLBACK"));
        } catch (const Error &) {
            // Nothing more to do: the connection is unusable or the transaction is gone.
        }
    }
}

void Transaction::commit()
{
    m_db.exec(QStringLiteral("COMMIT"));
    m_done = true;
}

}   // namespace redbox::sqlite
