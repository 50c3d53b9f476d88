// The hop forwarder's loop: carries a node's outbox to its neighbours by
// calling redbox.forward_batch() (the stored function does the dblink hop),
// in order per destination, waking on LISTEN/NOTIFY, backing off per
// destination with jitter, reconnecting to whichever server of the pair is
// primary after a failover.
#pragma once

#include "core/retry.h"
#include "pg/connection.h"

#include <QHash>
#include <QString>

#include <QByteArray>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace redbox {

struct ForwarderOptions {
    QString node;
    QString conninfo;
    int batch = 200;
    RetryPolicy connectPolicy{std::chrono::milliseconds(200), std::chrono::milliseconds(5000), 2.0, 0.5, 0, {}};
    RetryPolicy destinationPolicy{std::chrono::milliseconds(250), std::chrono::milliseconds(10000), 2.0, 0.5, 0, {}};
    std::chrono::milliseconds rescanEvery{10'000};
    std::chrono::milliseconds probeEvery{5'000};   // idle links are checked this often
    std::chrono::milliseconds purgeEvery{60'000};   // also closes rentals past their last night
    std::function<void()> heartbeat;   // called every turn of the loop (at least every 0.5 s)
    // Figures for the metrics endpoint are gathered this often (0: never; the endpoint is off).
    std::chrono::milliseconds metricsEvery{0};
};

struct ForwarderStats {
    qint64 delivered = 0;
    qint64 parked = 0;
    qint64 batches = 0;
    qint64 failures = 0;
    qint64 reconnects = 0;
};

class Forwarder {
public:
    explicit Forwarder(ForwarderOptions options);
    // Runs until `stop` becomes true. Returns 0.
    int run(const std::atomic<bool> &stop);
    const ForwarderStats &stats() const { return m_stats; }
    // The figures gathered last, in Prometheus's text format (empty before the first). Any thread.
    QByteArray metricsText() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Destination {
        Clock::time_point due = Clock::time_point::max();
        Backoff backoff;
        QString lastError;
        std::optional<Clock::time_point> lastContact;   // never heard from: probe at once
        qint64 delivered = 0;
        qint64 parked = 0;
        qint64 failures = 0;
    };
    Destination &destination(const QString &name);
    bool connect(const std::atomic<bool> &stop);
    void rescan();
    bool deliver(const QString &dest, Destination &d);
    void probeIdle();
    void closeOverdueRentals();
    void publishMetrics();   // forwardermetrics.cpp
    void sleepInterruptibly(std::chrono::milliseconds ms, const std::atomic<bool> &stop);

    ForwarderOptions m_options;
    pg::Connection m_conn;
    QHash<QString, Destination> m_dests;
    ForwarderStats m_stats;
    Backoff m_connectBackoff;
    mutable std::mutex m_metricsMutex;
    QByteArray m_metricsText;
};

}   // namespace redbox
