// One simulator run against a network the deploy tool brought up: deals the
// roster's members to the chosen kiosks, boots every full kiosk (in-process
// on a few threads, a few as their own processes), lets customers arrive for
// the scenario's duration while faults are injected and healed, then stops
// the customers, heals everything, drains the kiosks' outboxes and the
// network's hops, checks the invariants against every tier and reports
// (text on stdout, JSON to a file, every call in a JSON-lines history).
#pragma once

#include "network/networkstate.h"
#include "sim/faults.h"
#include "sim/history.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/simkiosk.h"
#include "sim/world.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QProcess>
#include <QThread>
#include <QTimer>

#include <memory>
#include <vector>

namespace redbox::sim {

struct SimOptions {
    QString stateDir;      // the network's state folder (redbox-net --state-dir)
    QString tool;          // deploy/redbox-net
    QString forwarder;     // redbox-forwarder, to restart a killed one
    QString workDir;       // kiosks' files, the roster, the history, the report
    QString reportPath;    // JSON report (default WORK/report.json)
    QString self;          // this program, to start kiosk processes
    int threads = 0;       // threads for in-process kiosks (0: one per core)
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
    struct Shard {
        QThread thread;
        QObject *context = nullptr;
        QList<SimKiosk *> kiosks;
        // How late a 50 ms timer fires on this thread: the time any kiosk
        // event waits behind the others sharing the thread.
        QMutex lagLock;
        std::vector<double> lagMs;
    };
    struct Child {
        SimKioskRef ref;
        QString role;            // "kill", "cut" or ""
        int gid = 0;
        QString storage;
        QJsonArray home, travelers;
        QJsonArray holdings;
        QProcess *proc = nullptr;
        QByteArray buffer;
        bool armed = false;      // kill -9 at its next rental
        qint64 killedAt = 0;
        int restarts = 0;
        bool finished = false;
        QJsonObject done;        // its last report
    };
    struct Snapshot {
        int ready = 0, inVisit = 0, outbox = 0, journal = 0, maxOutbox = 0;
        KioskStats stats;
        QList<qint64> bootMs;
    };

    void fail(const QString &message);
    void prepare();
    void bootKiosks();
    void runCustomers();
    void progress();
    void endCustomers();
    void drain();
    void afterDrain();
    void finish(const InvariantReport &inv, const Delays &delays, const QStringList &notes);
    Snapshot snapshot(bool storage);
    void startChild(Child &c);
    void onChildOutput(Child &c);
    QString killKiosk();
    QString cutKiosk(bool cut);
    QString fillDisk(bool fill);
    void cleanupHost();
    void background(std::function<void()> work, std::function<void()> then);

    SimOptions m_o;
    Scenario m_s;
    std::unique_ptr<NetworkState> m_net;
    std::unique_ptr<History> m_history;
    std::unique_ptr<World> m_world;
    std::unique_ptr<FaultInjector> m_faults;
    QList<SimKioskRef> m_inProcess;
    std::vector<std::unique_ptr<Shard>> m_shards;
    std::vector<std::unique_ptr<Child>> m_children;
    QString m_diskKiosk;          // the kiosk whose files live on the small tmpfs
    QString m_diskMount;
    QString m_diskNote;           // why fill_disk cannot run here (empty: it can)
    QTimer m_progress;
    QElapsedTimer m_clock;
    qint64 m_runStart = 0;        // epoch ms when customers started
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

// A kiosk in its own process (redbox-sim --kiosk-process SPEC): prints its calls as JSON lines.
int runKioskProcess(const QString &specPath);

} // namespace redbox::sim
