// redbox-forwarder: carries one node's outbox hops to its neighbours.
// Started by `redbox-net up` (one per node) or by its systemd unit.
#include "core/logging.h"
#include "core/servicenotifier.h"
#include "forwarder/forwarder.h"
#include "metrics/metricsserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace {
std::atomic<bool> g_stop{false};
void onSignal(int)
{
    g_stop.store(true);
}
}   // namespace

int main(int argc, char **argv)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{type}: %{message}"));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("redbox-forwarder"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Carries a node's outbox hops to its neighbours (paper section 7)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption nodeOpt(QStringLiteral("node"), QStringLiteral("Node name, e.g. west-rb2."), QStringLiteral("name"));
    const QCommandLineOption connOpt(QStringLiteral("conninfo"),
                                     QStringLiteral("libpq connection string of the node's pair (no password: use passfile=)."),
                                     QStringLiteral("conninfo"));
    const QCommandLineOption batchOpt(QStringLiteral("batch"), QStringLiteral("Hops per dblink call (1-5000)."), QStringLiteral("n"),
                                      QStringLiteral("200"));
    const QCommandLineOption metricsOpt(QStringLiteral("metrics-listen"),
                                        QStringLiteral("Serve /metrics over HTTPS on this address (ip:port; off unless given)."),
                                        QStringLiteral("ip:port"));
    const QCommandLineOption certOpt(QStringLiteral("tls-cert"), QStringLiteral("The metrics endpoint's certificate (PEM)."),
                                     QStringLiteral("file"));
    const QCommandLineOption keyOpt(QStringLiteral("tls-key"), QStringLiteral("The metrics endpoint's private key (PEM)."),
                                    QStringLiteral("file"));
    const QCommandLineOption tokenOpt(QStringLiteral("metrics-token-file"),
                                      QStringLiteral("File with the bearer token a scraper must send (16 characters or more)."),
                                      QStringLiteral("file"));
    parser.addOptions({nodeOpt, connOpt, batchOpt, metricsOpt, certOpt, keyOpt, tokenOpt});
    parser.process(app);

    redbox::ForwarderOptions options;
    options.node = parser.value(nodeOpt);
    options.conninfo = parser.value(connOpt);
    bool ok = false;
    options.batch = parser.value(batchOpt).toInt(&ok);
    static const QRegularExpression nodeRe(QStringLiteral("^[a-z][a-z0-9-]{0,30}$"));
    if (!nodeRe.match(options.node).hasMatch()) {
        std::fprintf(stderr, "redbox-forwarder: --node must be a node name like west-rb2\n");
        return 2;
    }
    if (options.conninfo.isEmpty()) {
        std::fprintf(stderr, "redbox-forwarder: --conninfo is required\n");
        return 2;
    }
    if (options.conninfo.contains(QLatin1String("password"))) {
        std::fprintf(stderr, "redbox-forwarder: put the password in a passfile, not in --conninfo\n");
        return 2;
    }
    if (!ok || options.batch < 1 || options.batch > 5000) {
        std::fprintf(stderr, "redbox-forwarder: --batch must be 1-5000\n");
        return 2;
    }
    redbox::metrics::EndpointOptions metrics;
    if (parser.isSet(metricsOpt)) {
        static const QRegularExpression listenRe(QStringLiteral("^([0-9.]+|\\[[0-9a-fA-F:]+\\]):([0-9]{1,5})$"));
        const QRegularExpressionMatch m = listenRe.match(parser.value(metricsOpt));
        metrics.host = QHostAddress(m.captured(1).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
        const int port = m.captured(2).toInt();
        if (!m.hasMatch() || metrics.host.isNull() || port < 1 || port > 65535) {
            std::fprintf(stderr, "redbox-forwarder: --metrics-listen must be ip:port, e.g. 127.0.0.1:9481\n");
            return 2;
        }
        metrics.port = static_cast<quint16>(port);
        if (!parser.isSet(certOpt) || !parser.isSet(keyOpt) || !parser.isSet(tokenOpt)) {
            std::fprintf(stderr, "redbox-forwarder: --metrics-listen needs --tls-cert, --tls-key and --metrics-token-file\n");
            return 2;
        }
        metrics.certFile = parser.value(certOpt);
        metrics.keyFile = parser.value(keyOpt);
        try {
            metrics.token = redbox::metrics::readToken(parser.value(tokenOpt));
        } catch (const std::runtime_error &e) {
            std::fprintf(stderr, "redbox-forwarder: %s\n", e.what());
            return 2;
        }
        options.metricsEvery = std::chrono::milliseconds(5000);
    }
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    qCInfo(lcForwarder) << "starting for" << options.node << "at" << redbox::pg::Connection::scrubbed(options.conninfo);
    // Under systemd (Type=notify, WatchdogSec=): ready once running, and a ping every turn of the loop,
    // so a forwarder stuck anywhere is restarted.
    redbox::ServiceNotifier service(redbox::ServiceNotifier::Pings::ByCaller);
    bool readySent = false;
    options.heartbeat = [&] {
        if (!readySent) {
            service.ready(QStringLiteral("forwarding for ") + options.node);
            readySent = true;
        }
        service.ping();
    };
    redbox::Forwarder forwarder(options);
    std::unique_ptr<redbox::metrics::MetricsEndpoint> endpoint;
    if (options.metricsEvery.count() > 0) {
        try {
            endpoint = redbox::metrics::MetricsEndpoint::start(metrics, [&forwarder] { return forwarder.metricsText(); });
        } catch (const std::runtime_error &e) {
            std::fprintf(stderr, "redbox-forwarder: the metrics endpoint: %s\n", e.what());
            return 2;
        }
        qCInfo(lcForwarder).noquote()
            << QStringLiteral("metrics on https://%1:%2/metrics").arg(metrics.host.toString()).arg(endpoint->port());
    }
    const int rc = forwarder.run(g_stop);
    service.stopping();
    return rc;
}
