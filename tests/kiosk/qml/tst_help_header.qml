// Help, and the header's language and theme switches on every screen.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: help; HelpScreen { anchors.fill: parent } }

    TestCase {
        name: "HelpAndHeader"
        when: windowShown

        function test_languageAndTheme() {
            KioskController.start();
            const h = createTemporaryObject(help, root);
            verify(findChild(h, "maintenanceCorner"));
            mouseClick(findChild(h, "languageButton"));
            compare(KioskController.language, "es");
            mouseClick(findChild(h, "languageButton"));
            compare(KioskController.language, "en");
            mouseClick(findChild(h, "themeButton"));
            compare(KioskController.theme, "night");
            compare(Theme.background, "#121214");
            mouseClick(findChild(h, "themeButton"));
            compare(KioskController.theme, "day");
            KioskController.cancel();
        }
    }
}
