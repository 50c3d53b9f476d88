// redbox-payments: a coast's payments service. Sends the processor requests
// its charges need (authorize, increment, capture, void, refund) and records
// the answers. Started by `redbox-net up` (one per coast) or by its systemd unit.
#include "core/logging.h"
#include "core/servicenotifier.h"
#include "payments/acquirerclient.h"
#include "payments/paymentservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
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

int fail(const char *message)
{
    std::fprintf(stderr, "redbox-payments: %s\n", message);
    return 2;
}
}   // namespace

int main(int argc, char **argv)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{type}: %{message}"));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("redbox-payments"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A coast's payments service: its charges' requests to the card processor."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption nodeOpt(QStringLiteral("node"), QStringLiteral("Coast node name, e.g. west."), QStringLiteral("name"));
    const QCommandLineOption connOpt(QStringLiteral("conninfo"), QStringLiteral("libpq connection string (no password: use passfile=)."),
                                     QStringLiteral("conninfo"));
    const QCommandLineOption acqOpt(QStringLiteral("acquirer"), QStringLiteral("The acquirer API's base URL, https://host:port."),
                                    QStringLiteral("url"));
    const QCommandLineOption caOpt(QStringLiteral("ca"), QStringLiteral("CA certificate(s) that sign the acquirer's certificate."),
                                   QStringLiteral("file"));
    const QCommandLineOption keyOpt(QStringLiteral("api-key-file"), QStringLiteral("File holding the acquirer API key."),
                                    QStringLiteral("file"));
    const QCommandLineOption deadlineOpt(QStringLiteral("deadline-ms"), QStringLiteral("Deadline of one processor request."),
                                         QStringLiteral("ms"), QStringLiteral("5000"));
    const QCommandLineOption accrueOpt(QStringLiteral("accrue-every-s"), QStringLiteral("How often accrued nights are authorized."),
                                       QStringLiteral("s"), QStringLiteral("60"));
    parser.addOptions({nodeOpt, connOpt, acqOpt, caOpt, keyOpt, deadlineOpt, accrueOpt});
    parser.process(app);

    redbox::payments::ServiceOptions options;
    options.node = parser.value(nodeOpt);
    options.conninfo = parser.value(connOpt);
    static const QRegularExpression nodeRe(QStringLiteral("^[a-z][a-z0-9-]{0,30}$"));
    if (!nodeRe.match(options.node).hasMatch())
        return fail("--node must be a node name like west");
    if (options.conninfo.isEmpty() || options.conninfo.contains(QLatin1String("password")))
        return fail("--conninfo is required, with the password in a passfile");
    bool ok1 = false;
    bool ok2 = false;
    const int deadline = parser.value(deadlineOpt).toInt(&ok1);
    const int accrue = parser.value(accrueOpt).toInt(&ok2);
    if (!ok1 || deadline < 100 || deadline > 120'000 || !ok2 || accrue < 1 || accrue > 86'400)
        return fail("--deadline-ms must be 100-120000 and --accrue-every-s 1-86400");
    options.deadline = std::chrono::milliseconds(deadline);
    options.accrueEvery = std::chrono::seconds(accrue);

    redbox::payments::AcquirerEndpoint endpoint;
    endpoint.base = QUrl(parser.value(acqOpt));
    if (!endpoint.base.isValid() || endpoint.base.scheme() != QLatin1String("https") || endpoint.base.host().isEmpty())
        return fail("--acquirer must be an https:// URL");
    endpoint.caCerts = QSslCertificate::fromPath(parser.value(caOpt));
    if (endpoint.caCerts.isEmpty())
        return fail("--ca must name a readable PEM certificate");
    QFile keyFile(parser.value(keyOpt));
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail("--api-key-file cannot be read");
    endpoint.apiKey = keyFile.readAll().trimmed();
    if (endpoint.apiKey.size() < 16)
        return fail("the API key file holds no key (16 characters at least)");

    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    qCInfo(lcPayments) << "starting for" << options.node << "at" << redbox::pg::Connection::scrubbed(options.conninfo) << "with acquirer"
                       << endpoint.base.toString();
    redbox::ServiceNotifier service(redbox::ServiceNotifier::Pings::ByCaller);
    bool readySent = false;
    options.heartbeat = [&] {
        if (!readySent) {
            service.ready(QStringLiteral("payments for ") + options.node);
            readySent = true;
        }
        service.ping();
    };
    redbox::payments::AcquirerClient acquirer(endpoint);
    redbox::payments::PaymentService payments(options, acquirer);
    const int rc = payments.run(g_stop);
    service.stopping();
    return rc;
}
