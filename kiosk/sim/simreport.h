// What a simulator run reports: the JSON report (WORK/report.json) and the
// text on stdout, from the facts the run gathered. Nothing here measures.
#pragma once

#include "sim/history.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/simkiosk.h"
#include "sim/timemachine.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace redbox::sim {

struct RunFacts {
    Scenario scenario;
    qint64 inProcess = 0;
    qint64 threads = 0;
    int processRestarts = 0;
    qint64 bootAllMs = 0;
    std::vector<double> firstSyncMs;
    KioskStats stats;
    HistoryCounts history;
    QJsonArray faults;   // the injector's records, with each kill's time to the next rental
    std::vector<double> failoverS;   // from each red box primary kill to the node's next committed rental
    std::vector<double> rentOnlineMs, rentOfflineMs;
    std::vector<double> loopLagMs;
    Delays delays;
    int kioskOutboxPeak = 0;
    int hopPeak = 0;
    DaysPassed days;
    InvariantReport invariants;
    QStringList notes;
    QString historyPath;
    double runS = 0;
};

// p50 / p95 / p99 / max of SAMPLES, with their number.
QJsonObject spread(const std::vector<double> &v);

// For each injected red box primary kill in FAULTS: the time to that node's next committed
// online rental asked for after the kill (added to the fault as next_committed_rental_after_s).
std::vector<double> failoverTimes(QJsonArray &faults, const QHash<QUuid, RentalTrace> &rentals, qint64 runStartMs);

QJsonObject reportJson(const RunFacts &f);
QString reportText(const RunFacts &f, const QJsonObject &report, const QString &reportPath);

}   // namespace redbox::sim
