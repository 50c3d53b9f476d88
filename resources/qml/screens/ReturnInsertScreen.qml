// Returning a disc: insert it; the reader reads its barcode. Discs from any
// kiosk, of any coast, are welcome; an unreadable or foreign one comes back out.
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
                text: qsTr("Insert your disc")
                color: Theme.text
                font.pixelSize: Theme.fontHuge
                font.bold: true
                Layout.alignment: Qt.AlignHCenter
            }
            Rectangle {
                Layout.alignment: Qt.AlignHCenter
                width: Theme.touch * 3
                height: width
                radius: width / 2
                color: Theme.surface
                border.color: Theme.brand
                border.width: 6
                Rectangle { anchors.centerIn: parent; width: parent.width * 0.2; height: width; radius: width / 2; color: Theme.background; border.color: Theme.brand; border.width: 3 }
                SequentialAnimation on rotation {
                    loops: Animation.Infinite
                    RotationAnimation { from: 0; to: 360; duration: 2000 }
                    PauseAnimation { duration: 3000 }
                }
            }
            Text {
                text: qsTr("Into the return slot below the screen, label up.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontBody
                Layout.alignment: Qt.AlignHCenter
            }
            MessageBar { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            KButton { text: qsTr("Done"); Layout.alignment: Qt.AlignHCenter; onClicked: KioskController.finish() }
        }
    }
}
