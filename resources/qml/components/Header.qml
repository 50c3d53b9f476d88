// The bar on top of every screen: back, the brand, the cart, language, day/night and help.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    id: header
    property bool showCart: true
    property bool showBack: true
    implicitHeight: Theme.touch + Theme.gap
    color: Theme.brand
    RowLayout {
        anchors { fill: parent; leftMargin: Theme.gap; rightMargin: Theme.gap }
        spacing: Theme.gap * 0.5
        KButton {
            visible: header.showBack
            text: qsTr("Back")
            objectName: "backButton"
            Layout.preferredWidth: Theme.touch * 1.8
            onClicked: KioskController.back()
        }
        Text {
            text: "REDBOX"
            color: Theme.brandText
            font.pixelSize: Theme.fontTitle
            font.bold: true
            font.letterSpacing: 3
            elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.minimumWidth: 0
        }
        KButton {
            visible: header.showCart && KioskController.cart.count > 0
            text: qsTr("Cart (%1)").arg(KioskController.cart.count)
            objectName: "cartButton"
            Layout.preferredWidth: Theme.touch * 2.2
            onClicked: KioskController.openCart()
        }
        KButton {
            text: KioskController.language === "en" ? "ES" : "EN"
            objectName: "languageButton"
            Accessible.name: KioskController.language === "en" ? "Español" : "English"
            Layout.preferredWidth: Theme.touch * 1.1
            onClicked: KioskController.setLanguage(KioskController.language === "en" ? "es" : "en")
        }
        KButton {
            text: KioskController.theme === "day" ? "☾" : "☀"
            objectName: "themeButton"
            Accessible.name: KioskController.theme === "day" ? qsTr("Night") : qsTr("Day")
            Layout.preferredWidth: Theme.touch * 1.1
            onClicked: KioskController.setTheme(KioskController.theme === "day" ? "night" : "day")
        }
        KButton {
            text: "?"
            objectName: "helpButton"
            Accessible.name: qsTr("Help")
            font.bold: true
            Layout.preferredWidth: Theme.touch * 1.1
            onClicked: KioskController.openHelp()
        }
    }
}
