// Days pass, for chosen rentals (see timemachine.h).
#include "sim/timemachine.h"

#include <QMutexLocker>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <random>

namespace redbox::sim {

namespace {

bool holdsOpen(pg::Connection &c, const QUuid &rental)
{
    return c.exec("SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'", {rental}).int64(0, 0) > 0;
}

}   // namespace

TimeMachine::TimeMachine(const NetworkState &net) : m_net(net) {}

void TimeMachine::age(const QUuid &rental, int days, const QStringList &nodes)
{
    // All of them or none: every connection is opened and every change made in a transaction
    // before any commits (a node that cannot be reached leaves the rental as it was).
    std::vector<pg::Connection> open;
    open.reserve(static_cast<size_t>(nodes.size()));
    for (const QString &node : nodes)
        open.push_back(m_net.connect(node));
    for (pg::Connection &c : open) {
        c.exec("BEGIN");
        // The start moves, and with it the time of the disc's last change (its going out, which a
        // later change of the disc must be newer than); the commit and arrival times stay true
        // (they measure the network).
        c.exec("WITH moved AS (UPDATE redbox.rental SET rented_at = rented_at - make_interval(days => $2) "
               "WHERE rental_id = $1 AND status = 'open' RETURNING barcode) "
               "UPDATE redbox.dvd d SET state_at = d.state_at - make_interval(days => $2) FROM moved m "
               "WHERE d.barcode = m.barcode AND d.status = 'out'",
               {rental, days});
    }
    for (pg::Connection &c : open)
        c.exec("COMMIT");
}

bool TimeMachine::ageBeforeReturn(const Holding &holding, const SimKioskRef &from, const QString &memberCoast, int days)
{
    QSet<QString> must{from.node, m_net.coastNode(from.coast), m_net.coastNode(memberCoast), m_net.nodes(QStringLiteral("hq")).value(0)};
    for (const QString &node : must) {
        pg::Connection c = m_net.connect(node);
        if (!holdsOpen(c, holding.rentalId))
            return false;
    }
    age(holding.rentalId, days, QStringList(must.cbegin(), must.cend()));
    QMutexLocker lock(&m_mutex);
    m_passed.late.insert(holding.rentalId, days);
    return true;
}

QList<QUuid> TimeMachine::keepUnreturned(const QList<QUuid> &rentals, double share, quint64 seed)
{
    if (share <= 0 || rentals.isEmpty())
        return {};
    pg::Connection hq = m_net.connect(m_net.nodes(QStringLiteral("hq")).value(0));
    QStringList ids;
    for (const QUuid &id : rentals)
        ids << id.toString(QUuid::WithoutBraces);
    const pg::Result out = hq.exec("SELECT rental_id, max_nights FROM redbox.rental WHERE rental_id = ANY($1::uuid[]) "
                                   "AND status = 'open' ORDER BY rental_id",
                                   {QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}')});
    // Only what is open wherever it is, its red box included: a return that has not reached HQ
    // yet (or was taken offline) must not meet a start moved back at the tiers above.
    QSet<QUuid> settled, atRedbox;
    QHash<QUuid, QStringList> holders;
    for (const QString &node : m_net.nodes()) {
        pg::Connection c = m_net.connect(node);
        const pg::Result r = c.exec("SELECT rental_id, status = 'open' FROM redbox.rental WHERE rental_id = ANY($1::uuid[])",
                                    {QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}')});
        for (int i = 0; i < r.rows(); ++i) {
            holders[r.uuid(i, 0)] << node;
            if (!r.boolean(i, 1))
                settled.insert(r.uuid(i, 0));
            else if (m_net.tierOf(node) == QLatin1String("redbox"))
                atRedbox.insert(r.uuid(i, 0));
        }
    }
    std::vector<std::pair<QUuid, int>> open;
    open.reserve(static_cast<size_t>(out.rows()));
    for (int i = 0; i < out.rows(); ++i)
        if (!settled.contains(out.uuid(i, 0)) && atRedbox.contains(out.uuid(i, 0)))
            open.emplace_back(out.uuid(i, 0), static_cast<int>(out.int64(i, 1)));
    std::mt19937_64 rng(seed);
    std::shuffle(open.begin(), open.end(), rng);
    open.resize(static_cast<size_t>(std::lround(static_cast<double>(open.size()) * share)));
    QList<QUuid> kept;
    for (const auto &[id, maxNights] : open) {
        // Rented a day before its last night began: by now past 9 pm of that night, wherever the kiosk is.
        age(id, maxNights + 2, holders.value(id));
        kept << id;
    }
    for (const QString &node : m_net.nodes(QStringLiteral("redbox"))) {
        pg::Connection c = m_net.connect(node);
        while (c.exec("SELECT redbox.close_overdue_rentals(10000)").int64(0, 0) > 0) {
        }
    }
    QMutexLocker lock(&m_mutex);
    m_passed.kept += kept;
    return kept;
}

DaysPassed TimeMachine::passed() const
{
    QMutexLocker lock(&m_mutex);
    return m_passed;
}

}   // namespace redbox::sim
