// Maintenance sign-in: swipe a technician card, then the PIN. Five failures
// lock the entry for 15 minutes.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

ColumnLayout {
    spacing: Theme.gap
    Text {
        objectName: "signInPrompt"
        text: MaintenanceController.session.locked
              ? qsTr("Locked until %1").arg(KioskController.localTime(MaintenanceController.session.lockedUntil))
              : MaintenanceController.page === MaintenanceController.Pin
                ? qsTr("Enter your technician PIN") : qsTr("Swipe your technician card")
        color: MaintenanceController.session.locked ? Theme.bad : Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
        Layout.alignment: Qt.AlignHCenter
    }
    Row {
        objectName: "maintenancePinDots"
        visible: MaintenanceController.page === MaintenanceController.Pin
        Layout.alignment: Qt.AlignHCenter
        spacing: Theme.gap
        Repeater {
            model: Math.max(4, MaintenanceController.session.pinLength)
            Rectangle {
                required property int index
                width: Theme.touch * 0.45
                height: width
                radius: width / 2
                color: index < MaintenanceController.session.pinLength ? Theme.brand : "transparent"
                border.color: Theme.brand
                border.width: 4
            }
        }
    }
    Keypad {
        objectName: "maintenanceKeypad"
        visible: MaintenanceController.page === MaintenanceController.Pin
        Layout.alignment: Qt.AlignHCenter
        onDigit: (d) => MaintenanceController.session.pinDigit(d)
        onBackspace: MaintenanceController.session.pinBackspace()
        onEnter: MaintenanceController.session.pinEnter()
    }
    Text {
        visible: !MaintenanceController.session.locked && MaintenanceController.session.failuresLeft < 5
        text: qsTr("%1 attempt(s) left before the sign-in locks for 15 minutes.").arg(MaintenanceController.session.failuresLeft)
        color: Theme.warning
        font.pixelSize: Theme.fontSmall
        Layout.alignment: Qt.AlignHCenter
    }
    Item { Layout.fillHeight: true }
}
