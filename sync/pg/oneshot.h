// One query on a connection of its own: connect, run, answer, close. For
// calls a kiosk makes now and then to a server it does not keep a link to
// (escalation to the coast and HQ, a technician's health probes). The
// callback runs exactly once, in CONTEXT's thread, unless CONTEXT is gone.
#pragma once

#include "pg/asyncconnection.h"

#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace redbox::pg {

using OnceCallback = std::function<void(const Result *result, const DbError *error, qint64 elapsedMs)>;

// TIMEOUTMS bounds the connection and the query each.
void queryOnce(QObject *context, const QString &conninfo, QByteArray sql, std::vector<Param> params, int timeoutMs, OnceCallback done);

}   // namespace redbox::pg
