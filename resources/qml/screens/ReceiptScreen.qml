// The receipt: what was rented, when it is due, what it cost; on screen.
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
            objectName: "receiptTitle"
            text: KioskController.dispensed > 0 ? qsTr("Enjoy your movie!") : qsTr("Nothing was rented")
            color: Theme.text
            font.pixelSize: Theme.fontHuge
            font.bold: true
        }
        Text {
            text: qsTr("Receipt · kiosk %1 · %2").arg(KioskController.kioskId).arg(KioskController.receiptTime)
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
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
                required property var due
                required property int price
                required property bool purchase
                width: ListView.view.width
                height: Theme.touch * 1.5
                radius: Theme.radius
                color: Theme.surface
                RowLayout {
                    anchors { fill: parent; margins: Theme.gap * 0.5 }
                    ColumnLayout {
                        Layout.fillWidth: true
                        Text { text: title; color: Theme.text; font.pixelSize: Theme.fontLarge; elide: Text.ElideRight; Layout.fillWidth: true }
                        Text {
                            text: itemState !== CartModel.Done ? message
                                  : purchase ? qsTr("Bought: yours to keep")
                                  : qsTr("Due %1").arg(KioskController.localTime(due))
                            color: itemState === CartModel.Done ? Theme.textMuted : Theme.bad
                            font.pixelSize: Theme.fontSmall
                            wrapMode: Text.WordWrap
                            Layout.fillWidth: true
                        }
                    }
                    Text {
                        text: itemState === CartModel.Done ? KioskController.money(price) : KioskController.money(0)
                        color: Theme.text
                        font.pixelSize: Theme.fontLarge
                    }
                }
            }
        }
        MessageBar { Layout.fillWidth: true }
        // A walk-up card has no address on file: the customer may type one (optional).
        TextField {
            id: emailField
            objectName: "receiptEmailField"
            visible: KioskController.walkUp && KioskController.dispensed > 0 && KioskController.receiptState === ""
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.touch
            font.pixelSize: Theme.fontBody
            maximumLength: 64
            placeholderText: qsTr("Your e-mail address, for a receipt (optional)")
            inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
            onTextEdited: KioskController.touch()
            color: Theme.text
            placeholderTextColor: Theme.textMuted
            background: Rectangle { radius: Theme.radius; color: Theme.surface; border.color: Theme.brand; border.width: 2 }
        }
        RowLayout {
            spacing: Theme.gap
            KButton {
                objectName: "emailReceiptButton"
                visible: KioskController.dispensed > 0
                enabled: KioskController.receiptState === ""
                text: KioskController.receiptState === "sent" ? qsTr("Receipt e-mailed")
                    : KioskController.receiptState === "queued" ? qsTr("E-mailing your receipt...")
                    : KioskController.receiptState === "" ? qsTr("E-mail my receipt") : qsTr("Receipt not e-mailed")
                Layout.fillWidth: true
                onClicked: KioskController.emailReceipt(KioskController.walkUp ? emailField.text : "")
            }
            KButton {
                objectName: "doneButton"
                text: qsTr("Done")
                primary: true
                Layout.fillWidth: true
                onClicked: KioskController.finish()
            }
        }
    }
}
