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
        model: MaintenanceController.healthPage.rows
        delegate: Rectangle {
            id: healthRow
            required property string name
            required property string level
            required property string words
            required property string detail
            objectName: "healthRow_" + name
            width: ListView.view.width
            height: col.implicitHeight + Theme.gap
            radius: Theme.radius
            color: Theme.surface
            Rectangle {
                id: lamp
                objectName: "lamp"
                property string level: healthRow.level
                anchors { left: parent.left; leftMargin: Theme.gap * 0.5; verticalCenter: parent.verticalCenter }
                width: Theme.gap
                height: width
                radius: width / 2
                color: level === "ok" ? Theme.good : level === "warn" ? Theme.warning : Theme.bad
            }
            ColumnLayout {
                id: col
                anchors { left: lamp.right; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.gap * 0.5 }
                spacing: 2
                Text {
                    text: name + "  -  " + (level === "ok" ? qsTr("OK") : level === "warn" ? qsTr("Attention") : qsTr("Problem"))
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                    font.bold: true
                }
                Text { text: words; color: Theme.text; font.pixelSize: Theme.fontSmall; wrapMode: Text.WordWrap; Layout.fillWidth: true }
                Text {
                    visible: detail !== ""
                    text: detail
                    color: Theme.textMuted
                    font.pixelSize: Math.round(Theme.fontSmall * 0.8)
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
        }
    }
    KButton { objectName: "refreshHealth"; text: qsTr("Check again"); primary: true; onClicked: MaintenanceController.healthPage.refresh() }
}
