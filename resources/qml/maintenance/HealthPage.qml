// Health: each link of this kiosk to the network, in colour and words.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

ColumnLayout {
    spacing: Theme.gap * 0.5
    ListView {
        objectName: "healthList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: Theme.gap * 0.4
        model: MaintenanceController.healthRows
        delegate: Rectangle {
            required property var modelData
            objectName: "healthRow_" + modelData.name
            width: ListView.view.width
            height: col.implicitHeight + Theme.gap
            radius: Theme.radius
            color: Theme.surface
            Rectangle {
                id: lamp
                objectName: "lamp"
                property string level: modelData.level
                anchors { left: parent.left; leftMargin: Theme.gap * 0.5; verticalCenter: parent.verticalCenter }
                width: Theme.gap
                height: width
                radius: width / 2
                color: modelData.level === "ok" ? Theme.good : modelData.level === "warn" ? Theme.warning : Theme.bad
            }
            ColumnLayout {
                id: col
                anchors { left: lamp.right; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.gap * 0.5 }
                spacing: 2
                Text {
                    text: modelData.name + "  -  " + (modelData.level === "ok" ? qsTr("OK") : modelData.level === "warn" ? qsTr("Attention") : qsTr("Problem"))
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                }
                Text { text: modelData.words; color: Theme.text; font.pixelSize: Theme.fontSmall; wrapMode: Text.WordWrap; Layout.fillWidth: true }
                Text {
                    visible: modelData.detail !== ""
                    text: modelData.detail
                    color: Theme.textMuted
                    font.pixelSize: Math.round(Theme.fontSmall * 0.8)
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
        }
    }
    KButton { objectName: "refreshHealth"; text: qsTr("Check again"); primary: true; onClicked: MaintenanceController.refreshHealth() }
}
