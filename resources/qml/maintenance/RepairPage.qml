// Repair: rebuild the cache, put parked hops back in line, fail the red box
// over to its standby and back, and export a diagnostics bundle.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

ColumnLayout {
    spacing: Theme.gap * 0.75
    KButton { objectName: "resyncButton"; text: qsTr("Rebuild the cache (full resync)"); Layout.fillWidth: true; onClicked: MaintenanceController.repairPage.resync() }
    ProgressBar {
        objectName: "resyncProgress"
        visible: MaintenanceController.repairPage.resyncing
        Layout.fillWidth: true
        from: 0
        to: Math.max(1, MaintenanceController.repairPage.resyncTotal)
        value: MaintenanceController.repairPage.resyncDone
    }
    KButton { objectName: "retryParkedButton"; text: qsTr("Retry parked hops"); Layout.fillWidth: true; onClicked: MaintenanceController.repairPage.retryParked() }
    KButton { objectName: "failoverButton"; text: qsTr("Fail the red box over to its standby"); danger: true; Layout.fillWidth: true; onClicked: MaintenanceController.repairPage.failover() }
    KButton { objectName: "failbackButton"; text: qsTr("Bring the old primary back"); Layout.fillWidth: true; onClicked: MaintenanceController.repairPage.failback() }
    KButton { objectName: "exportButton"; text: qsTr("Export diagnostics"); Layout.fillWidth: true; onClicked: MaintenanceController.repairPage.exportDiagnostics() }
    Text {
        objectName: "lastExport"
        visible: MaintenanceController.repairPage.lastExport !== ""
        text: qsTr("Last bundle: %1").arg(MaintenanceController.repairPage.lastExport)
        color: Theme.textMuted
        font.pixelSize: Math.round(Theme.fontSmall * 0.8)
        wrapMode: Text.WrapAnywhere
        Layout.fillWidth: true
    }
    Item { Layout.fillHeight: true }
}
