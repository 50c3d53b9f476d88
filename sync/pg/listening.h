// A service's connection that listens for its wake-up channel: opened, or,
// when the server does not answer, the backoff's next wait spent with the
// service's heartbeat kept up (a stop ends the wait early). Used by the
// coasts' payments and mail services.
#pragma once

#include "core/retry.h"
#include "pg/connection.h"

#include <QLoggingCategory>

#include <atomic>
#include <functional>

namespace redbox::pg {

// True when CONN is open on CONNINFO and listening on CHANNEL; false after a failed attempt and its
// wait. NODE names the server in the log lines of CATEGORY.
bool openListening(Connection &conn, const QString &conninfo, const QString &channel, const QString &node, Backoff &backoff,
                   const std::atomic<bool> &stop, const std::function<void()> &heartbeat, const QLoggingCategory &category);

}   // namespace redbox::pg
