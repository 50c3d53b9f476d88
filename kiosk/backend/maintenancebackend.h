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

    // The technician's card and PIN, checked by the red box (then the coast, then, offline, the
    // kiosk's own verifier); on Ok the technician carries the red box's session.
    virtual void techSignIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done) = 0;
    virtual void techSignOut(const TechnicianInfo &technician) = 0;
    // action: load (slot 0: the red box picks) | unload | damaged | cleared (a suspect disc checked).
    virtual void discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot,
                            const QString &reason, std::function<void(TechAnswer)> done) = 0;
    virtual void kioskDiscs(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) = 0;
    virtual void retryParked(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) = 0;
    virtual void maintenanceHealth(const TechnicianInfo &technician, std::function<void(MaintenanceHealth)> done) = 0;
    virtual void switchover(const TechnicianInfo &technician, bool back, std::function<void(TechAnswer)> done) = 0;
    virtual void exportDiagnostics(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) = 0;
    virtual void resyncCache() = 0;
    virtual void audit(const AuditEntry &entry) = 0;
};

}   // namespace redbox
