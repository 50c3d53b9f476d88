// Waiting for the payment card to be authorized.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    ColumnLayout {
        anchors.centerIn: parent
        width: parent.width * 0.85
        spacing: Theme.gap * 2
        Text {
            text: qsTr("Swipe or tap your payment card")
            color: Theme.text
            font.pixelSize: Theme.fontHuge
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Text {
            text: qsTr("%1 will be authorized for one night.").arg(KioskController.money(KioskController.summary.total))
            color: Theme.textMuted
            font.pixelSize: Theme.fontLarge
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
