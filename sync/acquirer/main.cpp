// redbox-acquirer: the simulated card acquirer (its own process, its own
// ledger), for the tests, the simulator and `run-it`. Speaks the acquirer API
// over HTTPS; see acquirerserver.h for its faults and acquirerledger.h for
// the test cards it declines. Started by `redbox-net up`.
#include "acquirer/acquirerledger.h"
#include "acquirer/acquirerserver.h"
#include "core/logging.h"
#include "core/quitonsignal.h"
#include "sqlite/sqlite.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>

#include <cstdio>

namespace {
int fail(const QString &message)
{
    std::fprintf(stderr, "redbox-acquirer: %s\n", qPrintable(message));
    return 2;
}

QByteArray readKey(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().trimmed();
}
}   // namespace

int main(int argc, char **argv)
{
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{type}: %{message}"));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("redbox-acquirer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The simulated card acquirer: holds, captures and refunds in its own ledger."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hostOpt(QStringLiteral("host"), QStringLiteral("Address to listen on."), QStringLiteral("ip"),
                                     QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOpt(QStringLiteral("port"), QStringLiteral("TCP port."), QStringLiteral("port"));
    const QCommandLineOption certOpt(QStringLiteral("cert"), QStringLiteral("TLS certificate (PEM)."), QStringLiteral("file"));
    const QCommandLineOption keyOpt(QStringLiteral("key"), QStringLiteral("TLS private key (PEM)."), QStringLiteral("file"));
    const QCommandLineOption ledgerOpt(QStringLiteral("ledger"), QStringLiteral("SQLite file of the ledger."), QStringLiteral("file"));
    const QCommandLineOption apiOpt(QStringLiteral("api-key-file"), QStringLiteral("File with the merchants' API key."),
                                    QStringLiteral("file"));
    const QCommandLineOption adminOpt(QStringLiteral("admin-key-file"), QStringLiteral("File with the key that sets faults."),
                                      QStringLiteral("file"));
    parser.addOptions({hostOpt, portOpt, certOpt, keyOpt, ledgerOpt, apiOpt, adminOpt});
    parser.process(app);

    const QHostAddress host(parser.value(hostOpt));
    bool ok = false;
    const int port = parser.value(portOpt).toInt(&ok);
    if (host.isNull() || !ok || port < 1 || port > 65535)
        return fail(QStringLiteral("--host must be an IP address and --port 1-65535"));
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(parser.value(certOpt));
    QFile keyFile(parser.value(keyOpt));
    if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("--cert and --key must name a readable PEM certificate and key"));
    const QSslKey key(&keyFile, QSsl::Ec);
    if (key.isNull())
        return fail(QStringLiteral("--key is not an EC private key (PEM)"));
    const QByteArray apiKey = readKey(parser.value(apiOpt));
    const QByteArray adminKey = readKey(parser.value(adminOpt));
    if (apiKey.size() < 16 || adminKey.size() < 16 || apiKey == adminKey)
        return fail(QStringLiteral("--api-key-file and --admin-key-file must hold two different keys of 16 characters or more"));
    if (parser.value(ledgerOpt).isEmpty())
        return fail(QStringLiteral("--ledger is required"));

    try {
        redbox::acquirer::AcquirerLedger ledger(parser.value(ledgerOpt));
        redbox::acquirer::AcquirerServer server(ledger, apiKey, adminKey);
        server.sslSetup(certs.first(), key);
        // listen() (not bind()) so that the server's sockets speak TLS as sslSetup() says.
        if (server.listen(host, static_cast<quint16>(port)) == 0)
            return fail(QStringLiteral("cannot listen on %1:%2").arg(host.toString()).arg(port));
        redbox::quitOnTerminationSignals();
        qCInfo(lcPayments) << "acquirer listening on" << host.toString() << port;
        return QCoreApplication::exec();
    } catch (const redbox::sqlite::Error &e) {
        return fail(QStringLiteral("the ledger %1: %2").arg(parser.value(ledgerOpt), e.message()));
    }
}
