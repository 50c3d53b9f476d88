// The attract loop: covers of this kiosk's titles; a touch starts a visit.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; AttractScreen { anchors.fill: parent } }

    TestCase {
        name: "AttractScreen"
        when: windowShown

        function test_touchStartsAVisit() {
            KioskController.cancel();
            const s = createTemporaryObject(screen, root);
            const reel = findChild(s, "attractReel");
            verify(reel);
            tryVerify(() => reel.count > 0, 10000, "the reel shows the catalog");
            mouseClick(findChild(s, "attractTouch"));
            compare(KioskController.screen, KioskController.Browse);
            KioskController.cancel();
        }
    }
}
