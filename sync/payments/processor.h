// The card processor behind one interface, as the hardware is. A request
// carries an idempotency key: the same key sent twice is applied once, and
// an answer that was lost is found again by looking the key up. The
// simulated acquirer (redbox-acquirer) and a real acquirer's adapter both sit
// behind it; the payments service only knows this interface.
#pragma once

#include <QString>

#include <chrono>
#include <optional>

namespace redbox::payments {

enum class Op { Authorize, Increment, Capture, Void, Refund };

struct Request {
    Op op = Op::Authorize;
    QString key;   // idempotency key, the same on every try
    QString authRef;   // the authorization (all but Authorize)
    QString cardToken;   // Authorize only: the card reader's token, never a card number
    qint64 amountCents = 0;
};

enum class Outcome {
    Approved,   // applied; amountCents says how much
    Declined,   // the card (issuer) said no
    Rejected,   // the processor refused the request as invalid
    Unavailable,   // known not to have been applied (refused before it arrived): try again later
    InDoubt,   // sent, answer lost: look the key up before anything else
    NotFound,   // a lookup: the processor never received this key
};

struct Answer {
    Outcome outcome = Outcome::Unavailable;
    QString authRef;
    qint64 amountCents = 0;
    QString message;
};

class PaymentProcessor {
public:
    virtual ~PaymentProcessor() = default;
    virtual Answer submit(const Request &request, std::chrono::milliseconds deadline) = 0;
    // What became of KEY: its answer (as submit would have given it), or NotFound.
    virtual Answer lookup(const QString &key, std::chrono::milliseconds deadline) = 0;
};

QString opName(Op op);
std::optional<Op> opFromName(const QString &name);
// The word payment_result() takes for an outcome.
QString outcomeName(Outcome outcome);

}   // namespace redbox::payments
