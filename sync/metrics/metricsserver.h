// The scrape endpoint: GET /metrics over HTTPS with a bearer token, served
// from a thread of its own, so a slow or hostile scraper never holds up the
// process it watches (the forwarder's loop blocks on libpq). The provider
// hands over text the process prepared beforehand; it must be thread-safe.
// Anything but GET /metrics answers 404 or 405, a missing or wrong token 401,
// a provider that throws 500.
#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>

namespace redbox::metrics {

using Provider = std::function<QByteArray()>;

class MetricsServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    MetricsServer(Provider provider, QByteArray token, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void reply(const QHttpServerRequest &request, QTcpSocket *socket, int status, const QByteArray &body);

    Provider m_provider;
    QByteArray m_token;
};

struct EndpointOptions {
    QHostAddress host;
    quint16 port = 0;   // 0: any free port (tests)
    QString certFile;   // PEM certificate and its EC or RSA key
    QString keyFile;
    QByteArray token;   // the scraper's bearer token (see readToken)
};

class MetricsEndpoint {
public:
    // Listening once it returns. Throws std::runtime_error saying what is wrong (certificate, key, token, port).
    static std::unique_ptr<MetricsEndpoint> start(const EndpointOptions &options, Provider provider);
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint &) = delete;
    MetricsEndpoint &operator=(const MetricsEndpoint &) = delete;
    quint16 port() const { return m_port; }

private:
    MetricsEndpoint() = default;
    QThread m_thread;
    MetricsServer *m_server = nullptr;
    quint16 m_port = 0;
};

// The token in PATH (surrounding white space dropped). Throws std::runtime_error when the
// file cannot be read or the token is shorter than 16 characters.
QByteArray readToken(const QString &path);

}   // namespace redbox::metrics
