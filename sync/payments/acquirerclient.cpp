#include "payments/acquirerclient.h"

#include "core/logging.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QTimer>

namespace redbox::payments {

QString opName(Op op)
{
    switch (op) {
        case Op::Authorize: return QStringLiteral("authorize");
        case Op::Increment: return QStringLiteral("increment");
        case Op::Capture: return QStringLiteral("capture");
        case Op::Void: return QStringLiteral("void");
        case Op::Refund: return QStringLiteral("refund");
    }
    return {};
}

std::optional<Op> opFromName(const QString &name)
{
    for (Op op : {Op::Authorize, Op::Increment, Op::Capture, Op::Void, Op::Refund})
        if (opName(op) == name)
            return op;
    return std::nullopt;
}

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
        case Outcome::Approved: return QStringLiteral("approved");
        case Outcome::Declined: return QStringLiteral("declined");
        case Outcome::Rejected: return QStringLiteral("rejected");
        case Outcome::Unavailable: return QStringLiteral("unavailable");
        case Outcome::InDoubt: return QStringLiteral("in_doubt");
        case Outcome::NotFound: return QStringLiteral("not_found");
    }
    return {};
}

AcquirerClient::AcquirerClient(AcquirerEndpoint endpoint)
    : m_endpoint(std::move(endpoint)), m_nam(std::make_unique<QNetworkAccessManager>())
{}

AcquirerClient::~AcquirerClient() = default;

QNetworkRequest AcquirerClient::makeRequest(const QString &path) const
{
    QUrl url = m_endpoint.base;
    url.setPath(path);
    QNetworkRequest req(url);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(m_endpoint.caCerts);
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    req.setSslConfiguration(tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey);
    return req;
}

AcquirerClient::Reply AcquirerClient::call(const QByteArray &verb, const QString &path, const QByteArray &body,
                                           std::chrono::milliseconds deadline)
{
    QNetworkReply *reply = m_nam->sendCustomRequest(makeRequest(path), verb, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    Reply out;
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        out.timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(static_cast<int>(deadline.count()));
    if (!reply->isFinished())
        loop.exec();
    timer.stop();
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.networkError = reply->error();
    out.errorText = reply->errorString();
    out.body = reply->readAll().left(qsizetype{16} * 1024 * 1024);
    reply->deleteLater();
    return out;
}

Answer AcquirerClient::parseAnswer(int httpStatus, const QByteArray &body)
{
    static const QRegularExpression ref(QStringLiteral("^[A-Za-z0-9_-]{4,64}$"));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    const QJsonObject o = doc.object();
    const QString result = o.value(QLatin1String("result")).toString();
    Answer a;
    a.message = o.value(QLatin1String("message")).toString().left(300);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        a.outcome = Outcome::InDoubt;
        a.message = QStringLiteral("the acquirer's answer (HTTP %1) is not JSON").arg(httpStatus);
        return a;
    }
    if (httpStatus == 200 && result == QLatin1String("approved")) {
        const QJsonValue amount = o.value(QLatin1String("amount_cents"));
        a.authRef = o.value(QLatin1String("auth_id")).toString();
        if (!amount.isDouble() || amount.toInteger(-1) < 0 || !ref.match(a.authRef).hasMatch()) {
            a.outcome = Outcome::InDoubt;
            a.message = QStringLiteral("the acquirer approved without a valid amount or authorization id");
            return a;
        }
        a.amountCents = amount.toInteger();
        a.outcome = Outcome::Approved;
        return a;
    }
    if (httpStatus == 200 && result == QLatin1String("declined")) {
        a.outcome = Outcome::Declined;
        return a;
    }
    if (httpStatus == 404 && result == QLatin1String("not_found")) {
        a.outcome = Outcome::NotFound;
        return a;
    }
    if (httpStatus == 503) {
        a.outcome = Outcome::Unavailable;
        return a;
    }
    if (httpStatus == 400 || httpStatus == 404 || httpStatus == 409 || httpStatus == 422) {
        a.outcome = Outcome::Rejected;
        if (a.message.isEmpty())
            a.message = QStringLiteral("refused with HTTP %1").arg(httpStatus);
        return a;
    }
    a.outcome = Outcome::InDoubt;
    a.message = QStringLiteral("unexpected answer: HTTP %1 %2").arg(httpStatus).arg(result.left(40));
    return a;
}

Answer AcquirerClient::classify(const Reply &reply, bool forLookup) const
{
    Answer a;
    if (reply.status == 0) {
        // No HTTP answer. Refused connections and failed handshakes never carried the request.
        const auto e = static_cast<QNetworkReply::NetworkError>(reply.networkError);
        const bool neverSent = e == QNetworkReply::ConnectionRefusedError || e == QNetworkReply::HostNotFoundError ||
                               e == QNetworkReply::SslHandshakeFailedError;
        a.outcome = neverSent || forLookup ? Outcome::Unavailable : Outcome::InDoubt;
        a.message = reply.timedOut ? QStringLiteral("no answer before the deadline") : reply.errorText.left(200);
        return a;
    }
    if (reply.status == 401 || reply.status == 403) {
        // Our API key is wrong: nothing was applied; an operator must fix the configuration.
        qCCritical(lcPayments) << "the acquirer refused our API key (HTTP" << reply.status << ")";
        a.outcome = Outcome::Unavailable;
        a.message = QStringLiteral("the acquirer refused the API key");
        return a;
    }
    a = parseAnswer(reply.status, reply.body);
    if (forLookup && a.outcome == Outcome::InDoubt)
        a.outcome = Outcome::Unavailable;   // the lookup failed: ask again later
    return a;
}

Answer AcquirerClient::submit(const Request &request, std::chrono::milliseconds deadline)
{
    QJsonObject body{{QStringLiteral("key"), request.key}, {QStringLiteral("amount_cents"), request.amountCents}};
    if (request.op == Op::Authorize)
        body.insert(QStringLiteral("card_token"), request.cardToken);
    else
        body.insert(QStringLiteral("auth_id"), request.authRef);
    const Reply reply = call(QByteArrayLiteral("POST"), QStringLiteral("/v1/") + opName(request.op),
                             QJsonDocument(body).toJson(QJsonDocument::Compact), deadline);
    return classify(reply, false);
}

Answer AcquirerClient::lookup(const QString &key, std::chrono::milliseconds deadline)
{
    const Reply reply = call(QByteArrayLiteral("GET"), QStringLiteral("/v1/requests/") + key, {}, deadline);
    return classify(reply, true);
}

std::optional<QJsonArray> AcquirerClient::ledger(std::chrono::milliseconds deadline)
{
    const Reply reply = call(QByteArrayLiteral("GET"), QStringLiteral("/v1/ledger"), {}, deadline);
    const QJsonDocument doc = QJsonDocument::fromJson(reply.body);
    if (reply.status != 200 || !doc.object().value(QLatin1String("authorizations")).isArray())
        return std::nullopt;
    return doc.object().value(QLatin1String("authorizations")).toArray();
}

}   // namespace redbox::payments
