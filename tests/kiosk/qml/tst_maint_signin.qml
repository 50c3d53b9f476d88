// Maintenance sign-in: the card prompt, a member card refused, the technician's card, the PIN
// keypad (dots as digits go in), signing in, and signing out back to the attract loop.
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
        name: "MaintenanceSignIn"
        when: windowShown

        function test_signInByTaps() {
            KioskController.openHelp();
            MaintenanceController.requestEntry();
            compare(KioskController.screen, KioskController.Maintenance);
            const s = createTemporaryObject(screen, root);
            verify(findChild(s, "signInPrompt").text.indexOf("Swipe your technician card") >= 0);
            verify(!findChild(s, "maintenanceTabs").visible);
            Harness.swipe(Harness.memberCard(0));
            tryVerify(() => findChild(s, "maintenanceMessageText").text.indexOf("not a technician card") >= 0, 10000);
            Harness.swipe(Harness.technicianCard());
            tryCompare(MaintenanceController, "page", MaintenanceController.Pin, 30000);
            const pin = Harness.technicianPin();
            for (let i = 0; i < pin.length; ++i)
                mouseClick(findChild(s, "key" + pin[i]));
            compare(MaintenanceController.session.pinLength, pin.length);
            compare(findChild(s, "maintenancePinDots").children.length - 1, pin.length);   // the dots (and the Repeater)
            mouseClick(findChild(s, "keyEnter"));
            tryCompare(MaintenanceController, "page", MaintenanceController.Health, 30000);
            verify(findChild(s, "maintenanceTabs").visible);
            verify(findChild(s, "maintenanceTitle").text.indexOf("Maintenance:") === 0);
            mouseClick(findChild(s, "signOutButton"));
            compare(MaintenanceController.page, MaintenanceController.Closed);
            compare(KioskController.screen, KioskController.Attract);
        }
    }
}
