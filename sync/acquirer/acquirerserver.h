// The simulated acquirer's HTTPS front: the acquirer API the payments
// service's adapter speaks, over TLS, with a bearer API key. Faults are set
// through /v1/faults with the admin key, as a test or an operator would
// trip them on a real acquirer's sandbox:
//   down     every request answered 503, nothing applied
//   timeout  requests applied, their answers never sent (the client is in doubt)
//   drop     requests neither applied nor answered
// for COUNT requests (0: until cleared), only those whose key starts with
// MATCH when one is given.
#pragma once

#include "acquirer/acquirerledger.h"

#include <QAbstractHttpServer>
#include <QByteArray>

namespace redbox::acquirer {

enum class FaultMode { None, Down, Timeout, Drop };

class AcquirerServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    AcquirerServer(AcquirerLedger &ledger, QByteArray apiKey, QByteArray adminKey, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    bool authorized(const QHttpServerRequest &request, const QByteArray &key) const;
    void reply(const QHttpServerRequest &request, QTcpSocket *socket, int status, const QJsonObject &body, bool replayed = false);
    void handleFaults(const QHttpServerRequest &request, QTcpSocket *socket);
    // True when a fault took the request (answered or held); counts it down.
    bool faulted(const QHttpServerRequest &request, QTcpSocket *socket, const QString &key, bool isOperation,
                 const std::function<void()> &applyAnyway);

    AcquirerLedger &m_ledger;
    QByteArray m_apiKey;
    QByteArray m_adminKey;
    FaultMode m_fault = FaultMode::None;
    int m_faultCount = 0;   // requests left to fault; 0 with a mode set: until cleared
    QString m_faultMatch;   // only keys starting with this (empty: every request)
};

}   // namespace redbox::acquirer
