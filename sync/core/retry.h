// Retry policy as a value: how long and how often to try again, with
// jittered exponential backoff. One policy serves reconnects, forwarder
// backoff and SQLITE_BUSY.
#pragma once

#include <chrono>

namespace redbox {

struct RetryPolicy {
    std::chrono::milliseconds initialDelay{100};
    std::chrono::milliseconds maxDelay{10'000};
    double multiplier = 2.0;
    double jitter = 0.5;   // each delay is spread over [d*(1-jitter), d]
    int maxTries = 0;   // 0: no limit on tries
    std::chrono::milliseconds maxElapsed{0};   // 0: no limit on time

    // The delay before try number `attempt` (1 = the first retry).
    std::chrono::milliseconds delayFor(int attempt) const;
    bool allows(int attempt, std::chrono::milliseconds elapsed) const;
};

// Tracks one sequence of attempts against a policy.
class Backoff {
public:
    explicit Backoff(RetryPolicy policy = {}) : m_policy(policy) {}
    std::chrono::milliseconds next() { return m_policy.delayFor(++m_attempt); }
    void reset() { m_attempt = 0; }
    int attempts() const { return m_attempt; }
    const RetryPolicy &policy() const { return m_policy; }

private:
    RetryPolicy m_policy;
    int m_attempt = 0;
};

}   // namespace redbox
