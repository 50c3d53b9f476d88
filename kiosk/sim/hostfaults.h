// Faults the simulator makes on this machine itself, outside the network:
// cutting a kiosk process off (an nftables table that drops every packet its
// group id sends) and filling the small tmpfs one kiosk keeps its files on.
// Both need root; each says why when it cannot.
#pragma once

#include "sim/faults.h"

#include <QString>

namespace redbox::sim {

class HostFaults {
public:
    // Group ids kiosk processes run under, so a firewall rule can name one of them.
    static constexpr int kFirstKioskGid = 61000;
    static constexpr int kMaxKioskGids = 16;

    explicit HostFaults(QString workDir) : m_workDir(std::move(workDir)) {}
    ~HostFaults() { cleanup(); }

    // Drops (CUT) or lets through again everything GID's processes send.
    FaultTarget cutGroup(int gid, bool cut, const QString &kioskId);
    // A 48 MB tmpfs for one kiosk's files; its folder, or empty with why() telling.
    QString mountSmallDisk(const QString &kioskId);
    const QString &smallDiskKiosk() const { return m_diskKiosk; }
    const QString &smallDisk() const { return m_diskMount; }
    FaultTarget fillDisk(bool fill);
    // Undoes what an earlier (perhaps killed) run left: the mount, the firewall tables.
    void cleanup();

    // Runs PROGRAM with ARGS for at most 30 s: its exit code, -1 when it did not end normally.
    static int run(const QString &program, const QStringList &args);

private:
    QString m_workDir;
    QString m_diskMount;
    QString m_diskKiosk;
    QString m_diskNote;   // why fill_disk cannot run here (empty: it can)
};

}   // namespace redbox::sim
