// Each disc is rented (the red box or, offline, the kiosk's durable outbox
// has it) and then dispensed, with progress. A disc that jams is not charged.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    ColumnLayout {
        anchors { fill: parent; margins: Theme.gap * 2 }
        spacing: Theme.gap
        Text {
            text: qsTr("Your discs are coming out")
            color: Theme.text
            font.pixelSize: Theme.fontHuge
            font.bold: true
        }
        ProgressBar {
            objectName: "dispenseProgress"
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.gap
            from: 0
            to: Math.max(1, KioskController.cart.count)
            value: KioskController.dispensed
        }
        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap * 0.5
            model: KioskController.cart
            delegate: Rectangle {
                required property string title
                required property int itemState
                required property string message
                width: ListView.view.width
                height: Theme.touch * 1.5
                radius: Theme.radius
                color: Theme.surface
                RowLayout {
                    anchors { fill: parent; margins: Theme.gap * 0.5 }
                    spacing: Theme.gap
                    Text {
                        text: itemState === CartModel.Done ? "✓" : itemState === CartModel.Failed ? "✗" : "…"
                        color: itemState === CartModel.Done ? Theme.good : itemState === CartModel.Failed ? Theme.bad : Theme.textMuted
                        font.pixelSize: Theme.fontTitle
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        Text { text: title; color: Theme.text; font.pixelSize: Theme.fontLarge; elide: Text.ElideRight; Layout.fillWidth: true }
                        Text {
                            text: message !== "" ? message
                                 : itemState === CartModel.Renting ? qsTr("Recording your rental...")
                                 : itemState === CartModel.Dispensing ? qsTr("Dispensing...") : qsTr("Waiting")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                            wrapMode: Text.WordWrap
                            Layout.fillWidth: true
                        }
                    }
                }
            }
        }
    }
}
