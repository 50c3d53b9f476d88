// "Checking..." while the kiosk waits on the network or the hardware.
import QtQuick
import QtQuick.Controls
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    anchors.fill: parent
    visible: KioskController.busy
    color: "#b0000000"
    z: 100
    MouseArea { anchors.fill: parent }   // nothing underneath takes taps meanwhile
    Column {
        anchors.centerIn: parent
        spacing: Theme.gap
        BusyIndicator {
            anchors.horizontalCenter: parent.horizontalCenter
            running: parent.parent.visible
            width: Theme.touch * 1.5
            height: width
        }
        Text {
            objectName: "busyText"
            anchors.horizontalCenter: parent.horizontalCenter
            text: KioskController.busyText
            color: "white"
            font.pixelSize: Theme.fontLarge
        }
    }
}
