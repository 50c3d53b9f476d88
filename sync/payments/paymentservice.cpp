#include "payments/paymentservice.h"

#include "core/logging.h"
#include "pg/error.h"
#include "pg/listening.h"

#include <chrono>

namespace redbox::payments {

using namespace std::chrono;

PaymentService::PaymentService(ServiceOptions options, PaymentProcessor &processor)
    : m_options(std::move(options)), m_processor(processor), m_connectBackoff(m_options.connectPolicy)
{}

bool PaymentService::connect(const std::atomic<bool> &stop)
{
    return pg::openListening(m_conn, m_options.conninfo, QStringLiteral("redbox_payments"), m_options.node, m_connectBackoff, stop,
                             m_options.heartbeat, lcPayments());
}

void PaymentService::report(const QString &key, Outcome outcome, const Answer &answer)
{
    m_conn.exec("SELECT redbox.payment_result($1, $2, $3, $4, $5)",
                {key, outcomeName(outcome), answer.authRef.isEmpty() ? pg::Param(nullptr) : pg::Param(answer.authRef),
                 outcome == Outcome::Approved ? pg::Param(answer.amountCents) : pg::Param(nullptr),
                 answer.message.isEmpty() ? pg::Param(nullptr) : pg::Param(answer.message)},
                true);
}

void PaymentService::settle(const pg::Result &claimed, int row)
{
    const QString key = claimed.text(row, "request_key");
    const std::optional<Op> op = opFromName(claimed.text(row, "op"));
    if (!op) {
        report(key, Outcome::Rejected, Answer{Outcome::Rejected, {}, 0, QStringLiteral("unknown operation")});
        return;
    }
    if (claimed.boolean(row, "lookup_first")) {
        // It may have reached the processor: ask before anything is sent again.
        ++m_stats.lookedUp;
        const Answer found = m_processor.lookup(key, m_options.deadline);
        if (found.outcome == Outcome::NotFound) {
            report(key, Outcome::NotFound, found);   // queued again; sent with the same key next pass
            return;
        }
        if (found.outcome == Outcome::Unavailable || found.outcome == Outcome::InDoubt) {
            ++m_stats.inDoubt;
            report(key, Outcome::InDoubt, found);   // still not known: stays in doubt
            return;
        }
        qCInfo(lcPayments) << "in-doubt request" << key << "resolved by lookup:" << outcomeName(found.outcome);
        report(key, found.outcome, found);
        return;
    }
    Request req;
    req.op = *op;
    req.key = key;
    req.amountCents = claimed.int32(row, "amount_cents");
    req.authRef = claimed.text(row, "auth_ref");
    req.cardToken = claimed.text(row, "card_token");
    if (req.op != Op::Authorize && req.authRef.isEmpty()) {
        report(key, Outcome::Rejected, Answer{Outcome::Rejected, {}, 0, QStringLiteral("no authorization to act on")});
        return;
    }
    ++m_stats.sent;
    const Answer answer = m_processor.submit(req, m_options.deadline);
    switch (answer.outcome) {
        case Outcome::Approved: ++m_stats.approved; break;
        case Outcome::Declined: ++m_stats.declined; break;
        case Outcome::InDoubt:
            ++m_stats.inDoubt;
            qCWarning(lcPayments) << "request" << key << "is in doubt:" << answer.message;
            break;
        case Outcome::Unavailable: ++m_stats.unavailable; break;
        case Outcome::Rejected: qCWarning(lcPayments) << "the processor rejected" << key << ":" << answer.message; break;
        case Outcome::NotFound: break;
    }
    report(key, answer.outcome == Outcome::NotFound ? Outcome::InDoubt : answer.outcome, answer);
}

int PaymentService::runOnce()
{
    const pg::Result claimed = m_conn.exec(
        "SELECT request_key, op, amount_cents, auth_ref, card_token, lookup_first FROM redbox.payment_claim($1)", {m_options.batch}, true);
    for (int i = 0; i < claimed.rows(); ++i) {
        settle(claimed, i);
        if (m_options.heartbeat)
            m_options.heartbeat();
    }
    return claimed.rows();
}

int PaymentService::run(const std::atomic<bool> &stop)
{
    auto lastAccrue = steady_clock::time_point{};
    qint64 reported = 0;
    auto lastReport = steady_clock::now();
    while (!stop.load()) {
        if (m_options.heartbeat)
            m_options.heartbeat();
        if (!m_conn.isOpen() && !connect(stop))
            continue;
        try {
            if (steady_clock::now() - lastAccrue >= m_options.accrueEvery) {
                const int n = m_conn.exec("SELECT redbox.payment_accrue()", {}, true).int32(0, 0);
                if (n > 0)
                    qCInfo(lcPayments) << n << "authorization(s) to increase for accrued nights";
                lastAccrue = steady_clock::now();
            }
            if (runOnce() >= m_options.batch)
                continue;   // more waiting
            if (steady_clock::now() - lastReport >= seconds(60) && m_stats.sent != reported) {
                qCInfo(lcPayments) << m_options.node << "sent" << m_stats.sent << "requests:" << m_stats.approved << "approved,"
                                   << m_stats.declined << "declined," << m_stats.inDoubt << "in doubt," << m_stats.unavailable
                                   << "processor unavailable";
                reported = m_stats.sent;
                lastReport = steady_clock::now();
            }
            m_conn.waitForNotifications(static_cast<int>(m_options.idleWake.count()));
        } catch (const pg::DbError &e) {
            qCWarning(lcPayments) << "lost" << m_options.node << "(" << e.message().left(200) << "); reconnecting";
            m_conn.close();
        }
    }
    qCInfo(lcPayments) << "payments service for" << m_options.node << "stopping; sent" << m_stats.sent << "requests";
    return 0;
}

}   // namespace redbox::payments
