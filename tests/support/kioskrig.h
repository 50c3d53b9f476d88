// One whole kiosk for a test, minus its screen: a real engine on the test
// network with its files in a temporary folder, the bridge, the simulated
// hardware (its carousel filled as the cache says), the customers' and the
// technicians' controllers. Tests drive it as the screens and the hardware
// would.
#pragma once

#include "testnetwork.h"

#include "backend/enginebridge.h"
#include "controllers/kioskcontroller.h"
#include "hardware/simulatedhardware.h"
#include "maintenance/maintenancecontroller.h"

#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

namespace redbox::test {

class KioskRig {
public:
    // Kiosk number K of red box NODE; waits for its first cache sync and its catalog unless told not to.
    KioskRig(const QString &node, int k, int offlineAfterMs = 3000, bool waitSync = true);
    ~KioskRig();

    // Everything but the files thrown away and made again (a kiosk restarted).
    void restart(bool waitSync);
    // The carousel as the cache says now.
    void fillCarouselFromCache();

    bool waitScreen(KioskController::Screen s, int ms = 30000);
    // The first title with a disc available (SKIP more of them first).
    int availableTitle(int skip = 0);
    QString kioskId() const { return cfg.kioskId; }

    QTemporaryDir dir;
    KioskConfig cfg;
    std::unique_ptr<KioskEngine> engine;
    std::unique_ptr<EngineBridge> bridge;
    SimulatedHardware hw;
    std::unique_ptr<KioskController> ctl;
    std::unique_ptr<MaintenanceController> m;

private:
    void start(bool waitSync);
};

// A card's magnetic track as a reader sends it.
QByteArray track(const QString &card);
// The INDEXth test member of COAST (redbox-net roster's "try it" members).
QJsonObject tryMember(const QString &coast, int index);
QJsonObject tryTechnician(int index);
// Swipes the member's card and types the PIN, on the sign-in screen.
void memberSignIn(KioskRig &k, const QJsonObject &member);

}   // namespace redbox::test
