// The attract loop: covers of this kiosk's titles stepping by; a touch starts a visit.
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

        // The covers step by one at a time and rest between steps (no redraw while resting).
        function test_theReelStepsAndRests() {
            KioskController.cancel();
            const s = createTemporaryObject(screen, root);
            const reel = findChild(s, "attractReel");
            tryVerify(() => reel.count > 0, 10000, "the reel shows the catalog");
            compare(reel.contentX, 0);
            tryVerify(() => reel.contentX > 0, 8000, "a step moved the reel");
            wait(1000);   // the step's animation (0.7 s) is over
            const resting = reel.contentX;
            wait(1000);
            compare(reel.contentX, resting);
        }
    }
}
