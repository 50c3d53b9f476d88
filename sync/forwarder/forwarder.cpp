// The hop forwarder's loop (see forwarder.h).
#include "forwarder/forwarder.h"

#include "core/logging.h"

#include <QThread>

#include <algorithm>

namespace redbox {

using namespace std::chrono;

Forwarder::Forwarder(ForwarderOptions options) : m_options(std::move(options)), m_connectBackoff(m_options.connectPolicy) {}

void Forwarder::sleepInterruptibly(milliseconds ms, const std::atomic<bool> &stop)
{
    const auto until = Clock::now() + ms;
    while (!stop.load() && Clock::now() < until)
        QThread::msleep(
            static_cast<unsigned long>(std::min<long long>(100, duration_cast<milliseconds>(until - Clock::now()).count() + 1)));
}

bool Forwarder::connect(const std::atomic<bool> &stop)
{
    try {
        m_conn = pg::Connection::open(m_options.conninfo);
        m_conn.exec("SET statement_timeout = '60s'");
        m_conn.listen(QStringLiteral("redbox_outbox"));
        qCInfo(lcForwarder) << "forwarder for" << m_options.node << "connected to" << m_conn.serverAddress();
        m_connectBackoff.reset();
        rescan();
        return true;
    } catch (const pg::DbError &e) {
        m_conn.close();
        const milliseconds wait = m_connectBackoff.next();
        if (m_connectBackoff.attempts() == 1 || m_connectBackoff.attempts() % 20 == 0)
            qCWarning(lcForwarder) << "cannot reach" << m_options.node << "(" << e.message() << "); retrying in" << wait.count() << "ms";
        ++m_stats.reconnects;
        sleepInterruptibly(wait, stop);
        return false;
    }
}

Forwarder::Destination &Forwarder::destination(const QString &name)
{
    auto it = m_dests.find(name);
    if (it == m_dests.end()) {
        Destination d;
        d.backoff = Backoff(m_options.destinationPolicy);
        it = m_dests.insert(name, d);
    }
    return *it;
}

void Forwarder::rescan()
{
    const pg::Result r = m_conn.exec("SELECT dest, pending FROM redbox.forward_pending()");
    const auto now = Clock::now();
    for (int i = 0; i < r.rows(); ++i) {
        Destination &d = destination(r.text(i, 0));
        if (r.int64(i, 1) > 0 && d.backoff.attempts() == 0)
            d.due = std::min(d.due, now);
    }
}

bool Forwarder::deliver(const QString &dest, Destination &d)
{
    const pg::Result r = m_conn.exec("SELECT delivered, parked, pending, error FROM redbox.forward_batch($1, $2)", {dest, m_options.batch},
                                     true);
    ++m_stats.batches;
    const int delivered = r.int32(0, 0);
    const int parked = r.int32(0, 1);
    const qint64 pending = r.int64(0, 2);
    m_stats.delivered += delivered;
    m_stats.parked += parked;
    d.delivered += delivered;
    d.parked += parked;
    if (parked > 0)
        qCWarning(lcForwarder) << parked << "hop(s) to" << dest << "parked for a technician (see parked_hops())";
    if (!r.isNull(0, 3)) {
        const QString err = r.text(0, 3);
        ++m_stats.failures;
        ++d.failures;
        const milliseconds wait = d.backoff.next();
        d.due = Clock::now() + wait;
        if (err != d.lastError)
            qCWarning(lcForwarder) << "hops to" << dest << "wait:" << err.left(200);
        d.lastError = err;
        return delivered > 0;
    }
    if (!d.lastError.isEmpty())
        qCInfo(lcForwarder) << "hops to" << dest << "flow again";
    d.lastError.clear();
    d.lastContact = Clock::now();
    d.backoff.reset();
    d.due = pending > 0 ? Clock::now() : Clock::time_point::max();
    return delivered > 0;
}

void Forwarder::probeIdle()
{
    const auto now = Clock::now();
    for (auto it = m_dests.begin(); it != m_dests.end(); ++it) {
        Destination &d = *it;
        if (d.due != Clock::time_point::max() || (d.lastContact && now - *d.lastContact < m_options.probeEvery))
            continue;   // busy (delivering or backing off), or heard from recently
        const bool up = m_conn.exec("SELECT redbox.probe_link($1)", {it.key()}, true).boolean(0, 0);
        d.lastContact = now;
        if (up != d.lastError.isEmpty())
            qCInfo(lcForwarder) << "link to" << it.key() << (up ? "is up" : "is down");
        d.lastError = up ? QString() : QStringLiteral("unreachable");
    }
}

// Rentals past their last night become the renter's (at red boxes; a no-op
// elsewhere). A node whose schema predates the function is left alone.
void Forwarder::closeOverdueRentals()
{
    try {
        const int kept = m_conn.exec("SELECT redbox.close_overdue_rentals(500)", {}, true).int32(0, 0);
        if (kept > 0)
            qCInfo(lcForwarder) << kept << "rental(s) at" << m_options.node << "closed as kept (not back after their last night)";
    } catch (const pg::DbError &e) {
        if (e.sqlstate() != QLatin1String("42883"))
            throw;
        qCDebug(lcForwarder) << m_options.node << "has no close_overdue_rentals() yet (an older schema)";
    }
}

int Forwarder::run(const std::atomic<bool> &stop)
{
    auto lastRescan = Clock::now();
    auto lastPurge = Clock::now();
    auto lastReport = Clock::now();
    auto lastMetrics = Clock::now() - m_options.metricsEvery;   // the first figures at once
    const bool metrics = m_options.metricsEvery > milliseconds(0);
    qint64 reportedDelivered = 0;
    while (!stop.load()) {
        if (m_options.heartbeat)
            m_options.heartbeat();
        if (!m_conn.isOpen()) {
            if (metrics && Clock::now() - lastMetrics >= m_options.metricsEvery) {
                publishMetrics();   // without a connection: says so, and the forwarder's own counters
                lastMetrics = Clock::now();
            }
            if (!connect(stop))
                continue;
            lastRescan = Clock::now();
        }
        try {
            auto now = Clock::now();
            for (auto it = m_dests.begin(); it != m_dests.end() && !stop.load(); ++it) {
                if (it->due <= now)
                    deliver(it.key(), *it);
            }
            now = Clock::now();
            if (now - lastRescan >= m_options.rescanEvery) {
                rescan();
                lastRescan = now;
            }
            probeIdle();
            if (metrics && now - lastMetrics >= m_options.metricsEvery) {
                lastMetrics = now;
                publishMetrics();
            }
            if (now - lastPurge >= m_options.purgeEvery) {
                lastPurge = now;
                m_conn.exec("SELECT redbox.purge_delivered('1 hour')", {}, true);
                closeOverdueRentals();
            }
            if (now - lastReport >= seconds(60) && m_stats.delivered != reportedDelivered) {
                qCInfo(lcForwarder) << m_options.node << "delivered" << m_stats.delivered << "hops," << m_stats.parked << "parked,"
                                    << m_stats.failures << "failed tries";
                reportedDelivered = m_stats.delivered;
                lastReport = now;
            }
            // Sleep until the next destination is due, a notification arrives, or a rescan is due.
            auto next = lastRescan + m_options.rescanEvery;
            for (const Destination &d : std::as_const(m_dests))
                next = std::min(next, d.due);
            now = Clock::now();
            if (next > now) {
                const auto wait = std::min<long long>(500, duration_cast<milliseconds>(next - now).count() + 1);
                for (const pg::Notification &n : m_conn.waitForNotifications(static_cast<int>(wait))) {
                    qCDebug(lcForwarder) << "notified for" << n.payload;
                    // The payload names a destination, or "*" for every one of them.
                    if (n.payload == QLatin1String("*")) {
                        for (Destination &d : m_dests)
                            if (d.backoff.attempts() == 0)
                                d.due = Clock::now();
                        continue;
                    }
                    Destination &d = destination(n.payload);
                    if (d.backoff.attempts() == 0)
                        d.due = Clock::now();
                }
            }
        } catch (const pg::DbError &e) {
            if (e.kind() == pg::ErrorKind::BrokenConnection || e.kind() == pg::ErrorKind::InDoubt || e.kind() == pg::ErrorKind::ReadOnly ||
                !m_conn.isOpen()) {
                qCWarning(lcForwarder) << "lost" << m_options.node << "(" << e.message() << "); reconnecting (a failover?)";
                m_conn.close();
                for (Destination &d : m_dests)
                    d.due = std::min(d.due, Clock::now());
            } else {
                qCWarning(lcForwarder) << "forwarding from" << m_options.node << "failed:" << e.message();
                ++m_stats.failures;
                sleepInterruptibly(m_connectBackoff.policy().initialDelay * 5, stop);
            }
        }
    }
    qCInfo(lcForwarder) << "forwarder for" << m_options.node << "stopping; delivered" << m_stats.delivered << "hops";
    return 0;
}

}   // namespace redbox
