// Health (see techhealth.h).
#include "maintenance/techhealth.h"

#include <QJsonArray>

#include <cstdlib>

namespace redbox {

namespace {

QString ago(qint64 seconds)
{
    if (seconds < 90)
        return TechHealth::tr("%1 s ago").arg(seconds);
    if (seconds < 5400)
        return TechHealth::tr("%1 min ago").arg(seconds / 60);
    return TechHealth::tr("%1 h ago").arg(seconds / 3600);
}

QString span(qint64 seconds)
{
    if (seconds < 90)
        return TechHealth::tr("%1 s").arg(seconds);
    if (seconds < 5400)
        return TechHealth::tr("%1 min").arg(seconds / 60);
    return TechHealth::tr("%1 h").arg(seconds / 3600);
}

const QString kOk = QStringLiteral("ok");
const QString kWarn = QStringLiteral("warn");
const QString kBad = QStringLiteral("bad");

void redboxPair(const MaintenanceHealth &h, QList<HealthRow> &rows)
{
    // Server by server: the primary first.
    QList<ServerProbe> pair;
    for (const ServerProbe &p : h.servers)
        if (p.tier == QLatin1String("redbox"))
            (p.reachable && p.primary ? pair.prepend(p) : pair.append(p));
    for (const ServerProbe &p : std::as_const(pair)) {
        if (!p.reachable) {
            rows.append({TechHealth::tr("Red box server %1").arg(p.server), kBad, TechHealth::tr("Not reachable"), p.error});
        } else if (p.primary) {
            rows.append({TechHealth::tr("Red box primary"), kOk, TechHealth::tr("Reachable, primary, answers in %1 ms").arg(p.latencyMs),
                         p.server});
        } else {
            QString words = TechHealth::tr("Reachable, standby");
            QString level = kWarn;
            if (h.redboxAnswered && !h.standbyName.isEmpty()) {
                const bool syncStreaming = h.standbyState == QLatin1String("streaming") && h.standbySync == QLatin1String("sync");
                level = syncStreaming ? kOk : kWarn;
                words = syncStreaming
                            ? TechHealth::tr("Streaming, synchronous; replay lag %1 ms (%2 bytes)").arg(h.replayLagMs).arg(h.replayLagBytes)
                            : TechHealth::tr("Replication %1 (%2): rentals may wait").arg(h.standbyState, h.standbySync);
            } else if (h.redboxAnswered) {
                words = TechHealth::tr("Not replicating: the primary has no standby attached");
            }
            rows.append({TechHealth::tr("Red box standby"), level, words, p.server});
        }
    }
    if (!h.redboxAnswered)
        rows.append({TechHealth::tr("Red box"), kBad, TechHealth::tr("The primary did not answer the technician's health check"),
                     h.redboxError.section(QLatin1Char('\n'), 0, 0)});
}

void upperTier(const MaintenanceHealth &h, const QString &name, const QString &tier, QList<HealthRow> &rows)
{
    QStringList down;
    QString primary;
    for (const ServerProbe &p : h.servers) {
        if (p.tier != tier)
            continue;
        if (!p.reachable)
            down << p.server;
        if (p.reachable && p.primary)
            primary = p.server;
    }
    QString linkWords;
    bool linkDown = false;
    for (const auto &v : h.links) {
        const QJsonObject l = v.toObject();
        if (l.value(QStringLiteral("kind")).toString() == tier) {
            linkDown = !l.value(QStringLiteral("up")).toBool();
            linkWords =
                linkDown ? TechHealth::tr("the red box cannot reach it since %1").arg(l.value(QStringLiteral("since")).toString().left(19))
                         : TechHealth::tr("the red box's link is up");
        }
    }
    const QString level = primary.isEmpty() ? kBad : (linkDown || !down.isEmpty() ? kWarn : kOk);
    QString words = primary.isEmpty() ? TechHealth::tr("No primary reachable from this kiosk")
                                      : TechHealth::tr("Reachable; primary %1").arg(primary);
    if (!linkWords.isEmpty())
        words += QStringLiteral("; ") + linkWords;
    rows.append(
        {name, level, words, down.isEmpty() ? QString() : TechHealth::tr("not reachable: %1").arg(down.join(QStringLiteral(", ")))});
}

void hops(const MaintenanceHealth &h, QList<HealthRow> &rows)
{
    if (!h.redboxAnswered)
        return;
    const qint64 oldest = h.oldestPending.isValid() ? h.oldestPending.secsTo(QDateTime::currentDateTimeUtc()) : 0;
    rows.append({TechHealth::tr("Forwarding"),
                 h.pendingHops == 0 || oldest < 30 ? kOk : kWarn,
                 h.pendingHops == 0 ? TechHealth::tr("Nothing waiting")
                                    : TechHealth::tr("%1 hop(s) waiting, oldest %2").arg(h.pendingHops).arg(ago(oldest)),
                 {}});
    QString first;
    if (!h.parked.isEmpty()) {
        const QJsonObject p = h.parked.first().toObject();
        first = QStringLiteral("%1 to %2: %3")
                    .arg(p.value(QStringLiteral("kind")).toString(), p.value(QStringLiteral("dest")).toString(),
                         p.value(QStringLiteral("error")).toString().left(160));
    }
    rows.append({TechHealth::tr("Parked hops"), h.parkedHops == 0 ? kOk : kBad,
                 h.parkedHops == 0 ? TechHealth::tr("None")
                                   : TechHealth::tr("%1 parked with errors: use Repair > Retry parked hops").arg(h.parkedHops),
                 first});
}

void kioskItself(const KioskHealth &k, QList<HealthRow> &rows)
{
    const qint64 syncAge = k.lastCacheSync.isValid() ? k.lastCacheSync.secsTo(QDateTime::currentDateTimeUtc()) : -1;
    rows.append({TechHealth::tr("Cache"),
                 syncAge < 0      ? kBad
                 : syncAge < 300  ? kOk
                 : syncAge < 3600 ? kWarn
                                  : kBad,
                 syncAge < 0 ? TechHealth::tr("Never synced") : TechHealth::tr("Last synced %1").arg(ago(syncAge)),
                 {}});
    rows.append({TechHealth::tr("Kiosk outbox"),
                 k.outboxDepth == 0 ? kOk : kWarn,
                 k.outboxDepth == 0
                     ? TechHealth::tr("Empty")
                     : TechHealth::tr("%1 action(s) waiting for the red box, oldest %2").arg(k.outboxDepth).arg(ago(k.outboxOldestAgeS)),
                 {}});
    // The kiosk rents on the red box's time; its own clock only stamps offline actions (within bounds).
    if (!k.clockSkewMs) {
        rows.append({TechHealth::tr("Kiosk clock"), kWarn, TechHealth::tr("Not compared with the red box's yet"), {}});
    } else {
        const qint64 off = std::abs(*k.clockSkewMs);
        const QString words = off < 2000 ? TechHealth::tr("Within 2 s of the red box's")
                              : *k.clockSkewMs < 0
                                  ? TechHealth::tr("%1 ahead of the red box's; the kiosk keeps the red box's time").arg(span(off / 1000))
                                  : TechHealth::tr("%1 behind the red box's; the kiosk keeps the red box's time").arg(span(off / 1000));
        rows.append({TechHealth::tr("Kiosk clock"), off < 60'000 ? kOk : kWarn, words, {}});
    }
    if (!k.storageFault.isEmpty())
        rows.append({TechHealth::tr("Kiosk storage"), kBad, k.storageFault, {}});
    if (!k.refusal.isEmpty())
        rows.append({TechHealth::tr("Kiosk version"), kBad, TechHealth::tr("Refused by the red box: %1").arg(k.refusal), {}});
}

}   // namespace

int HealthRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant HealthRowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const HealthRow &r = m_rows[index.row()];
    switch (role) {
        case NameRole: return r.name;
        case LevelRole: return r.level;
        case WordsRole: return r.words;
        case DetailRole: return r.detail;
        default: return {};
    }
}

QHash<int, QByteArray> HealthRowsModel::roleNames() const
{
    return {{NameRole, "name"}, {LevelRole, "level"}, {WordsRole, "words"}, {DetailRole, "detail"}};
}

QVariantMap HealthRowsModel::get(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const HealthRow &r = m_rows[row];
    return {{QStringLiteral("name"), r.name},
            {QStringLiteral("level"), r.level},
            {QStringLiteral("words"), r.words},
            {QStringLiteral("detail"), r.detail}};
}

void HealthRowsModel::reset(QList<HealthRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    emit countChanged();
}

std::optional<HealthRow> HealthRowsModel::row(const QString &name) const
{
    for (const HealthRow &r : m_rows)
        if (r.name == name)
            return r;
    return std::nullopt;
}

TechHealth::TechHealth(TechDesk &desk, QObject *parent) : QObject(parent), m_desk(desk) {}

QList<HealthRow> TechHealth::build(const MaintenanceHealth &h)
{
    QList<HealthRow> rows;
    redboxPair(h, rows);
    upperTier(h, tr("Coast server"), QStringLiteral("coast"), rows);
    upperTier(h, tr("HQ"), QStringLiteral("hq"), rows);
    hops(h, rows);
    kioskItself(h.kiosk, rows);
    return rows;
}

void TechHealth::refresh()
{
    if (!m_desk.needSession())
        return;
    auto busy = m_desk.hold();
    m_desk.backend().maintenanceHealth(m_desk.current(), guarded(this, [this, busy](MaintenanceHealth h) {
                                           busy.release();
                                           m_rows.reset(build(h));
                                           m_desk.finish(QStringLiteral("health"), true, {});
                                       }));
}

}   // namespace redbox
