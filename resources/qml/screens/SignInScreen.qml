// Sign in: swipe the membership card (or any credit or debit card: a
// walk-up customer, who types the billing ZIP instead of a PIN). An unknown card is checked with the
// coast and HQ ("Checking your card..."); a truly unknown one is told so.
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
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap * 2
            spacing: Theme.gap * 2
            Item { Layout.fillHeight: true }
            Text {
                text: qsTr("Swipe your Redbox membership card or a credit or debit card")
                color: Theme.text
                font.pixelSize: Theme.fontHuge
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
            }
            Rectangle {
                Layout.alignment: Qt.AlignHCenter
                width: Theme.touch * 4
                height: Theme.touch * 2.4
                radius: Theme.radius * 1.5
                color: Theme.brand
                Rectangle { width: parent.width; height: parent.height * 0.18; y: parent.height * 0.2; color: "#1a1a1a" }
                Text {
                    anchors { bottom: parent.bottom; right: parent.right; margins: Theme.gap }
                    text: "REDBOX"
                    color: Theme.brandText
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                }
                // A swipe shown now and then, not in a loop that redraws every frame.
                SequentialAnimation on x {
                    loops: Animation.Infinite
                    NumberAnimation { from: -Theme.gap * 2; to: Theme.gap * 2; duration: 1200; easing.type: Easing.InOutQuad }
                    NumberAnimation { from: Theme.gap * 2; to: -Theme.gap * 2; duration: 1200; easing.type: Easing.InOutQuad }
                    PauseAnimation { duration: 4000 }
                }
            }
            Text {
                text: qsTr("The card reader is to the right of the screen.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontBody
                Layout.alignment: Qt.AlignHCenter
            }
            MessageBar { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            KButton { text: qsTr("Cancel"); onClicked: KioskController.cancel(); Layout.alignment: Qt.AlignHCenter }
        }
    }
}
