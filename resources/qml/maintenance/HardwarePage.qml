// Hardware: the dispenser's self-test, clearing a jam (and retrying what
// jammed), and the card and barcode readers' tests.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

ColumnLayout {
    spacing: Theme.gap
    GridLayout {
        columns: 2
        rowSpacing: Theme.gap * 0.5
        columnSpacing: Theme.gap * 0.5
        Layout.fillWidth: true
        KButton { objectName: "selfTestButton"; text: qsTr("Dispenser self-test"); Layout.fillWidth: true; onClicked: MaintenanceController.hardwarePage.selfTest() }
        KButton {
            objectName: "clearJamButton"
            text: MaintenanceController.hardwarePage.canRetry ? qsTr("Clear jam and retry") : qsTr("Clear jam")
            primary: MaintenanceController.hardwarePage.canRetry
            Layout.fillWidth: true
            onClicked: MaintenanceController.hardwarePage.clearJamAndRetry()
        }
        KButton { objectName: "cardTestButton"; text: qsTr("Test card reader"); Layout.fillWidth: true; onClicked: MaintenanceController.hardwarePage.testCardReader() }
        KButton { objectName: "barcodeTestButton"; text: qsTr("Test barcode reader"); Layout.fillWidth: true; onClicked: MaintenanceController.hardwarePage.testBarcodeReader() }
    }
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: report.implicitHeight + Theme.gap
        radius: Theme.radius
        color: Theme.surface
        visible: MaintenanceController.hardwarePage.report !== ""
        Text {
            id: report
            objectName: "hardwareReport"
            anchors { fill: parent; margins: Theme.gap * 0.5 }
            text: MaintenanceController.hardwarePage.report
            color: Theme.text
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
    }
    Item { Layout.fillHeight: true }
}
