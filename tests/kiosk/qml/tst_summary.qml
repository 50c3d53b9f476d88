// The summary shows the total the card will be authorized for.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; SummaryScreen { anchors.fill: parent } }

    TestCase {
        name: "SummaryScreen"
        when: windowShown

        function test_totalsAndPayButton() {
            const s = createTemporaryObject(screen, root);
            compare(findChild(s, "totalText").text, KioskController.money(KioskController.summary.total));
            verify(findChild(s, "payButton").height >= Theme.touch);
        }
    }
}
