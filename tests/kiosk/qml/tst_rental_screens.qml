// Paying, dispensing and receipt screens render the cart's state.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: paying; PayingScreen { anchors.fill: parent } }
    Component { id: dispensing; DispensingScreen { anchors.fill: parent } }
    Component { id: receipt; ReceiptScreen { anchors.fill: parent } }

    TestCase {
        name: "RentalScreens"
        when: windowShown

        function test_screensShowTheVisit() {
            verify(createTemporaryObject(paying, root));
            const d = createTemporaryObject(dispensing, root);
            verify(findChild(d, "dispenseProgress"));
            const r = createTemporaryObject(receipt, root);
            verify(findChild(r, "receiptTitle").text.length > 0);
            mouseClick(findChild(r, "doneButton"));
            compare(KioskController.screen, KioskController.Attract);
        }
    }
}
