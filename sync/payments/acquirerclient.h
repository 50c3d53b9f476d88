// The payments service's adapter to an acquirer that speaks the acquirer API
// (docs/ARCHITECTURE.md, "Payments"): JSON over HTTPS, one POST per request
// with its idempotency key, GET /v1/requests/KEY to look one up, a bearer API
// key. The simulated acquirer speaks it; a real acquirer's adapter replaces
// this class. Calls block the calling thread (the service's own) until an
// answer or the deadline.
#pragma once

#include "payments/processor.h"

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QSslCertificate>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkRequest;

namespace redbox::payments {

struct AcquirerEndpoint {
    QUrl base;   // https://host:port
    QList<QSslCertificate> caCerts;   // who may sign the acquirer's certificate
    QByteArray apiKey;
};

class AcquirerClient final : public PaymentProcessor {
public:
    explicit AcquirerClient(AcquirerEndpoint endpoint);
    ~AcquirerClient() override;
    Answer submit(const Request &request, std::chrono::milliseconds deadline) override;
    Answer lookup(const QString &key, std::chrono::milliseconds deadline) override;

    // The acquirer's ledger (GET /v1/ledger), one object per authorization with its key,
    // status and held, captured, released and refunded cents; nullopt when it cannot be read.
    std::optional<QJsonArray> ledger(std::chrono::milliseconds deadline);

    // An answer body as the acquirer API writes it (exposed for the fuzz and unit tests).
    static Answer parseAnswer(int httpStatus, const QByteArray &body);

private:
    struct Reply {
        int status = 0;   // HTTP status; 0 when none arrived
        int networkError = 0;   // QNetworkReply::NetworkError
        bool timedOut = false;
        QByteArray body;
        QString errorText;
    };
    QNetworkRequest makeRequest(const QString &path) const;
    Reply call(const QByteArray &verb, const QString &path, const QByteArray &body, std::chrono::milliseconds deadline);
    Answer classify(const Reply &reply, bool forLookup) const;

    AcquirerEndpoint m_endpoint;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

}   // namespace redbox::payments
