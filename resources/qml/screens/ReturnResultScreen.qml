// A return taken: the title, late days and the charge.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    readonly property ReturnReceipt r: KioskController.returned
    ColumnLayout {
        anchors { fill: parent; margins: Theme.gap * 2 }
        spacing: Theme.gap * 1.5
        Item { Layout.fillHeight: true }
        Text { text: qsTr("Thank you!"); color: Theme.good; font.pixelSize: Theme.fontHuge; font.bold: true; Layout.alignment: Qt.AlignHCenter }
        Text {
            objectName: "returnedTitle"
            text: r.title
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Text {
            objectName: "returnCharge"
            visible: !r.foreign && !r.offline
            text: r.lateDays > 0
                  ? qsTr("%n day(s) late: %1 charged to the card you paid with.", "", r.lateDays).arg(KioskController.money(r.late))
                  : qsTr("Returned on time. No extra charge.")
            color: r.lateDays > 0 ? Theme.warning : Theme.text
            font.pixelSize: Theme.fontLarge
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Text {
            visible: r.foreign || r.offline
            text: qsTr("This disc was rented at another kiosk. Any late days are charged to the card it was rented with; your receipt follows by e-mail.")
            color: Theme.text
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Item { Layout.fillHeight: true }
        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.gap
            KButton { objectName: "returnAnother"; text: qsTr("Return another"); onClicked: KioskController.startReturn() }
            KButton { objectName: "doneButton"; text: qsTr("Done"); primary: true; onClicked: KioskController.finish() }
        }
    }
}
