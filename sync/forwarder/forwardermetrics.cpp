// The forwarder's figures for its /metrics endpoint: its own counters per
// destination, and its node's from redbox.node_metrics() (outbox, parked and
// refused hops; at a red box its rentals, returns and kiosks). Gathered on
// the forwarder's loop, every ForwarderOptions::metricsEvery; the endpoint's
// thread only copies the text out.
#include "core/logging.h"
#include "forwarder/forwarder.h"
#include "metrics/exposition.h"

#include <QMap>

namespace redbox {

namespace {
struct NodeFamily {
    QString help;
    QList<std::pair<metrics::Labels, double>> samples;
};
}   // namespace

QByteArray Forwarder::metricsText() const
{
    const std::lock_guard<std::mutex> lock(m_metricsMutex);
    return m_metricsText;
}

void Forwarder::publishMetrics()
{
    using metrics::Type;
    metrics::Exposition e;
    e.family("redbox_forwarder_connected", Type::Gauge,
             QStringLiteral("The forwarder holds a connection to its node's primary (1) or not (0)."));
    e.sample("redbox_forwarder_connected", {}, m_conn.isOpen() ? 1 : 0);
    e.family("redbox_forwarder_reconnects_total", Type::Counter, QStringLiteral("Failed attempts to connect to the node."));
    e.sample("redbox_forwarder_reconnects_total", {}, static_cast<double>(m_stats.reconnects));

    struct PerDest {
        const char *name;
        Type type;
        const char *help;
        double (*value)(const Destination &);
    };
    static const PerDest perDest[] = {
        {"redbox_forwarder_hops_delivered_total", Type::Counter, "Hops delivered to the destination since the forwarder started.",
         [](const Destination &d) { return static_cast<double>(d.delivered); }},
        {"redbox_forwarder_hops_parked_total", Type::Counter, "Hops the destination refused for good (parked) since the forwarder started.",
         [](const Destination &d) { return static_cast<double>(d.parked); }},
        {"redbox_forwarder_failed_tries_total", Type::Counter, "Deliveries to the destination that failed (and wait to be tried again).",
         [](const Destination &d) { return static_cast<double>(d.failures); }},
        {"redbox_link_up", Type::Gauge, "The destination answered the last delivery or probe (1), or did not (0).",
         [](const Destination &d) { return d.lastContact && d.lastError.isEmpty() ? 1.0 : 0.0; }},
    };
    QStringList dests = m_dests.keys();
    dests.sort();
    for (const PerDest &f : perDest) {
        e.family(f.name, f.type, QString::fromLatin1(f.help));
        for (const QString &dest : std::as_const(dests))
            e.sample(f.name, {{"dest", dest}}, f.value(m_dests[dest]));
    }

    if (m_conn.isOpen()) {
        try {
            const pg::Result r = m_conn.exec("SELECT metric, help, label, label_value, value FROM redbox.node_metrics()");
            QMap<QByteArray, NodeFamily> families;
            for (int i = 0; i < r.rows(); ++i) {
                const QByteArray name = "redbox_" + r.text(i, 0).toUtf8();
                const QByteArray label = r.isNull(i, 2) ? QByteArray() : r.text(i, 2).toUtf8();
                if (!metrics::Exposition::validName(name) || (!label.isEmpty() && !metrics::Exposition::validLabelName(label))) {
                    qCWarning(lcForwarder) << "node_metrics() gave a name the format does not allow:" << name << label;
                    continue;
                }
                NodeFamily &fam = families[name];
                fam.help = r.text(i, 1);
                metrics::Labels labels;
                if (!label.isEmpty())
                    labels.append({label, r.text(i, 3)});
                fam.samples.append({labels, r.isNull(i, 4) ? qQNaN() : r.real(i, 4)});
            }
            for (auto it = families.cbegin(); it != families.cend(); ++it) {
                e.family(it.key(), Type::Gauge, it->help);
                for (const auto &[labels, value] : it->samples)
                    e.sample(it.key(), labels, value);
            }
        } catch (const pg::DbError &err) {
            if (err.sqlstate() != QLatin1String("42883"))
                throw;
            qCDebug(lcForwarder) << m_options.node << "has no node_metrics() yet (an older schema)";
        }
    }
    const std::lock_guard<std::mutex> lock(m_metricsMutex);
    m_metricsText = e.text();
}

}   // namespace redbox
