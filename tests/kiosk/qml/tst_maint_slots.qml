// Maintenance's Slots page: the slot map, picking a disc by tapping its slot, and a bad
// barcode refused with a clear message (nothing changes at the red box).
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
        name: "MaintenanceSlots"
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

        function test_slotMapAndABadBarcode() {
            signIn();
            const s = createTemporaryObject(screen, root);
            mouseClick(findChild(s, "tabSlots"));
            compare(MaintenanceController.page, MaintenanceController.Slots);
            const map = MaintenanceController.slotsPage.map;
            tryVerify(() => !MaintenanceController.busy && map.count > 0, 30000);
            const grid = findChild(s, "slotGrid");
            tryCompare(grid, "count", map.count);
            verify(findChild(s, "slotSummary").text.indexOf(map.count + " slots, " + map.filled + " filled") === 0);
            // Tapping a filled slot puts its disc's barcode in the field.
            let first = null;
            for (let i = 0; i < map.count && !first; ++i)
                if (map.get(i).barcode !== "")
                    first = map.get(i);
            mouseClick(findChild(grid, "slot" + first.slot));
            compare(findChild(s, "barcodeField").text, first.barcode);
            // A barcode that is not one: refused, said why.
            findChild(s, "barcodeField").text = "D12";
            mouseClick(findChild(s, "unloadButton"));
            tryVerify(() => findChild(s, "maintenanceMessageText").text.indexOf("not a valid disc barcode") >= 0, 10000);
            verify(MaintenanceController.messageIsError);
            mouseClick(findChild(s, "loadButton"));
            compare(MaintenanceController.mode, TechDesk.Load);
            mouseClick(findChild(s, "loadButton"));
            compare(MaintenanceController.mode, TechDesk.None);
            MaintenanceController.signOut();
        }
    }
}
