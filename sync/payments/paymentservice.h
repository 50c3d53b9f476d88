// The payments service's loop at a coast: claims the processor requests its
// charges need (redbox.payment_claim), sends each to the processor with its
// idempotency key, and reports what the processor said
// (redbox.payment_result). A request the service was holding when it died,
// or whose answer was lost, is looked up by its key before anything else:
// never sent blind a second time. Wakes on NOTIFY redbox_payments; queues the
// increments of accruing nights every accrueEvery.
#pragma once

#include "core/retry.h"
#include "payments/processor.h"
#include "pg/connection.h"

#include <atomic>
#include <chrono>
#include <functional>

namespace redbox::payments {

struct ServiceOptions {
    QString node;
    QString conninfo;
    int batch = 50;
    std::chrono::milliseconds deadline{5'000};   // per processor request
    std::chrono::milliseconds accrueEvery{60'000};
    std::chrono::milliseconds idleWake{2'000};   // a backed-off request is looked at this often
    RetryPolicy connectPolicy{std::chrono::milliseconds(200), std::chrono::milliseconds(5000), 2.0, 0.5, 0, {}};
    std::function<void()> heartbeat;
};

struct ServiceStats {
    qint64 sent = 0;
    qint64 lookedUp = 0;
    qint64 approved = 0;
    qint64 declined = 0;
    qint64 inDoubt = 0;
    qint64 unavailable = 0;
};

class PaymentService {
public:
    PaymentService(ServiceOptions options, PaymentProcessor &processor);
    int run(const std::atomic<bool> &stop);
    // One pass: claim up to `batch` requests and settle each. Returns how many were claimed.
    int runOnce();
    const ServiceStats &stats() const { return m_stats; }

private:
    bool connect(const std::atomic<bool> &stop);
    void settle(const pg::Result &claimed, int row);
    void report(const QString &key, Outcome outcome, const Answer &answer);

    ServiceOptions m_options;
    PaymentProcessor &m_processor;
    pg::Connection m_conn;
    Backoff m_connectBackoff;
    ServiceStats m_stats;
};

}   // namespace redbox::payments
