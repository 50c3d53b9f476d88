// The simulated hardware's panel (kiosk/app/devicepanel.h): a window beside
// the kiosk's for a person at a desktop. Every button forwards to the panel
// object; nothing here decides anything.
import QtQuick
import QtQuick.Window
import Redbox.Screens

Window {
    id: win
    required property QtObject panel
    objectName: "devicePanel"
    width: 460
    height: 1000
    visible: true
    title: "Redbox device panel (simulated hardware)"
    color: "#1b1b1f"

    component Heading: Text {
        color: "#f2f2f2"
        font.pixelSize: 22
        font.bold: true
        topPadding: 14
    }
    component Note: Text {
        color: "#c8c8cc"
        font.pixelSize: 15
        wrapMode: Text.WordWrap
        width: parent ? parent.width : 0
    }
    component PanelButton: KButton {
        width: parent ? parent.width : 0
        implicitHeight: 52
        font.pixelSize: 17
    }

    Flickable {
        anchors.fill: parent
        anchors.margins: 16
        contentHeight: column.height
        clip: true

        Column {
            id: column
            width: parent.width
            spacing: 8

            Heading { text: "Card reader" }
            Note { text: "Swipe one of the network's test cards (its PIN is on the button), or type ;NUMBER=3012? and Enter." }
            Repeater {
                model: win.panel.testCards
                delegate: PanelButton {
                    required property var modelData
                    required property int index
                    objectName: "swipe" + index
                    text: "Swipe " + modelData.label + "  (PIN " + modelData.pin + ")"
                    onClicked: win.panel.swipe(index)
                }
            }

            Heading { text: "Return slot" }
            Note {
                text: win.panel.discsOut.length > 0
                      ? "Put a disc that came out back in, or type a barcode (D and 12 digits) and Enter."
                      : "Discs that come out of the door are listed here to put back; or type a barcode (D and 12 digits) and Enter."
            }
            Repeater {
                model: win.panel.discsOut
                delegate: PanelButton {
                    required property string modelData
                    required property int index
                    objectName: "insert" + index
                    text: "Insert " + modelData
                    onClicked: win.panel.insertDisc(modelData)
                }
            }

            Heading { text: "Faults" }
            PanelButton {
                objectName: "jam"
                text: "Jam the next dispense"
                onClicked: win.panel.jamNextDispense()
            }
            PanelButton {
                objectName: "decline"
                text: "Decline the next payment"
                onClicked: win.panel.declineNextPayment()
            }
            PanelButton {
                objectName: "unplug"
                danger: !win.panel.unplugged
                text: win.panel.unplugged ? "Plug the device back in" : "Unplug the device"
                onClicked: win.panel.setUnplugged(!win.panel.unplugged)
            }

            Note {
                objectName: "panelStatus"
                topPadding: 14
                color: "#ffd27f"
                text: win.panel.status
            }
        }
    }
}
