// Maintenance's Hardware page: the dispenser self-test and the card reader test.
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
        name: "MaintenanceHardware"
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

        function test_selfTestAndCardReader() {
            signIn();
            const s = createTemporaryObject(screen, root);
            tryVerify(() => !MaintenanceController.busy, 30000);
            mouseClick(findChild(s, "tabHardware"));
            compare(MaintenanceController.page, MaintenanceController.Hardware);
            mouseClick(findChild(s, "selfTestButton"));
            tryVerify(() => findChild(s, "hardwareReport").text.indexOf("Self-test passed") === 0, 30000);
            compare(findChild(s, "clearJamButton").text, "Clear jam");
            mouseClick(findChild(s, "cardTestButton"));
            compare(MaintenanceController.mode, TechDesk.CardTest);
            const card = Harness.memberCard(0);
            Harness.swipe(card);
            tryVerify(() => findChild(s, "hardwareReport").text.indexOf("Card reader OK") === 0, 10000);
            verify(findChild(s, "hardwareReport").text.indexOf(card.slice(-4)) > 0);
            verify(findChild(s, "hardwareReport").text.indexOf(card) < 0);   // never the whole number
            MaintenanceController.signOut();
        }
    }
}
