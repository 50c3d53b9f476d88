#include "acquirer/acquirerserver.h"

#include "core/logging.h"
#include "crypto/crypto.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace redbox::acquirer {

namespace {
constexpr qsizetype kMaxBody = qsizetype{16} * 1024;
constexpr int kHoldMs = 30'000;   // a held (unanswered) connection is closed after this

QJsonObject error(const QString &message)
{
    return QJsonObject{{QStringLiteral("result"), QStringLiteral("rejected")}, {QStringLiteral("message"), message}};
}
}   // namespace

AcquirerServer::AcquirerServer(AcquirerLedger &ledger, QByteArray apiKey, QByteArray adminKey, QObject *parent)
    : QAbstractHttpServer(parent), m_ledger(ledger), m_apiKey(std::move(apiKey)), m_adminKey(std::move(adminKey))
{}

bool AcquirerServer::authorized(const QHttpServerRequest &request, const QByteArray &key) const
{
    const QByteArray header = request.value(QByteArrayLiteral("authorization"));
    return header.startsWith("Bearer ") && crypto::sameSecret(header.mid(7).trimmed(), key);
}

void AcquirerServer::reply(const QHttpServerRequest &request, QTcpSocket *socket, int status, const QJsonObject &body, bool replayed)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const auto code = static_cast<QHttpServerResponder::StatusCode>(status);
    if (replayed)
        responder.write(QJsonDocument(body), {{QByteArrayLiteral("Idempotent-Replayed"), QByteArrayLiteral("true")}}, code);
    else
        responder.write(QJsonDocument(body), code);
}

void AcquirerServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    reply(request, socket, 404, error(QStringLiteral("no such endpoint")));
}

bool AcquirerServer::faulted(const QHttpServerRequest &request, QTcpSocket *socket, const QString &key, bool isOperation,
                             const std::function<void()> &applyAnyway)
{
    if (m_fault == FaultMode::None || (!isOperation && m_fault != FaultMode::Down))
        return false;
    if (!m_faultMatch.isEmpty() && !key.startsWith(m_faultMatch))
        return false;
    const FaultMode mode = m_fault;
    if (m_faultCount > 0 && --m_faultCount == 0)
        m_fault = FaultMode::None;
    if (mode == FaultMode::Down) {
        reply(request, socket, 503, QJsonObject{{QStringLiteral("result"), QStringLiteral("unavailable")}});
        return true;
    }
    if (mode == FaultMode::Timeout)
        applyAnyway();
    QPointer<QTcpSocket> held(socket);
    QTimer::singleShot(kHoldMs, this, [held] {
        if (held)
            held->abort();
    });
    return true;
}

void AcquirerServer::handleFaults(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!authorized(request, m_adminKey)) {
        reply(request, socket, 401, error(QStringLiteral("faults need the admin key")));
        return;
    }
    const QJsonObject o = QJsonDocument::fromJson(request.body()).object();
    const QString mode = o.value(QLatin1String("mode")).toString();
    const int count = o.value(QLatin1String("count")).toInt(0);
    const QString match = o.value(QLatin1String("match")).toString();
    static const QHash<QString, FaultMode> modes{{QStringLiteral("none"), FaultMode::None},
                                                 {QStringLiteral("down"), FaultMode::Down},
                                                 {QStringLiteral("timeout"), FaultMode::Timeout},
                                                 {QStringLiteral("drop"), FaultMode::Drop}};
    if (!modes.contains(mode) || count < 0 || count > 100'000 || match.size() > 100) {
        reply(request, socket, 400, error(QStringLiteral("mode must be none, down, timeout or drop; count 0-100000; match a key prefix")));
        return;
    }
    m_fault = modes.value(mode);
    m_faultCount = count;
    m_faultMatch = match;
    qCInfo(lcPayments) << "fault set:" << mode << "for" << (count ? QString::number(count) : QStringLiteral("every")) << "request(s)"
                       << (match.isEmpty() ? QString() : QStringLiteral("with keys starting ") + match);
    reply(request, socket, 200,
          QJsonObject{{QStringLiteral("mode"), mode}, {QStringLiteral("count"), count}, {QStringLiteral("match"), match}});
}

bool AcquirerServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const bool post = request.method() == QHttpServerRequest::Method::Post;
    const bool get = request.method() == QHttpServerRequest::Method::Get;
    if (request.body().size() > kMaxBody) {
        reply(request, socket, 413, error(QStringLiteral("request body over 16 KiB")));
        return true;
    }
    if (get && path == QLatin1String("/v1/health")) {
        reply(request, socket, 200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
        return true;
    }
    if (post && path == QLatin1String("/v1/faults")) {
        handleFaults(request, socket);
        return true;
    }
    if (!authorized(request, m_apiKey)) {
        reply(request, socket, 401, error(QStringLiteral("missing or wrong API key")));
        return true;
    }
    static const QStringList ops{QStringLiteral("authorize"), QStringLiteral("increment"), QStringLiteral("capture"),
                                 QStringLiteral("void"), QStringLiteral("refund")};
    if (post && path.startsWith(QLatin1String("/v1/")) && ops.contains(path.mid(4))) {
        const QString op = path.mid(4);
        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
            reply(request, socket, 400, error(QStringLiteral("the body must be a JSON object")));
            return true;
        }
        const QJsonObject body = doc.object();
        if (faulted(request, socket, body.value(QLatin1String("key")).toString(), true, [&] { m_ledger.apply(op, body); }))
            return true;
        const LedgerReply r = m_ledger.apply(op, body);
        reply(request, socket, r.status, r.body, r.replayed);
        return true;
    }
    const QString key = path.startsWith(QLatin1String("/v1/requests/")) ? path.mid(13) : QString();
    if (faulted(request, socket, key, false, [] {}))
        return true;
    if (get && path.startsWith(QLatin1String("/v1/requests/"))) {
        if (!AcquirerLedger::validKey(key)) {
            reply(request, socket, 400, error(QStringLiteral("not a request key")));
            return true;
        }
        const std::optional<LedgerReply> r = m_ledger.lookup(key);
        if (!r)
            reply(request, socket, 404, QJsonObject{{QStringLiteral("result"), QStringLiteral("not_found")}});
        else
            reply(request, socket, r->status, r->body, true);
        return true;
    }
    if (get && path == QLatin1String("/v1/ledger")) {
        reply(request, socket, 200, QJsonObject{{QStringLiteral("authorizations"), m_ledger.authorizations()}});
        return true;
    }
    return false;   // missingHandler answers 404
}

}   // namespace redbox::acquirer
