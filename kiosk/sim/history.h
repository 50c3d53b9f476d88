// Every call every simulated kiosk made, by id: invoked, then ok, failed or
// unknown (the answer did not settle it), plus each disc that came out.
// Kept as JSON lines (one file per run) so a violation can be traced to the
// calls behind it, and summarised here for the invariants and the report.
// Thread-safe; child kiosk processes send their records as JSON lines.
#pragma once

#include "backend/enginebridge.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QUuid>

#include <memory>
#include <vector>

namespace redbox::sim {

QJsonObject recordToJson(const QString &kiosk, const QString &node, const EngineBridge::CallRecord &r);

struct RentalTrace {
    QString kiosk;
    QString node;
    qint64 memberId = 0;
    QString barcode;
    QString phase;   // last phase: invoked | ok | failed | unknown
    QString failure;
    bool offline = false;
    bool dispensed = false;   // the disc came out: the customer has it
    bool voided = false;   // the kiosk voided it (jam, crash recovery, in doubt)
    qint64 invokedMs = 0;   // epoch ms
    qint64 endedMs = 0;
    qint64 latencyMs = 0;
};

struct HistoryCounts {
    qint64 rentOk = 0, rentOffline = 0, rentFailed = 0, rentUnknown = 0, rentInFlight = 0;
    qint64 dispensed = 0, voids = 0;
    qint64 returnOk = 0, returnOffline = 0, returnFailed = 0;
    qint64 lookups = 0, escalations = 0, lookupFailed = 0;
    qint64 unknownAccepted = 0, stuckVisits = 0;
    QHash<QString, qint64> failures;   // by failure name, over rentals
};

class History {
public:
    explicit History(const QString &path);   // JSON lines appended here
    ~History();
    // The summaries of a run's history file (for checks after the run).
    static std::unique_ptr<History> replay(const QString &path, const QString &scratchPath);

    void add(const QString &kiosk, const QString &node, const EngineBridge::CallRecord &r);
    void addJson(QJsonObject o);   // a record from a child kiosk process
    void note(const QJsonObject &event);   // faults and other events, in the same file
    void flush();

    HistoryCounts counts() const;
    QHash<QUuid, RentalTrace> rentals() const;
    // Online rentals that committed (ok, not offline): latency samples, and each one's (node, ended) time.
    std::vector<double> rentLatencies(bool offline) const;
    std::vector<std::pair<QString, qint64>> onlineCommits() const;
    QString path() const { return m_file.fileName(); }

private:
    void apply(const QJsonObject &o);
    mutable QMutex m_mutex;
    QFile m_file;
    QByteArray m_buffer;
    QHash<QUuid, RentalTrace> m_rentals;
    HistoryCounts m_counts;
    std::vector<double> m_latOnline, m_latOffline;
    std::vector<std::pair<QString, qint64>> m_commits;
};

}   // namespace redbox::sim
