// Returns: inserting a disc that is not ours gives it back with a message.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens
import RedboxTest

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: insert; ReturnInsertScreen { anchors.fill: parent } }
    Component { id: result; ReturnResultScreen { anchors.fill: parent } }

    TestCase {
        name: "ReturnScreens"
        when: windowShown

        function test_foreignGarbageIsRefused() {
            KioskController.startReturn();
            createTemporaryObject(insert, root);
            Harness.insertDisc("NOTADISC");
            tryVerify(() => KioskController.message.indexOf("could not be read") >= 0, 5000);
            compare(KioskController.screen, KioskController.ReturnInsert);
            const r = createTemporaryObject(result, root);
            verify(findChild(r, "doneButton"));
            KioskController.cancel();
        }
    }
}
