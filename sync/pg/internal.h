// Shared by the blocking and the asynchronous connection: how a failed
// libpq call becomes a typed DbError. Includes libpq-fe.h: internal only.
#pragma once

#include "pg/error.h"

#include <libpq-fe.h>

namespace redbox::pg {

inline DbError errorFrom(pg_conn *conn, const PGresult *res, bool mayHaveWritten)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    QString message = res ? QString::fromUtf8(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) : QString();
    if (message.isEmpty())
        message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
    const QString detail = res ? QString::fromUtf8(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) : QString();
    const QString sqlstate = state ? QString::fromLatin1(state) : QString();
    ErrorKind kind = sqlstate.isEmpty() ? ErrorKind::BrokenConnection : classifySqlState(sqlstate);
    const bool lost = PQstatus(conn) == CONNECTION_BAD;
    if (lost && kind == ErrorKind::Internal)
        kind = ErrorKind::BrokenConnection;
    // A write interrupted by a lost connection (or by the server shutting down
    // while it waited for the standby) may have committed: it is in doubt.
    if (mayHaveWritten && (kind == ErrorKind::BrokenConnection || (lost && sqlstate.startsWith(QLatin1String("57")))))
        kind = ErrorKind::InDoubt;
    return DbError(kind, sqlstate, message, detail);
}

}   // namespace redbox::pg
