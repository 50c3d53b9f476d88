// Maintenance's Health page: a row per link with a coloured lamp and words.
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
        name: "MaintenanceHealth"
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

        function test_everyLinkInColourAndWords() {
            signIn();
            const s = createTemporaryObject(screen, root);
            const model = MaintenanceController.healthPage.rows;
            tryVerify(() => !MaintenanceController.busy && model.count >= 8, 30000);
            const list = findChild(s, "healthList");
            tryCompare(list, "count", model.count);
            const rows = [];
            for (let i = 0; i < model.count; ++i)
                rows.push(model.get(i));
            const primary = rows.find(r => r.name === "Red box primary");
            verify(primary);
            compare(primary.level, "ok");
            const standby = rows.find(r => r.name === "Red box standby");
            verify(standby.words.indexOf("Streaming, synchronous") === 0);
            verify(rows.find(r => r.name === "HQ"));
            mouseClick(findChild(s, "refreshHealth"));
            tryVerify(() => !MaintenanceController.busy, 30000);
            MaintenanceController.signOut();
        }
    }
}
