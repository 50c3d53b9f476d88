// What a field technician's screens ask of the network, as one interface
// beside KioskBackend: EngineBridge implements both over the engine's
// MaintenanceService, tests may hand in a fake. Asynchronous, answering in
// the caller's thread.
#pragma once

#include "maintenance/techtypes.h"

#include <functional>

namespace redbox {

class MaintenanceBackend {
public:
    virtual ~MaintenanceBackend() = default;

    virtual void techLogin(const QString &cardHash, std::function<void(TechLogin)> done) = 0;
    virtual void checkTechPin(const TechnicianInfo &technician, const QString &pin, std::function<void(bool)> done) = 0;
    virtual void beginTechSession() = 0;
    virtual void endTechSession() = 0;
    // action: load (slot 0: the red box picks) | unload | damaged.
    virtual void discAction(qint64 technicianId, const QString &action, const QString &barcode, int slot, const QString &reason,
                            std::function<void(TechAnswer)> done) = 0;
    virtual void kioskDiscs(std::function<void(TechAnswer)> done) = 0;
    virtual void retryParked(qint64 technicianId, std::function<void(TechAnswer)> done) = 0;
    virtual void maintenanceHealth(std::function<void(MaintenanceHealth)> done) = 0;
    virtual void switchover(qint64 technicianId, bool back, std::function<void(TechAnswer)> done) = 0;
    virtual void exportDiagnostics(qint64 technicianId, std::function<void(TechAnswer)> done) = 0;
    virtual void resyncCache() = 0;
    virtual void audit(const AuditEntry &entry) = 0;
};

}   // namespace redbox
