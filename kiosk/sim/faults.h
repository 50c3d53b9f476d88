// Faults injected into a running network, each one healed after its time:
//   kill_redbox_primary  kill -9 Patroni and the postmaster of a red box's primary (its host dies);
//                        the standby takes over; healed by `redbox-net rejoin` (back as standby)
//   stop_coast, stop_hq  both servers of the node stopped; healed by `redbox-net rejoin`
//   kill_forwarder       kill -9 a node's hop forwarder; healed by `redbox-net forwarder start`
//   kill_kiosk           kill -9 a kiosk process as it starts a rental; restarted from its files
//   cut_kiosk            nftables drops every packet a kiosk process sends; healed by removing the rule
//   fill_disk            fills the small tmpfs one kiosk keeps its files on; healed by deleting the filler
// Tool calls and waits run on their own threads; results come back to the
// injector's thread. Kiosk-process faults are carried out by the runner
// (it owns the processes) through the callbacks.
#pragma once

#include "network/networkstate.h"
#include "sim/scenario.h"

#include <QDateTime>
#include <QJsonArray>
#include <QObject>
#include <QString>

#include <functional>
#include <random>

namespace redbox::sim {

// Where a fault was injected (a kiosk), or why it could not be.
struct FaultTarget {
    QString target;
    QString refusal;
    bool ok() const { return refusal.isEmpty(); }
    static FaultTarget at(const QString &target) { return {target, {}}; }
    static FaultTarget refused(const QString &why) { return {{}, why}; }
};

struct FaultRecord {
    QString kind;
    QString target;   // node, kiosk or member
    qint64 injectedAt = 0;   // epoch ms
    qint64 healedAt = 0;
    qint64 newPrimaryAt = 0;   // kill_redbox_primary: when the standby answered as primary
    QString note;   // what happened, or why it could not be injected
    bool injected = false;
};

class FaultInjector : public QObject {
    Q_OBJECT
public:
    struct Hooks {
        std::function<FaultTarget()> killKiosk;   // the kiosk it will kill at its next rental
        std::function<FaultTarget(bool cut)> cutKiosk;   // cut (true) or heal (false)
        std::function<FaultTarget(bool fill)> fillDisk;   // fill (true) or heal (false)
    };
    FaultInjector(const NetworkState &net, const QString &forwarder, const Scenario &scenario, Hooks hooks, QObject *parent = nullptr);

    // Schedules the scenario's faults (and the random ones) from now until the run's end.
    void start(qint64 runEndEpochMs);
    // Heals what is still broken (the run's end); done() when every heal has finished.
    void healAll();
    bool busy() const { return m_running > 0; }
    QList<FaultRecord> records() const { return m_records; }
    QJsonArray toJson(qint64 runStartEpochMs) const;

signals:
    void happened(const QJsonObject &e);
    void allHealed();

private:
    void inject(const FaultSpec &spec);
    void heal(int index);
    void background(std::function<void()> work, std::function<void()> then);
    QString pickNode(const QString &tier);

    const NetworkState &m_net;
    QString m_forwarder;
    Scenario m_scenario;
    Hooks m_hooks;
    std::mt19937_64 m_rng;
    QList<FaultRecord> m_records;
    QList<bool> m_healed;
    int m_running = 0;
    bool m_healing = false;
};

}   // namespace redbox::sim
