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

QStringList TimeMachine::age(const QUuid &rental, int days)
{
    QStringList moved;
    for (const QString &node : m_net.nodes()) {
        pg::Connection c = m_net.connect(node);
        // The start moves, and with it the time of the disc's last change (its going out, which a
        // later change of the disc must be newer than); the commit and arrival times stay true
        // (they measure the network).
        const qint64 n = c.exec("WITH moved AS (UPDATE redbox.rental SET rented_at = rented_at - make_interval(days => $2) "
                                "WHERE rental_id = $1 AND status = 'open' RETURNING barcode), "
                                "disc AS (UPDATE redbox.dvd d SET state_at = d.state_at - make_interval(days => $2) FROM moved m "
                                "WHERE d.barcode = m.barcode AND d.status = 'out') "
                                "SELECT count(*) FROM moved",
                                {rental, days})
                             .int64(0, 0);
        if (n > 0)
            moved << node;
    }
    return moved;
}

bool TimeMachine::ageBeforeReturn(const Holding &holding, const SimKioskRef &from, const QString &memberCoast, int days)
{
    QSet<QString> must{from.node, m_net.coastNode(from.coast), m_net.coastNode(memberCoast), m_net.nodes(QStringLiteral("hq")).value(0)};
    for (const QString &node : must) {
        pg::Connection c = m_net.connect(node);
        if (!holdsOpen(c, holding.rentalId))
            return false;
    }
    age(holding.rentalId, days);
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
    std::vector<std::pair<QUuid, int>> open;
    open.reserve(static_cast<size_t>(out.rows()));
    for (int i = 0; i < out.rows(); ++i)
        open.emplace_back(out.uuid(i, 0), static_cast<int>(out.int64(i, 1)));
    std::mt19937_64 rng(seed);
    std::shuffle(open.begin(), open.end(), rng);
    open.resize(static_cast<size_t>(std::lround(static_cast<double>(open.size()) * share)));
    QList<QUuid> kept;
    for (const auto &[id, maxNights] : open) {
        // Rented a day before its last night began: by now past 9 pm of that night, wherever the kiosk is.
        age(id, maxNights + 2);
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
