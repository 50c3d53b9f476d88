// Faults injected into a running network (see faults.h).
#include "sim/faults.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QThread>
#include <QTimer>

Q_LOGGING_CATEGORY(lcFaults, "redbox.sim.faults", QtInfoMsg)

namespace redbox::sim {

FaultInjector::FaultInjector(const NetworkState &net, const QString &forwarder, const Scenario &scenario, Hooks hooks, QObject *parent)
    : QObject(parent), m_net(net), m_forwarder(forwarder), m_scenario(scenario), m_hooks(std::move(hooks)), m_rng(scenario.seed * 7919 + 17)
{}

void FaultInjector::start(qint64 runEndEpochMs)
{
    for (const FaultSpec &f : m_scenario.faults)
        QTimer::singleShot(static_cast<int>(f.atS * 1000), this, [this, f] { inject(f); });
    if (m_scenario.randomFaultsPerMin > 0) {
        // Poisson arrivals of faults of the listed kinds, each healed after random_faults.for_s.
        std::exponential_distribution<double> gap(m_scenario.randomFaultsPerMin / 60.0);
        double at = gap(m_rng);
        const double end = static_cast<double>(runEndEpochMs - QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        while (at < end) {
            FaultSpec f;
            f.atS = at;
            f.kind = m_scenario.randomFaultKinds[static_cast<int>(m_rng() % static_cast<quint64>(m_scenario.randomFaultKinds.size()))];
            f.forS = m_scenario.randomFaultForS;
            f.random = true;
            QTimer::singleShot(static_cast<int>(at * 1000), this, [this, f] { inject(f); });
            at += gap(m_rng);
        }
    }
}

QString FaultInjector::pickNode(const QString &tier)
{
    const QStringList nodes = m_net.nodes(tier);
    return nodes.isEmpty() ? QString() : nodes[static_cast<int>(m_rng() % static_cast<quint64>(nodes.size()))];
}

void FaultInjector::background(std::function<void()> work, std::function<void()> then)
{
    ++m_running;
    QPointer<FaultInjector> self(this);
    QThread *t = QThread::create(std::move(work));
    connect(t, &QThread::finished, this, [self, t, then] {
        t->deleteLater();
        if (!self)
            return;
        --self->m_running;
        if (then)
            then();
        if (self->m_healing && self->m_running == 0)
            emit self->allHealed();
    });
    t->start();
}

void FaultInjector::inject(const FaultSpec &spec)
{
    if (m_healing)
        return;   // the run is over
    const int index = static_cast<int>(m_records.size());
    FaultRecord rec;
    rec.kind = spec.kind;
    rec.injectedAt = QDateTime::currentMSecsSinceEpoch();
    m_records.append(rec);
    m_healed.append(false);
    auto heals = [this, index](double forS, double fallback) {
        if (m_healing) {
            heal(index);   // the run ended while it was being injected
            return;
        }
        const double s = forS > 0 ? forS : fallback;
        QTimer::singleShot(static_cast<int>(s * 1000), this, [this, index] { heal(index); });
    };
    auto say = [this, index](const QString &what) {
        const FaultRecord &r = m_records[index];
        qCInfo(lcFaults).noquote() << r.kind << r.target << what;
        emit happened({{QStringLiteral("event"), QStringLiteral("fault")},
                       {QStringLiteral("fault"), r.kind},
                       {QStringLiteral("target"), r.target},
                       {QStringLiteral("what"), what}});
    };

    if (spec.kind == QLatin1String("kill_redbox_primary")) {
        const QString node = spec.node.isEmpty() ? pickNode(QStringLiteral("redbox")) : spec.node;
        m_records[index].target = node;
        auto result = std::make_shared<FaultRecord>(m_records[index]);
        background(
            [this, node, result] {
                const QString primary = m_net.primaryOf(node);
                if (primary.isEmpty()) {
                    result->note = QStringLiteral("no primary answered; nothing killed");
                    return;
                }
                const QString member = m_net.memberAt(primary);
                result->injectedAt = QDateTime::currentMSecsSinceEpoch();
                m_net.killServer(member, true);
                result->injected = true;
                result->note = QStringLiteral("killed %1 (%2)").arg(member, primary);
                NetworkState::waitFor(
                    [&] {
                        const QString p = m_net.primaryOf(node);
                        if (p.isEmpty() || p == primary)
                            return false;
                        result->newPrimaryAt = QDateTime::currentMSecsSinceEpoch();
                        return true;
                    },
                    std::chrono::seconds(90), std::chrono::milliseconds(200));
                if (!result->newPrimaryAt)
                    result->note += QStringLiteral("; no new primary within 90 s");
            },
            [this, index, result, say, heals, spec] {
                m_records[index] = *result;
                say(result->note + (result->newPrimaryAt
                                        ? QStringLiteral("; standby primary after %1 s")
                                              .arg(static_cast<double>(result->newPrimaryAt - result->injectedAt) / 1000.0, 0, 'f', 1)
                                        : QString()));
                if (result->injected)
                    heals(spec.forS, 5);
            });
    } else if (spec.kind == QLatin1String("stop_coast") || spec.kind == QLatin1String("stop_hq")) {
        const QString node = spec.kind == QLatin1String("stop_hq") ? m_net.nodes(QStringLiteral("hq")).value(0)
                             : spec.node.isEmpty()                 ? pickNode(QStringLiteral("coast"))
                                                                   : spec.node;
        m_records[index].target = node;
        auto out = std::make_shared<QString>();
        auto code = std::make_shared<int>(0);
        background(
            [this, node, out, code] {
                *code = m_net.tool({QStringLiteral("stop"), node}, out.get(), 120'000);
            },
            [this, index, out, code, say, heals, spec] {
                m_records[index].injected = *code == 0;
                m_records[index].note = *code == 0 ? QStringLiteral("both servers stopped") : out->trimmed().right(300);
                say(m_records[index].note);
                if (*code == 0)
                    heals(spec.forS, 20);
            });
    } else if (spec.kind == QLatin1String("kill_forwarder")) {
        const QString node = spec.node.isEmpty() ? pickNode({}) : spec.node;
        m_records[index].target = node;
        const qint64 pid = m_net.killForwarder(node);
        m_records[index].injected = pid > 0;
        m_records[index].note = pid > 0 ? QStringLiteral("killed pid %1").arg(pid) : QStringLiteral("no forwarder was running");
        say(m_records[index].note);
        if (pid > 0)
            heals(spec.forS, 5);
    } else if (spec.kind == QLatin1String("kill_kiosk") || spec.kind == QLatin1String("cut_kiosk") ||
               spec.kind == QLatin1String("fill_disk")) {
        const FaultTarget r = spec.kind == QLatin1String("kill_kiosk")  ? m_hooks.killKiosk()
                              : spec.kind == QLatin1String("cut_kiosk") ? m_hooks.cutKiosk(true)
                                                                        : m_hooks.fillDisk(true);
        const bool ok = r.ok();
        m_records[index].injected = ok;
        m_records[index].target = r.target;
        m_records[index].note = ok ? QStringLiteral("injected") : r.refusal;
        say(m_records[index].note);
        // A refused fault has nothing to heal; a killed kiosk is restarted by the runner once it is dead.
        if (!ok || spec.kind == QLatin1String("kill_kiosk"))
            m_healed[index] = true;
        else
            heals(spec.forS, 20);
    }
}

void FaultInjector::heal(int index)
{
    if (index < 0 || index >= m_records.size() || m_healed[index])
        return;
    m_healed[index] = true;
    FaultRecord &r = m_records[index];
    auto done = [this, index] {
        m_records[index].healedAt = QDateTime::currentMSecsSinceEpoch();
        const FaultRecord &healed = m_records[index];
        qCInfo(lcFaults).noquote() << healed.kind << healed.target << "healed";
        emit happened({{QStringLiteral("event"), QStringLiteral("heal")},
                       {QStringLiteral("fault"), healed.kind},
                       {QStringLiteral("target"), healed.target}});
    };
    if (r.kind == QLatin1String("kill_redbox_primary") || r.kind == QLatin1String("stop_coast") || r.kind == QLatin1String("stop_hq")) {
        const QString node = r.target;
        background(
            [this, node] {
                QString out;
                if (m_net.tool({QStringLiteral("rejoin"), node}, &out, 300'000) != 0)
                    qCWarning(lcFaults).noquote() << "rejoin" << node << "failed:" << out.trimmed().right(400);
            },
            done);
    } else if (r.kind == QLatin1String("kill_forwarder")) {
        const QString node = r.target;
        background(
            [this, node] {
                QString out;
                QStringList args{QStringLiteral("forwarder"), QStringLiteral("start"), node};
                if (!m_forwarder.isEmpty())
                    args << QStringLiteral("--forwarder") << m_forwarder;
                if (m_net.tool(args, &out, 60'000) != 0)
                    qCWarning(lcFaults).noquote() << "forwarder start" << node << "failed:" << out.trimmed();
            },
            done);
    } else if (r.kind == QLatin1String("cut_kiosk")) {
        m_hooks.cutKiosk(false);
        done();
    } else if (r.kind == QLatin1String("fill_disk")) {
        m_hooks.fillDisk(false);
        done();
    }
}

void FaultInjector::healAll()
{
    m_healing = true;
    for (int i = 0; i < m_records.size(); ++i)
        heal(i);
    if (m_running == 0)
        QMetaObject::invokeMethod(this, &FaultInjector::allHealed, Qt::QueuedConnection);
}

QJsonArray FaultInjector::toJson(qint64 runStartEpochMs) const
{
    QJsonArray out;
    for (const FaultRecord &r : m_records) {
        QJsonObject o{{QStringLiteral("kind"), r.kind},
                      {QStringLiteral("target"), r.target},
                      {QStringLiteral("injected"), r.injected},
                      {QStringLiteral("note"), r.note},
                      {QStringLiteral("at_s"), static_cast<double>(r.injectedAt - runStartEpochMs) / 1000.0}};
        if (r.healedAt)
            o.insert(QStringLiteral("healed_at_s"), static_cast<double>(r.healedAt - runStartEpochMs) / 1000.0);
        if (r.newPrimaryAt)
            o.insert(QStringLiteral("new_primary_after_s"), static_cast<double>(r.newPrimaryAt - r.injectedAt) / 1000.0);
        out.append(o);
    }
    return out;
}

}   // namespace redbox::sim
