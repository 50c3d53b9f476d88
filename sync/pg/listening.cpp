// A listening service connection (see listening.h).
#include "pg/listening.h"

#include "pg/error.h"

#include <thread>

namespace redbox::pg {

using namespace std::chrono;

bool openListening(Connection &conn, const QString &conninfo, const QString &channel, const QString &node, Backoff &backoff,
                   const std::atomic<bool> &stop, const std::function<void()> &heartbeat, const QLoggingCategory &category)
{
    try {
        conn = Connection::open(conninfo);
        conn.listen(channel);
        backoff.reset();
        qCInfo(category) << "connected to" << node << "at" << conn.serverAddress();
        return true;
    } catch (const DbError &e) {
        const milliseconds wait = backoff.next();
        if (backoff.attempts() <= 3 || backoff.attempts() % 20 == 0)
            qCWarning(category) << "cannot reach" << node << ":" << e.message().left(200) << "- again in" << wait.count() << "ms";
        for (auto until = steady_clock::now() + wait; steady_clock::now() < until && !stop.load();) {
            if (heartbeat)
                heartbeat();
            std::this_thread::sleep_for(milliseconds(100));
        }
        return false;
    }
}

}   // namespace redbox::pg
