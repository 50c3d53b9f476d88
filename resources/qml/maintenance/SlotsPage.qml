// Slots: the slot map, loading discs, the removal list, and unloading or
// marking a disc damaged (by tapping it, or by typing its barcode).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

ColumnLayout {
    id: page
    spacing: Theme.gap * 0.5
    property string selected: ""
    Text {
        objectName: "slotSummary"
        text: qsTr("%1 slots, %2 filled, %3 rented out, %4 to remove")
              .arg(MaintenanceController.slotMap.length)
              .arg(MaintenanceController.slotMap.filter(s => s.barcode !== "").length)
              .arg(MaintenanceController.rentedOut)
              .arg(MaintenanceController.removals.length)
        color: Theme.text
        font.pixelSize: Theme.fontSmall
    }
    GridView {
        objectName: "slotGrid"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        cellWidth: width / 10
        cellHeight: cellWidth * 0.8
        model: MaintenanceController.slotMap
        delegate: Rectangle {
            required property var modelData
            objectName: "slot" + modelData.slot
            width: GridView.view.cellWidth - 4
            height: GridView.view.cellHeight - 4
            radius: 6
            color: modelData.barcode === "" ? Theme.surfaceAlt
                 : modelData.removal !== "" || modelData.condition !== "good" ? Theme.warning
                 : Theme.good
            border.width: page.selected !== "" && page.selected === modelData.barcode ? 4 : 0
            border.color: Theme.focus
            Text {
                anchors.centerIn: parent
                text: modelData.slot
                color: modelData.barcode === "" ? Theme.textMuted : Theme.brandText
                font.pixelSize: Math.round(Theme.fontSmall * 0.7)
            }
            MouseArea {
                anchors.fill: parent
                onClicked: { page.selected = modelData.barcode; barcodeField.text = modelData.barcode; MaintenanceController.touch(); }
            }
        }
    }
    Text {
        objectName: "removalHeading"
        visible: MaintenanceController.removals.length > 0
        text: qsTr("To remove: ") + MaintenanceController.removals.map(r => r.barcode + " (" + (r.slot > 0 ? qsTr("slot ") + r.slot : qsTr("rented out")) + ", " + r.reason + ")").join("; ")
        color: Theme.text
        font.pixelSize: Math.round(Theme.fontSmall * 0.8)
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.gap * 0.5
        TextField {
            id: barcodeField
            objectName: "barcodeField"
            placeholderText: qsTr("Disc barcode (D + 12 digits)")
            font.pixelSize: Theme.fontSmall
            inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhPreferUppercase
            maximumLength: 13
            Layout.fillWidth: true
            onTextEdited: MaintenanceController.touch()
        }
        TextField {
            id: slotField
            objectName: "slotField"
            placeholderText: qsTr("Slot (empty: kiosk picks)")
            font.pixelSize: Theme.fontSmall
            inputMethodHints: Qt.ImhDigitsOnly
            validator: IntValidator { bottom: 1; top: 9999 }
            Layout.preferredWidth: Theme.touch * 3
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.gap * 0.5
        KButton {
            objectName: "loadButton"
            text: MaintenanceController.mode === "load" ? qsTr("Stop loading (%1)").arg(MaintenanceController.loadedCount) : qsTr("Load discs")
            primary: true
            onClicked: MaintenanceController.mode === "load" ? MaintenanceController.stopMode() : MaintenanceController.startLoading()
        }
        KButton {
            objectName: "placedButton"
            text: qsTr("Record as placed")
            onClicked: MaintenanceController.loadBarcode(barcodeField.text, slotField.text === "" ? 0 : parseInt(slotField.text))
        }
        KButton { objectName: "unloadButton"; text: qsTr("Unload"); onClicked: MaintenanceController.unload(barcodeField.text) }
        KButton { objectName: "damagedButton"; text: qsTr("Damaged"); danger: true; onClicked: MaintenanceController.markDamaged(barcodeField.text) }
    }
}
