// Help for customers. (A long press in the top-left corner opens the
// technicians' maintenance sign-in.)
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    id: help
    color: Theme.background
    signal maintenanceRequested()
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap * 2
            spacing: Theme.gap
            Text { text: qsTr("How it works"); color: Theme.text; font.pixelSize: Theme.fontHuge; font.bold: true }
            Repeater {
                model: [qsTr("1. Choose your movies and add them to your cart."),
                        qsTr("2. Swipe your membership card and enter your PIN, or swipe any credit or debit card and enter its billing ZIP code."),
                        qsTr("3. Pay for the first night with your bank card; take your discs."),
                        qsTr("4. Return by 9 pm the next day, at any Redbox. Each extra day costs one more night."),
                        qsTr("Questions? Call 1-866-733-2693.")]
                Text {
                    required property string modelData
                    text: modelData
                    color: Theme.text
                    font.pixelSize: Theme.fontLarge
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
            Item { Layout.fillHeight: true }
            Text {
                text: qsTr("Kiosk %1").arg(KioskController.kioskId)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
        }
    }
    // The hidden corner for technicians.
    MouseArea {
        objectName: "maintenanceCorner"
        width: Theme.touch
        height: Theme.touch
        anchors { left: parent.left; bottom: parent.bottom }
        pressAndHoldInterval: 3000
        onPressAndHold: help.maintenanceRequested()
    }
}
