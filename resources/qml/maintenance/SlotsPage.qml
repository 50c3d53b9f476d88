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
    readonly property TechSlots slots: MaintenanceController.slotsPage
    Text {
        objectName: "slotSummary"
        text: qsTr("%1 slots, %2 filled, %3 rented out, %4 to remove")
              .arg(page.slots.map.count)
              .arg(page.slots.map.filled)
              .arg(page.slots.map.rentedOut)
              .arg(page.slots.removals.count)
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
        model: page.slots.map
        delegate: Rectangle {
            id: cell
            required property int slot
            required property string barcode
            required property string condition
            required property string removal
            objectName: "slot" + slot
            width: GridView.view.cellWidth - 4
            height: GridView.view.cellHeight - 4
            radius: 6
            color: barcode === "" ? Theme.surfaceAlt
                 : removal !== "" || condition !== "good" ? Theme.warning
                 : Theme.good
            border.width: page.selected !== "" && page.selected === barcode ? 4 : 0
            border.color: Theme.focus
            Text {
                anchors.centerIn: parent
                text: cell.slot
                color: cell.barcode === "" ? Theme.textMuted : Theme.brandText
                font.pixelSize: Math.round(Theme.fontSmall * 0.7)
            }
            MouseArea {
                anchors.fill: parent
                onClicked: { page.selected = cell.barcode; barcodeField.text = cell.barcode; MaintenanceController.touch(); }
            }
        }
    }
    Text {
        objectName: "removalHeading"
        visible: page.slots.removals.count > 0
        text: qsTr("To remove:")
        color: Theme.text
        font.pixelSize: Math.round(Theme.fontSmall * 0.8)
        font.bold: true
    }
    Flow {
        objectName: "removalList"
        visible: page.slots.removals.count > 0
        Layout.fillWidth: true
        spacing: Theme.gap * 0.5
        Repeater {
            model: page.slots.removals
            Text {
                required property string barcode
                required property int slot
                required property string reason
                text: barcode + " (" + (slot > 0 ? qsTr("slot %1").arg(slot) : qsTr("rented out")) + ", " + reason + ")"
                color: Theme.text
                font.pixelSize: Math.round(Theme.fontSmall * 0.8)
            }
        }
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
            text: MaintenanceController.mode === TechDesk.Load ? qsTr("Stop loading (%1)").arg(page.slots.loadedCount) : qsTr("Load discs")
            primary: true
            onClicked: MaintenanceController.mode === TechDesk.Load ? page.slots.stopLoading() : page.slots.startLoading()
        }
        KButton {
            objectName: "placedButton"
            text: qsTr("Record as placed")
            onClicked: page.slots.loadBarcode(barcodeField.text, slotField.text === "" ? 0 : parseInt(slotField.text))
        }
        KButton { objectName: "unloadButton"; text: qsTr("Unload"); onClicked: page.slots.unload(barcodeField.text) }
        KButton { objectName: "checkedButton"; text: qsTr("Checked: good"); onClicked: page.slots.clearSuspect(barcodeField.text) }
        KButton { objectName: "damagedButton"; text: qsTr("Damaged"); danger: true; onClicked: page.slots.markDamaged(barcodeField.text) }
    }
}
