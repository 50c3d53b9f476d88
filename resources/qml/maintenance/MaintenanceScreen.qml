// Maintenance mode (field technicians): sign-in (card, then PIN), then the
// Health, Slots, Hardware and Repair pages. MaintenanceController (C++)
// holds the state; this file only shows it. Nothing here opens anything
// outside the app.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    id: maint
    color: Theme.background
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: Theme.gap * 0.75
        RowLayout {
            Layout.fillWidth: true
            Text {
                objectName: "maintenanceTitle"
                text: MaintenanceController.signedIn
                      ? qsTr("Maintenance: %1").arg(MaintenanceController.session.technicianName)
                      : qsTr("Maintenance sign-in")
                color: Theme.text
                font.pixelSize: Theme.fontLarge
                font.bold: true
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            Text {
                text: qsTr("Kiosk %1").arg(KioskController.kioskId)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
            KButton {
                objectName: "signOutButton"
                text: MaintenanceController.signedIn ? qsTr("Sign out") : qsTr("Cancel")
                onClicked: MaintenanceController.signedIn ? MaintenanceController.signOut() : MaintenanceController.cancelEntry()
            }
        }
        RowLayout {
            objectName: "maintenanceTabs"
            visible: MaintenanceController.signedIn
            Layout.fillWidth: true
            spacing: Theme.gap * 0.5
            Repeater {
                model: [
                    { label: qsTr("Health"), page: MaintenanceController.Health, name: "tabHealth" },
                    { label: qsTr("Slots"), page: MaintenanceController.Slots, name: "tabSlots" },
                    { label: qsTr("Hardware"), page: MaintenanceController.Hardware, name: "tabHardware" },
                    { label: qsTr("Repair"), page: MaintenanceController.Repair, name: "tabRepair" }
                ]
                KButton {
                    required property var modelData
                    objectName: modelData.name
                    text: modelData.label
                    primary: MaintenanceController.page === modelData.page
                    Layout.fillWidth: true
                    onClicked: MaintenanceController.showPage(modelData.page)
                }
            }
        }
        Rectangle {
            objectName: "maintenanceMessage"
            visible: MaintenanceController.message !== ""
            Layout.fillWidth: true
            implicitHeight: visible ? msg.implicitHeight + Theme.gap : 0
            radius: Theme.radius
            color: Theme.surfaceAlt
            border.color: MaintenanceController.messageIsError ? Theme.bad : Theme.good
            border.width: 3
            Text {
                id: msg
                objectName: "maintenanceMessageText"
                anchors { fill: parent; margins: Theme.gap * 0.5 }
                text: MaintenanceController.message
                color: Theme.text
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
                verticalAlignment: Text.AlignVCenter
            }
        }
        Loader {
            objectName: "maintenancePage"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                switch (MaintenanceController.page) {
                case MaintenanceController.Health: return health;
                case MaintenanceController.Slots: return slotsPage;
                case MaintenanceController.Hardware: return hardware;
                case MaintenanceController.Repair: return repair;
                }
                return signIn;
            }
        }
    }
    Rectangle {
        objectName: "maintenanceBusy"
        visible: MaintenanceController.busy
        anchors { right: parent.right; bottom: parent.bottom; margins: Theme.gap }
        width: busyText.implicitWidth + Theme.gap * 2
        height: busyText.implicitHeight + Theme.gap
        radius: Theme.radius
        color: Theme.surfaceAlt
        Text { id: busyText; anchors.centerIn: parent; text: qsTr("Working..."); color: Theme.text; font.pixelSize: Theme.fontSmall }
    }
    Component { id: signIn; MaintenanceSignIn {} }
    Component { id: health; HealthPage {} }
    Component { id: slotsPage; SlotsPage {} }
    Component { id: hardware; HardwarePage {} }
    Component { id: repair; RepairPage {} }
}
