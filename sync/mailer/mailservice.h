// The mail service's loop at a coast: claims the receipts queued there
// (redbox.mail_claim), hands each to the SMTP relay, and reports what the
// relay said (redbox.mail_result): sent, tried again later with backoff, or
// given up for an operator. Wakes on NOTIFY redbox_mail, and every idleWake
// for receipts whose retry is due.
#pragma once

#include "core/retry.h"
#include "mailer/smtpsender.h"
#include "pg/connection.h"

#include <atomic>
#include <chrono>
#include <functional>

namespace redbox::mail {

struct ServiceOptions {
    QString node;
    QString conninfo;
    QString from;
    int batch = 20;
    std::chrono::milliseconds idleWake{5'000};
    RetryPolicy connectPolicy{std::chrono::milliseconds(200), std::chrono::milliseconds(5000), 2.0, 0.5, 0, {}};
    std::function<void()> heartbeat;
};

struct ServiceStats {
    qint64 sent = 0;
    qint64 retried = 0;
    qint64 failed = 0;
};

class MailService {
public:
    MailService(ServiceOptions options, const SmtpSender &sender);
    int run(const std::atomic<bool> &stop);
    // One pass: claim up to `batch` receipts and send each. Returns how many were claimed.
    int runOnce();
    const ServiceStats &stats() const { return m_stats; }

private:
    bool connect(const std::atomic<bool> &stop);

    ServiceOptions m_options;
    const SmtpSender &m_sender;
    pg::Connection m_conn;
    Backoff m_connectBackoff;
    ServiceStats m_stats;
};

}   // namespace redbox::mail
