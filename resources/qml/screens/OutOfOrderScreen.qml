// Out of order: what the kiosk cannot do right now, and what it still can
// (returns while the dispenser is down, and the reverse). The help button
// stays, so a technician can reach maintenance mode.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.brand
    ColumnLayout {
        anchors { fill: parent; margins: Theme.gap * 2 }
        spacing: Theme.gap * 1.5
        Item { Layout.fillHeight: true }
        Text {
            objectName: "outOfOrderTitle"
            text: qsTr("Sorry, this kiosk is out of order")
            color: Theme.brandText
            font.pixelSize: Theme.fontHuge
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Text {
            objectName: "outOfOrderText"
            text: KioskController.returnsOpen
                  ? qsTr("Rentals are not available right now. You can still return a disc here.")
                  : KioskController.rentalsOpen
                    ? qsTr("Returns are not taken right now. Please return your disc at another kiosk.")
                    : qsTr("Rentals and returns are not available right now. Please use another kiosk.")
            color: Theme.brandText
            font.pixelSize: Theme.fontLarge
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Item { Layout.fillHeight: true }
        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.gap
            KButton {
                objectName: "outOfOrderReturn"
                visible: KioskController.returnsOpen
                text: qsTr("Return a disc")
                onClicked: KioskController.startReturn()
            }
            KButton {
                objectName: "outOfOrderRent"
                visible: KioskController.rentalsOpen
                text: qsTr("Rent a disc")
                onClicked: KioskController.start()
            }
            KButton { objectName: "outOfOrderHelp"; text: qsTr("Help"); onClicked: KioskController.openHelp() }
        }
    }
}
