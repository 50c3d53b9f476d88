// sqlite3 behind RAII types: a move-only Database, Statements that finalize
// themselves, a transaction guard that rolls back unless committed, and
// SQLITE_BUSY retried by the shared retry policy.
#pragma once

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <memory>
#include <stdexcept>

struct sqlite3;
struct sqlite3_stmt;

namespace redbox::sqlite {

class Error : public std::runtime_error {
public:
    Error(int code, const QString &message) : std::runtime_error(message.toStdString()), m_code(code), m_message(message) {}
    int code() const { return m_code; }   // SQLite's primary result code
    const QString &message() const { return m_message; }
    bool isCorruption() const;

private:
    int m_code;
    QString m_message;
};

class Statement;

class Database {
public:
    Database() = default;
    ~Database();
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    enum class Mode { ReadWrite, ReadOnly };
    // Opens (creating when ReadWrite) with WAL and the given synchronous level.
    static Database open(const QString &path, Mode mode = Mode::ReadWrite, bool synchronousFull = false);

    bool isOpen() const { return m_db != nullptr; }
    void exec(const QString &sql);   // one or more statements, no parameters
    Statement prepare(const QString &sql);
    qint64 lastInsertId() const;
    int changes() const;
    int userVersion();
    QString integrityCheck();   // "ok" when healthy
    void close();
    const QString &path() const { return m_path; }

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    friend class Statement;
};

class Statement {
public:
    Statement() = default;
    Statement(Statement &&) noexcept = default;
    Statement &operator=(Statement &&) noexcept = default;

    Statement &bind(int index, const QVariant &value);   // 1-based
    Statement &bindAll(std::initializer_list<QVariant> values);
    bool step();   // true while a row is available
    void run();   // step to completion
    void reset();
    int columnCount() const;
    QVariant value(int col) const;
    QString text(int col) const;
    qint64 int64(int col) const;
    QByteArray blob(int col) const;
    bool isNull(int col) const;

private:
    friend class Database;
    struct Finalize {
        void operator()(sqlite3_stmt *s) const;
    };
    std::unique_ptr<sqlite3_stmt, Finalize> m_stmt;
    sqlite3 *m_db = nullptr;
};

class Transaction {
public:
    explicit Transaction(Database &db, bool immediate = true);
    ~Transaction();
    void commit();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

private:
    Database &m_db;
    bool m_done = false;
};

}   // namespace redbox::sqlite
