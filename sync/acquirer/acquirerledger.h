// The simulated acquirer's ledger: authorizations (held, captured, released,
// refunded) and every request it answered, by idempotency key, in SQLite with
// full fsync. A key seen before gets the answer it got the first time; the
// same key with another request is refused. Cards are declined as a real
// issuer would for the simulator's test tokens: tok_declined... always,
// tok_limited... past 10.00 held.
#pragma once

#include "sqlite/sqlite.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace redbox::acquirer {

struct LedgerReply {
    int status = 200;   // HTTP status
    QJsonObject body;   // {"result": approved|declined|rejected|not_found, ...}
    bool replayed = false;
};

class AcquirerLedger {
public:
    explicit AcquirerLedger(const QString &path);
    // OP is authorize, increment, capture, void or refund; REQUEST its JSON body.
    LedgerReply apply(const QString &op, const QJsonObject &request);
    // The stored answer to KEY, if it was ever applied.
    std::optional<LedgerReply> lookup(const QString &key);
    QJsonArray authorizations();

    static bool validKey(const QString &key);

private:
    LedgerReply decide(const QString &op, const QJsonObject &request);
    LedgerReply applyAuthorize(const QJsonObject &request);
    LedgerReply applyToAuthorization(const QString &op, const QJsonObject &request);
    QString fingerprint(const QString &op, const QJsonObject &request) const;

    sqlite::Database m_db;
};

}   // namespace redbox::acquirer
