// One simulator run against a network the deploy tool brought up, in phases:
//   prepare   the roster's members dealt to the chosen kiosks, their files
//   boot      every full kiosk started (in-process on a few threads, a few
//             as their own processes) until each has synced its cache
//   run       customers arrive for the scenario's duration; faults are
//             injected and healed (FaultInjector, HostFaults, KioskProcesses)
//   drain     customers stop, everything heals, the kiosks' outboxes and
//             the network's hops drain; days pass for the discs still out,
//             and a share of them is kept (timemachine.h)
//   check     the invariants against every tier, and the report
//             (simreport.h: text on stdout, JSON to a file; every call is
//             in a JSON-lines history)
#pragma once

#include "network/networkstate.h"
#include "sim/faults.h"
#include "sim/history.h"
#include "sim/hostfaults.h"
#include "sim/invariants.h"
#include "sim/kioskprocesses.h"
#include "sim/scenario.h"
#include "sim/simkiosk.h"
#include "sim/simreport.h"
#include "sim/timemachine.h"
#include "sim/world.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>
#include <stdexcept>
#include <vector>

namespace redbox::sim {

struct SimOptions {
    QString stateDir;   // the network's state folder (redbox-net --state-dir)
    QString tool;   // deploy/redbox-net
    QString forwarder;   // redbox-forwarder, to restart a killed one
    QString workDir;   // kiosks' files, the roster, the history, the report
    QString reportPath;   // JSON report (default WORK/report.json)
    QString self;   // this program, to start kiosk processes
    int threads = 0;   // threads for in-process kiosks (0: one per core)
};

// Why a run could not be made (the network, the roster, the machine): exit code 2.
class SimError : public std::runtime_error {
public:
    explicit SimError(const QString &why) : std::runtime_error(why.toStdString()) {}
};

class SimRun : public QObject {
    Q_OBJECT
public:
    SimRun(SimOptions options, Scenario scenario, QObject *parent = nullptr);
    ~SimRun() override;

    void start();   // finished(exit code) when done: 0 clean, 1 invariant violations, 2 could not run

signals:
    void finished(int code);

private:
    // A thread of in-process kiosks.
    struct Shard {
        QThread thread;
        QObject *context = nullptr;
        QList<SimKiosk *> kiosks;
        // How late a 50 ms timer fires on this thread: the time any kiosk
        // event waits behind the others sharing the thread.
        QMutex lagLock;
        std::vector<double> lagMs;
    };
    // What the in-process kiosks say about themselves right now.
    struct Snapshot {
        int ready = 0, inVisit = 0, outbox = 0, journal = 0;
        KioskStats stats;
        QList<qint64> bootMs;
    };

    void fail(const QString &message);
    void prepare();
    void chooseKiosks(const QList<SimKioskRef> &all);
    void makeShards();
    void bootKiosks();
    void runCustomers();
    void progress();
    void endCustomers();
    void drain();
    void check(const KioskLeftovers &left, QStringList notes);
    void report(const InvariantReport &inv, const Delays &delays, const QStringList &notes);
    Snapshot snapshot(bool countStorage);
    void sampleHopBacklog();
    void background(std::function<void()> work, std::function<void()> then);

    SimOptions m_o;
    Scenario m_s;
    std::unique_ptr<NetworkState> m_net;
    std::unique_ptr<History> m_history;
    std::unique_ptr<World> m_world;
    std::unique_ptr<HostFaults> m_host;
    std::unique_ptr<KioskProcesses> m_processes;
    std::unique_ptr<FaultInjector> m_faults;
    std::unique_ptr<TimeMachine> m_time;
    QList<SimKioskRef> m_chosen;
    QList<SimKioskRef> m_inProcess;
    std::vector<std::unique_ptr<Shard>> m_shards;
    QTimer m_progress;
    QElapsedTimer m_clock;
    qint64 m_runStart = 0;   // epoch ms when customers started
    qint64 m_runEnd = 0;
    qint64 m_drainDeadline = 0;
    int m_readyCount = 0;
    qint64 m_bootStartedMs = 0;
    qint64 m_bootTotalMs = 0;
    int m_hopPeak = 0;
    int m_kioskOutboxPeak = 0;
    bool m_sampling = false;
    bool m_ending = false;
};

}   // namespace redbox::sim
