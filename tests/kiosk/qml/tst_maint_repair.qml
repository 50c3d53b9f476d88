// Maintenance's Repair page: retry parked hops, export a diagnostics bundle.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens
import RedboxTest

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; MaintenanceScreen { anchors.fill: parent } }

    TestCase {
        name: "MaintenanceRepair"
        when: windowShown

        function signIn() {
            KioskController.openHelp();
            MaintenanceController.requestEntry();
            Harness.swipe(Harness.technicianCard());
            tryCompare(MaintenanceController, "page", MaintenanceController.Pin, 30000);
            const pin = Harness.technicianPin();
            for (let i = 0; i < pin.length; ++i)
                MaintenanceController.session.pinDigit(Number(pin[i]));
            MaintenanceController.session.pinEnter();
            tryCompare(MaintenanceController, "page", MaintenanceController.Health, 30000);
        }

        function test_parkedHopsAndDiagnostics() {
            signIn();
            const s = createTemporaryObject(screen, root);
            tryVerify(() => !MaintenanceController.busy, 30000);
            mouseClick(findChild(s, "tabRepair"));
            compare(MaintenanceController.page, MaintenanceController.Repair);
            verify(!findChild(s, "resyncProgress").visible);
            mouseClick(findChild(s, "retryParkedButton"));
            tryVerify(() => findChild(s, "maintenanceMessageText").text.indexOf("parked") >= 0, 30000);
            verify(!MaintenanceController.messageIsError);
            verify(!findChild(s, "lastExport").visible);
            mouseClick(findChild(s, "exportButton"));
            tryVerify(() => findChild(s, "lastExport").visible, 30000);
            verify(MaintenanceController.repairPage.lastExport.indexOf("redbox-diagnostics-") > 0);
            MaintenanceController.signOut();
        }
    }
}
