// Every call every simulated kiosk made (see history.h).
#include "sim/history.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutexLocker>

#include <stdexcept>

namespace redbox::sim {

QJsonObject recordToJson(const QString &kiosk, const QString &node, const EngineBridge::CallRecord &r)
{
    QJsonObject o{{QStringLiteral("at"), static_cast<double>(QDateTime::currentMSecsSinceEpoch())},
                  {QStringLiteral("kiosk"), kiosk},
                  {QStringLiteral("node"), node},
                  {QStringLiteral("kind"), r.kind},
                  {QStringLiteral("id"), r.id.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("phase"), r.phase}};
    if (!r.failure.isEmpty() && r.failure != QLatin1String("none"))
        o.insert(QStringLiteral("failure"), r.failure);
    if (!r.detail.isEmpty())
        o.insert(QStringLiteral("detail"), r.detail.left(300));
    if (!r.barcode.isEmpty())
        o.insert(QStringLiteral("barcode"), r.barcode);
    if (r.memberId)
        o.insert(QStringLiteral("member"), static_cast<double>(r.memberId));
    if (r.offline)
        o.insert(QStringLiteral("offline"), true);
    if (r.phase != QLatin1String("invoked"))
        o.insert(QStringLiteral("ms"), static_cast<double>(r.latencyMs));
    return o;
}

History::History(const QString &path) : m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error("cannot write the call history " + path.toStdString());
}

std::unique_ptr<History> History::replay(const QString &path, const QString &scratchPath)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the call history " + path.toStdString());
    auto h = std::make_unique<History>(scratchPath);
    while (!in.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(in.readLine()).object();
        if (!o.isEmpty())
            h->apply(o);
    }
    return h;
}

History::~History()
{
    flush();
}

void History::add(const QString &kiosk, const QString &node, const EngineBridge::CallRecord &r)
{
    addJson(recordToJson(kiosk, node, r));
}

void History::addJson(QJsonObject o)
{
    QMutexLocker lock(&m_mutex);
    apply(o);
    m_buffer += QJsonDocument(o).toJson(QJsonDocument::Compact);
    m_buffer += '\n';
    if (m_buffer.size() > (1 << 16)) {
        m_file.write(m_buffer);
        m_buffer.clear();
    }
}

void History::note(const QJsonObject &event)
{
    QJsonObject o = event;
    o.insert(QStringLiteral("at"), static_cast<double>(QDateTime::currentMSecsSinceEpoch()));
    o.insert(QStringLiteral("kind"), QStringLiteral("event"));
    QMutexLocker lock(&m_mutex);
    apply(o);
    m_buffer += QJsonDocument(o).toJson(QJsonDocument::Compact);
    m_buffer += '\n';
}

void History::flush()
{
    QMutexLocker lock(&m_mutex);
    m_file.write(m_buffer);
    m_buffer.clear();
    m_file.flush();
}

void History::apply(const QJsonObject &o)
{
    const QString kind = o.value(QStringLiteral("kind")).toString();
    const QString phase = o.value(QStringLiteral("phase")).toString();
    const QUuid id = QUuid::fromString(o.value(QStringLiteral("id")).toString());
    const qint64 at = o.value(QStringLiteral("at")).toInteger();
    const bool offline = o.value(QStringLiteral("offline")).toBool();
    if (kind == QLatin1String("rent")) {
        RentalTrace &t = m_rentals[id];
        if (phase == QLatin1String("invoked")) {
            t.kiosk = o.value(QStringLiteral("kiosk")).toString();
            t.node = o.value(QStringLiteral("node")).toString();
            t.memberId = o.value(QStringLiteral("member")).toInteger();
            t.barcode = o.value(QStringLiteral("barcode")).toString();
            t.invokedMs = at;
            t.phase = phase;
            ++m_counts.rentInFlight;
            return;
        }
        if (t.phase == QLatin1String("invoked"))
            --m_counts.rentInFlight;
        t.phase = phase;
        t.endedMs = at;
        t.offline = offline;
        t.latencyMs = o.value(QStringLiteral("ms")).toInteger();
        t.failure = o.value(QStringLiteral("failure")).toString();
        if (phase == QLatin1String("ok")) {
            if (offline) {
                ++m_counts.rentOffline;
                m_latOffline.push_back(static_cast<double>(t.latencyMs));
            } else {
                ++m_counts.rentOk;
                m_latOnline.push_back(static_cast<double>(t.latencyMs));
                m_commits.emplace_back(t.node, at);
            }
        } else if (phase == QLatin1String("unknown")) {
            ++m_counts.rentUnknown;
        } else {
            ++m_counts.rentFailed;
            ++m_counts.failures[t.failure];
        }
    } else if (kind == QLatin1String("dispense")) {
        m_rentals[id].dispensed = true;
        ++m_counts.dispensed;
    } else if (kind == QLatin1String("void") && phase != QLatin1String("invoked")) {
        if (phase == QLatin1String("ok"))
            m_rentals[id].voided = true;
        ++m_counts.voids;
    } else if (kind == QLatin1String("return") && phase != QLatin1String("invoked")) {
        if (phase == QLatin1String("ok"))
            ++(offline ? m_counts.returnOffline : m_counts.returnOk);
        else
            ++m_counts.returnFailed;
    } else if (kind == QLatin1String("event")) {
        const QString e = o.value(QStringLiteral("event")).toString();
        if (e == QLatin1String("unknown card accepted"))
            ++m_counts.unknownAccepted;
        else if (e == QLatin1String("visit stuck"))
            ++m_counts.stuckVisits;
    } else if (kind == QLatin1String("lookup") && phase != QLatin1String("invoked")) {
        ++m_counts.lookups;
        const QString source = o.value(QStringLiteral("detail")).toString();
        if (phase == QLatin1String("ok") && source != QLatin1String("redbox") && source != QLatin1String("cache"))
            ++m_counts.escalations;
        if (phase != QLatin1String("ok"))
            ++m_counts.lookupFailed;
    }
}

HistoryCounts History::counts() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts;
}

QHash<QUuid, RentalTrace> History::rentals() const
{
    QMutexLocker lock(&m_mutex);
    return m_rentals;
}

std::vector<double> History::rentLatencies(bool offline) const
{
    QMutexLocker lock(&m_mutex);
    return offline ? m_latOffline : m_latOnline;
}

std::vector<std::pair<QString, qint64>> History::onlineCommits() const
{
    QMutexLocker lock(&m_mutex);
    return m_commits;
}

}   // namespace redbox::sim
