// The controller's current message (an error or a confirmation), large and plain.
import QtQuick
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    visible: KioskController.message !== ""
    implicitHeight: visible ? messageText.implicitHeight + Theme.gap * 1.5 : 0
    radius: Theme.radius
    color: Theme.surfaceAlt
    border.color: Theme.brand
    border.width: 3
    Text {
        id: messageText
        objectName: "messageText"
        anchors { fill: parent; margins: Theme.gap * 0.75 }
        text: KioskController.message
        color: Theme.text
        font.pixelSize: Theme.fontBody
        wrapMode: Text.WordWrap
        verticalAlignment: Text.AlignVCenter
    }
}
