#include "metrics/metricsserver.h"

#include "crypto/crypto.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpSocket>

#include <exception>
#include <stdexcept>

namespace redbox::metrics {

MetricsServer::MetricsServer(Provider provider, QByteArray token, QObject *parent)
    : QAbstractHttpServer(parent), m_provider(std::move(provider)), m_token(std::move(token))
{}

void MetricsServer::reply(const QHttpServerRequest &request, QTcpSocket *socket, int status, const QByteArray &body)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const auto code = static_cast<QHttpServerResponder::StatusCode>(status);
    if (status == 401)
        responder.write(body,
                        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain")},
                         {QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")}},
                        code);
    else
        responder.write(
            body, status == 200 ? QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8") : QByteArrayLiteral("text/plain"), code);
}

void MetricsServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    reply(request, socket, 404, QByteArrayLiteral("only /metrics is served here\n"));
}

bool MetricsServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (request.url().path() != QLatin1String("/metrics"))
        return false;   // missingHandler answers 404
    if (request.method() != QHttpServerRequest::Method::Get) {
        reply(request, socket, 405, QByteArrayLiteral("only GET\n"));
        return true;
    }
    const QByteArray header = request.value(QByteArrayLiteral("authorization"));
    if (!header.startsWith("Bearer ") || !crypto::sameSecret(header.mid(7).trimmed(), m_token)) {
        reply(request, socket, 401, QByteArrayLiteral("missing or wrong bearer token\n"));
        return true;
    }
    try {
        reply(request, socket, 200, m_provider());
    } catch (const std::exception &e) {
        reply(request, socket, 500, QByteArray("the figures could not be gathered: ") + e.what() + '\n');
    }
    return true;
}

std::unique_ptr<MetricsEndpoint> MetricsEndpoint::start(const EndpointOptions &options, Provider provider)
{
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(options.certFile);
    if (certs.isEmpty())
        throw std::runtime_error("no PEM certificate in " + options.certFile.toStdString());
    QFile keyFile(options.keyFile);
    if (!keyFile.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the key " + options.keyFile.toStdString());
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Ec);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Rsa);
    if (key.isNull())
        throw std::runtime_error(options.keyFile.toStdString() + " is not an EC or RSA private key (PEM)");
    if (options.token.size() < 16)
        throw std::runtime_error("the bearer token must have 16 characters or more");

    std::unique_ptr<MetricsEndpoint> ep(new MetricsEndpoint);
    ep->m_server = new MetricsServer(std::move(provider), options.token);
    ep->m_server->moveToThread(&ep->m_thread);
    ep->m_thread.setObjectName(QStringLiteral("metrics"));
    ep->m_thread.start();
    // listen() runs on the server's thread, so that its sockets live there too.
    quint16 port = 0;
    MetricsServer *server = ep->m_server;
    QMetaObject::invokeMethod(
        server,
        [&] {
            server->sslSetup(certs.first(), key);
            port = server->listen(options.host, options.port);
        },
        Qt::BlockingQueuedConnection);
    if (port == 0)
        throw std::runtime_error("cannot listen on " + options.host.toString().toStdString() + ':' + std::to_string(options.port));
    ep->m_port = port;
    return ep;
}

MetricsEndpoint::~MetricsEndpoint()
{
    if (m_server && m_thread.isRunning()) {
        MetricsServer *server = m_server;
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

QByteArray readToken(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the token file " + path.toStdString());
    QByteArray token = f.read(4096).trimmed();
    if (token.size() < 16)
        throw std::runtime_error("the token in " + path.toStdString() + " is shorter than 16 characters");
    return token;
}

}   // namespace redbox::metrics
