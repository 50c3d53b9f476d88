// What the simulated customers share (see world.h).
#include "sim/world.h"

#include "core/cards.h"

#include <QFile>
#include <QJsonDocument>
#include <QMutexLocker>

#include <algorithm>
#include <stdexcept>

namespace redbox::sim {

QJsonObject Holding::toJson() const
{
    return {{QStringLiteral("rental_id"), rentalId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("barcode"), barcode},
            {QStringLiteral("kiosk"), fromKiosk},
            {QStringLiteral("member_id"), static_cast<double>(memberId)},
            {QStringLiteral("late_days"), lateDays}};
}

Holding Holding::fromJson(const QJsonObject &o)
{
    return {QUuid::fromString(o.value(QStringLiteral("rental_id")).toString()),
            o.value(QStringLiteral("barcode")).toString(),
            o.value(QStringLiteral("kiosk")).toString(),
            o.value(QStringLiteral("member_id")).toInteger(),
            false,
            o.value(QStringLiteral("late_days")).toInt()};
}

Roster Roster::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the roster " + path.toStdString());
    QJsonParseError err{};
    const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &err).object();
    if (err.error != QJsonParseError::NoError || !o.value(QStringLiteral("members")).isArray())
        throw std::runtime_error("the roster " + path.toStdString() + " is not redbox-net's roster JSON");
    Roster r;
    for (const auto &v : o.value(QStringLiteral("members")).toArray()) {
        const QJsonObject m = v.toObject();
        if (!m.value(QStringLiteral("allowed")).toBool(true))
            continue;   // accounts on hold do not come to rent in the simulation
        r.members.append({m.value(QStringLiteral("member_id")).toInteger(), m.value(QStringLiteral("card")).toString(),
                          m.value(QStringLiteral("pin")).toString(), m.value(QStringLiteral("coast")).toString(),
                          m.value(QStringLiteral("plan_limit")).toInt(1)});
    }
    for (const auto &v : o.value(QStringLiteral("kiosks")).toArray()) {
        const QJsonObject k = v.toObject();
        r.kiosks.append({k.value(QStringLiteral("kiosk_id")).toString(), k.value(QStringLiteral("node")).toString(),
                         k.value(QStringLiteral("coast")).toString(), k.value(QStringLiteral("config")).toString()});
    }
    if (r.members.isEmpty() || r.kiosks.isEmpty())
        throw std::runtime_error("the roster " + path.toStdString() + " lists no members or no kiosks");
    return r;
}

World::World(const QList<SimMember> &members, const QList<SimKioskRef> &kiosks, quint64 seed) : m_kiosks(kiosks)
{
    std::mt19937_64 rng(seed ^ 0x5eedf00dULL);
    QHash<QString, QList<QString>> kiosksOf;   // coast -> kiosks
    for (const SimKioskRef &k : kiosks)
        kiosksOf[k.coast].append(k.id);
    QHash<QString, QList<qint64>> byCoast;
    for (const SimMember &m : members) {
        m_members.insert(m.id, m);
        byCoast[m.coast].append(m.id);
    }
    for (auto it = byCoast.begin(); it != byCoast.end(); ++it) {
        QList<qint64> ids = it.value();
        std::sort(ids.begin(), ids.end());
        std::shuffle(ids.begin(), ids.end(), rng);
        const QString other = it.key() == QLatin1String("west") ? QStringLiteral("east") : QStringLiteral("west");
        const QList<QString> home = kiosksOf.value(it.key());
        const QList<QString> away = kiosksOf.value(other);
        // One in eight of a coast's members travels: dealt to the other coast's kiosks.
        for (int i = 0; i < ids.size(); ++i) {
            if (i % 8 == 7 && !away.isEmpty())
                m_travelers[away[(i / 8) % away.size()]].append(ids[i]);
            else if (!home.isEmpty())
                m_home[home[i % home.size()]].append(ids[i]);
        }
    }
    // Walk-up customers: three bank cards per kiosk, each with its billing ZIP.
    qint64 next = -1;
    for (const SimKioskRef &k : kiosks) {
        for (int i = 0; i < 3; ++i) {
            SimMember w;
            w.id = next--;
            QString body = QStringLiteral("4");
            for (int d = 0; d < 14; ++d)
                body += QChar(u'0' + static_cast<int>(rng() % 10));
            w.card = body + QLatin1Char(luhnDigit(body));
            w.pin = QStringLiteral("%1").arg(static_cast<int>(rng() % 100'000), 5, 10, QLatin1Char('0'));
            w.coast = k.coast;
            w.planLimit = 3;
            w.walkUp = true;
            m_members.insert(w.id, w);
            m_walkUps[k.id].append(w.id);
        }
    }
}

World::World(const SimKioskRef &kiosk, const QList<SimMember> &home, const QList<SimMember> &travelers) : m_kiosks{kiosk}
{
    for (const SimMember &m : home) {
        m_members.insert(m.id, m);
        (m.walkUp ? m_walkUps : m_home)[kiosk.id].append(m.id);
    }
    for (const SimMember &m : travelers) {
        m_members.insert(m.id, m);
        m_travelers[kiosk.id].append(m.id);
    }
}

SimMember World::member(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    return m_members.value(id);
}

QList<SimMember> World::membersOf(const QString &kiosk) const
{
    QMutexLocker lock(&m_mutex);
    QList<SimMember> out;
    for (qint64 id : m_home.value(kiosk) + m_travelers.value(kiosk) + m_walkUps.value(kiosk))
        out.append(m_members.value(id));
    return out;
}

void World::hold(const Holding &h)
{
    QMutexLocker lock(&m_mutex);
    m_held.insert(h.barcode, h);
}

void World::released(const QString &barcode)
{
    QMutexLocker lock(&m_mutex);
    const Holding h = m_held.take(barcode);
    // A walk-up card that brought a disc back is a returning card: 5 discs.
    auto m = m_members.find(h.memberId);
    if (m != m_members.end() && m->walkUp)
        m->planLimit = 5;
}

QList<Holding> World::heldBy(qint64 memberId) const
{
    QMutexLocker lock(&m_mutex);
    QList<Holding> out;
    for (const Holding &h : m_held)
        if (h.memberId == memberId)
            out.append(h);
    std::sort(out.begin(), out.end(), [](const Holding &a, const Holding &b) { return a.barcode < b.barcode; });
    return out;
}

int World::heldCount(qint64 memberId) const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const Holding &h : m_held)
        n += h.memberId == memberId ? 1 : 0;
    return n;
}

QList<Holding> World::allHoldings() const
{
    QMutexLocker lock(&m_mutex);
    return m_held.values();
}

void World::carryTo(const QString &kiosk, const Holding &h)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_held.find(h.barcode);
    if (it != m_held.end())
        it->carried = true;
    m_carried[kiosk].append(h);
}

std::optional<Holding> World::takeCarried(const QString &kiosk)
{
    QMutexLocker lock(&m_mutex);
    QList<Holding> &list = m_carried[kiosk];
    if (list.isEmpty())
        return std::nullopt;
    return list.takeFirst();
}

void World::uncarry(const QString &barcode)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_held.find(barcode);
    if (it != m_held.end())
        it->carried = false;
}

int World::carriedCount() const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const auto &l : m_carried)
        n += static_cast<int>(l.size());
    return n;
}

}   // namespace redbox::sim
