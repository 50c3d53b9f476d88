// The PIN keypad (five wrong PINs lock the card for 15 minutes), or, for a
// credit or debit card, the billing ZIP code's.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true; showCart: false }
        ColumnLayout {
            Layout.fillHeight: true
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: Math.min(parent.width - Theme.gap * 4, Theme.touch * 8)
            Layout.topMargin: Theme.gap * 2
            Layout.bottomMargin: Theme.gap * 2
            spacing: Theme.gap * 1.5
            Text {
                text: KioskController.walkUp ? qsTr("Enter your billing ZIP code") : qsTr("Enter your PIN")
                color: Theme.text
                font.pixelSize: Theme.fontHuge
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap * 2
                Layout.rightMargin: Theme.gap * 2
            }
            Text {
                visible: KioskController.walkUp
                text: qsTr("No sign-up and no PIN: the ZIP code of this card's billing address is checked with your bank when you pay.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
                Layout.leftMargin: Theme.gap * 2
                Layout.rightMargin: Theme.gap * 2
            }
            Text {
                text: qsTr("Card %1").arg(KioskController.memberCard)
                objectName: "pinCardText"
                color: Theme.textMuted
                font.pixelSize: Theme.fontBody
                Layout.alignment: Qt.AlignHCenter
            }
            Row {
                objectName: "pinDots"
                Layout.alignment: Qt.AlignHCenter
                spacing: Theme.gap
                Repeater {
                    model: KioskController.walkUp ? 5 : 4
                    Rectangle {
                        required property int index
                        width: Theme.touch * 0.45
                        height: width
                        radius: width / 2
                        color: index < KioskController.pinLength ? Theme.brand : "transparent"
                        border.color: Theme.brand
                        border.width: 4
                    }
                }
            }
            MessageBar { Layout.fillWidth: true }
            Keypad {
                Layout.alignment: Qt.AlignHCenter
                onDigit: (d) => KioskController.pinDigit(d)
                onBackspace: KioskController.pinBackspace()
                onEnter: KioskController.pinEnter()
            }
            Item { Layout.fillHeight: true }
            KButton { text: qsTr("Cancel"); onClicked: KioskController.cancel(); Layout.alignment: Qt.AlignHCenter }
        }
    }
}
