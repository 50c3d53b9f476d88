// The kiosks that run as their own processes (redbox-sim --kiosk-process):
// the one the scenario kills -9 as it starts a rental (restarted from its own
// files, as a kiosk's watchdog would) and the ones it cuts off the network
// (each under its own group id, so a firewall rule can drop its packets).
// Their calls arrive as JSON lines and go into the run's history.
#pragma once

#include "sim/faults.h"
#include "sim/history.h"
#include "sim/hostfaults.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/world.h"

#include <QJsonArray>
#include <QObject>
#include <QProcess>

#include <functional>
#include <memory>
#include <vector>

namespace redbox::sim {

class KioskProcesses : public QObject {
    Q_OBJECT
public:
    KioskProcesses(const Scenario &scenario, History &history, HostFaults &host, QString workDir, QString self, QObject *parent = nullptr);
    ~KioskProcesses() override;

    // The kiosks that will run as processes, with their members (they carry them in their spec).
    void add(const SimKioskRef &ref, const World &world, bool killable);
    bool isEmpty() const { return m_children.empty(); }
    // Starts every process; customers until RUNEND, draining until DRAINDEADLINE.
    void startAll(qint64 runEnd, qint64 drainDeadline);

    FaultTarget armKill();   // kill -9 the killable kiosk at its next rental
    FaultTarget cut(bool cut);   // cut the first cuttable kiosk off (or heal it)

    bool allFinished() const;
    int restarts() const;
    int maxOutbox() const;
    // What the processes left undrained, and a note for each that did not finish.
    void leftovers(KioskLeftovers &left, QStringList &notes) const;

private:
    struct Child;
    void start(Child &c);
    void onOutput(Child &c);
    void kill(Child &c, const QJsonObject &why);

    const Scenario &m_s;
    History &m_history;
    HostFaults &m_host;
    QString m_workDir;
    QString m_self;
    qint64 m_runEnd = 0;
    qint64 m_drainDeadline = 0;
    std::vector<std::unique_ptr<Child>> m_children;
};

// A kiosk in its own process (redbox-sim --kiosk-process SPEC): prints its calls as JSON lines.
int runKioskProcess(const QString &specPath);

}   // namespace redbox::sim
