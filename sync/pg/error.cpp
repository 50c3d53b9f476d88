// Typed database errors (see error.h).
#include "pg/error.h"

namespace redbox::pg {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
        case ErrorKind::BrokenConnection: return QStringLiteral("broken connection");
        case ErrorKind::InDoubt: return QStringLiteral("in doubt");
        case ErrorKind::SerializationFailure: return QStringLiteral("serialization failure");
        case ErrorKind::Constraint: return QStringLiteral("constraint");
        case ErrorKind::BadInput: return QStringLiteral("bad input");
        case ErrorKind::Refused: return QStringLiteral("refused");
        case ErrorKind::ReadOnly: return QStringLiteral("read only");
        case ErrorKind::Timeout: return QStringLiteral("timeout");
        case ErrorKind::Permission: return QStringLiteral("permission");
        case ErrorKind::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("unknown");
}

DbError::DbError(ErrorKind kind, QString sqlstate, QString message, QString detail)
    : std::runtime_error(message.toStdString()),
      m_kind(kind),
      m_sqlstate(std::move(sqlstate)),
      m_message(std::move(message)),
      m_detail(std::move(detail))
{}

bool DbError::retryable() const
{
    return m_kind == ErrorKind::BrokenConnection || m_kind == ErrorKind::SerializationFailure || m_kind == ErrorKind::ReadOnly;
}

ErrorKind classifySqlState(const QString &s)
{
    if (s.startsWith(QLatin1String("RB")))
        return ErrorKind::Refused;
    if (s == QLatin1String("40001") || s == QLatin1String("40P01"))
        return ErrorKind::SerializationFailure;
    if (s.startsWith(QLatin1String("23")))
        return ErrorKind::Constraint;
    if (s.startsWith(QLatin1String("22")))
        return ErrorKind::BadInput;
    if (s == QLatin1String("25006"))
        return ErrorKind::ReadOnly;
    if (s == QLatin1String("57014"))
        return ErrorKind::Timeout;
    if (s == QLatin1String("42501"))
        return ErrorKind::Permission;
    if (s.startsWith(QLatin1String("08")) || s == QLatin1String("57P01") || s == QLatin1String("57P02") || s == QLatin1String("57P03"))
        return ErrorKind::BrokenConnection;
    return ErrorKind::Internal;
}

}   // namespace redbox::pg
