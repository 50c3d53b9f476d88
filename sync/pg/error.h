// Typed database errors, derived from SQLSTATE and the connection's state,
// so callers retry only what is safe and resolve in-doubt commits by id.
#pragma once

#include "core/errorcodes.h"

#include <QString>

#include <optional>
#include <stdexcept>

namespace redbox::pg {

enum class ErrorKind {
    BrokenConnection,   // could not connect, or the link broke before the statement ran
    InDoubt,   // the link broke while a write was in flight: it may or may not have committed
    SerializationFailure,   // 40001 / 40P01: safe to retry the whole transaction
    Constraint,   // SQLSTATE class 23: the data contradicts a rule
    BadInput,   // SQLSTATE class 22: a value was malformed or too long
    Refused,   // an RB code: the network's own business refusal (unknown card, limit reached, ...)
    ReadOnly,   // 25006: reached a standby (failover in progress)
    Timeout,   // 57014: statement timeout / cancel
    Permission,   // 42501: the role may not do this
    Internal,   // anything else
};

QString errorKindName(ErrorKind kind);

class DbError : public std::runtime_error {
public:
    DbError(ErrorKind kind, QString sqlstate, QString message, QString detail = {});

    ErrorKind kind() const { return m_kind; }
    const QString &sqlstate() const { return m_sqlstate; }
    const QString &message() const { return m_message; }
    const QString &detail() const { return m_detail; }
    // The network's own code (RBnnn), when the server raised one.
    std::optional<RedboxError> code() const { return redboxErrorOf(m_sqlstate); }
    // Whether running the same statement again could succeed without changing anything.
    bool retryable() const;

private:
    ErrorKind m_kind;
    QString m_sqlstate;
    QString m_message;
    QString m_detail;
};

// The kind for a server-reported SQLSTATE.
ErrorKind classifySqlState(const QString &sqlstate);

}   // namespace redbox::pg
