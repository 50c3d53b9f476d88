// One query on a connection of its own (see oneshot.h).
#include "pg/oneshot.h"

#include <QElapsedTimer>
#include <QPointer>

#include <memory>

namespace redbox::pg {

void queryOnce(QObject *context, const QString &conninfo, QByteArray sql, std::vector<Param> params, int timeoutMs, OnceCallback done)
{
    auto *conn = new AsyncConnection(context);
    auto clock = std::make_shared<QElapsedTimer>();
    auto finished = std::make_shared<bool>(false);
    clock->start();
    QPointer<QObject> alive(context);
    auto finish = [conn, clock, finished, alive, done = std::move(done)](const Result *r, const DbError *e) {
        if (*finished)
            return;
        *finished = true;   // ignore the close that follows
        if (alive)
            done(r, e, clock->elapsed());
        conn->close();
        conn->deleteLater();
    };
    QObject::connect(conn, &AsyncConnection::connected, conn, [conn, sql = std::move(sql), params = std::move(params), finish, timeoutMs] {
        conn->query(
            sql, params, false, [finish](const Result *r, const DbError *e) { finish(r, e); }, timeoutMs);
    });
    QObject::connect(conn, &AsyncConnection::connectionLost, conn, [finish](const QString &message) {
        const DbError e(ErrorKind::BrokenConnection, {}, message);
        finish(nullptr, &e);
    });
    conn->open(conninfo, timeoutMs);
}

}   // namespace redbox::pg
