// redbox-forwarder: carries one node's outbox hops to its neighbours.
// Started by `redbox-net up` (one per node) or by its systemd unit.
#include "core/logging.h"
#include "core/servicenotifier.h"
#include "forwarder/forwarder.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

#include <atomic>
#include <csignal>
#include <cstdio>

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
    parser.addOptions({nodeOpt, connOpt, batchOpt});
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
    const int rc = forwarder.run(g_stop);
    service.stopping();
    return rc;
}
