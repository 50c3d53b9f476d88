// redbox-mailer: a coast's mail service. Hands the receipts queued at its
// coast to the SMTP relay (STARTTLS, the relay's certificate checked) and
// records what the relay said. Started by `redbox-net up` (one per coast) or
// by its systemd unit.
#include "core/logging.h"
#include "core/servicenotifier.h"
#include "mailer/mailservice.h"
#include "mailer/smtpsender.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QUrl>

#include <curl/curl.h>

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
    std::fprintf(stderr, "redbox-mailer: %s\n", message);
    return 2;
}
}   // namespace

int main(int argc, char **argv)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{type}: %{message}"));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("redbox-mailer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A coast's mail service: its queued receipts to the SMTP relay."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption nodeOpt(QStringLiteral("node"), QStringLiteral("Coast node name, e.g. west."), QStringLiteral("name"));
    const QCommandLineOption connOpt(QStringLiteral("conninfo"), QStringLiteral("libpq connection string (no password: use passfile=)."),
                                     QStringLiteral("conninfo"));
    const QCommandLineOption relayOpt(QStringLiteral("relay"), QStringLiteral("The SMTP relay, smtp://host:port (STARTTLS required)."),
                                      QStringLiteral("url"));
    const QCommandLineOption caOpt(QStringLiteral("ca"), QStringLiteral("CA certificate(s) that sign the relay's certificate."),
                                   QStringLiteral("file"));
    const QCommandLineOption fromOpt(QStringLiteral("from"), QStringLiteral("The sender address of every receipt."),
                                     QStringLiteral("address"));
    const QCommandLineOption deadlineOpt(QStringLiteral("deadline-ms"), QStringLiteral("Deadline of one message's exchange."),
                                         QStringLiteral("ms"), QStringLiteral("20000"));
    parser.addOptions({nodeOpt, connOpt, relayOpt, caOpt, fromOpt, deadlineOpt});
    parser.process(app);

    redbox::mail::ServiceOptions options;
    options.node = parser.value(nodeOpt);
    options.conninfo = parser.value(connOpt);
    options.from = parser.value(fromOpt);
    static const QRegularExpression nodeRe(QStringLiteral("^[a-z][a-z0-9-]{0,30}$"));
    if (!nodeRe.match(options.node).hasMatch())
        return fail("--node must be a node name like west");
    if (options.conninfo.isEmpty() || options.conninfo.contains(QLatin1String("password")))
        return fail("--conninfo is required, with the password in a passfile");
    if (!redbox::mail::addressOk(options.from))
        return fail("--from must be a plain e-mail address");
    const QUrl relay(parser.value(relayOpt));
    if (!relay.isValid() || relay.scheme() != QLatin1String("smtp") || relay.host().isEmpty() || relay.port() <= 0 ||
        !relay.path().isEmpty())
        return fail("--relay must be smtp://host:port");
    const QString ca = parser.value(caOpt);
    if (QSslCertificate::fromPath(ca).isEmpty())
        return fail("--ca must name a readable PEM certificate");
    bool ok = false;
    const int deadline = parser.value(deadlineOpt).toInt(&ok);
    if (!ok || deadline < 500 || deadline > 300'000)
        return fail("--deadline-ms must be 500-300000");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return fail("libcurl could not start");

    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    qCInfo(lcMail) << "starting for" << options.node << "at" << redbox::pg::Connection::scrubbed(options.conninfo) << "with relay"
                   << relay.toString();
    redbox::ServiceNotifier service(redbox::ServiceNotifier::Pings::ByCaller);
    bool readySent = false;
    options.heartbeat = [&] {
        if (!readySent) {
            service.ready(QStringLiteral("mail for ") + options.node);
            readySent = true;
        }
        service.ping();
    };
    const redbox::mail::SmtpSender sender(relay.toString(), QFileInfo(ca).absoluteFilePath(), std::chrono::milliseconds(deadline));
    redbox::mail::MailService mail(options, sender);
    const int rc = mail.run(g_stop);
    service.stopping();
    curl_global_cleanup();
    return rc;
}
