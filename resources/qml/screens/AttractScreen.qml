// The attract loop: featured and new titles step by, one cover every few
// seconds (a continuous drift would redraw the whole screen every frame, and
// an idle kiosk with a software renderer would spend a core on it); a touch
// starts a visit.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    id: attract
    color: Theme.brand
    ColumnLayout {
        anchors { fill: parent; margins: Theme.gap * 2 }
        spacing: Theme.gap * 2
        Text {
            text: "REDBOX"
            color: Theme.brandText
            font.pixelSize: Theme.fontHuge * 1.6
            font.bold: true
            font.letterSpacing: 8
            Layout.alignment: Qt.AlignHCenter
        }
        Text {
            // The cheapest night the data offers; until the cache has the plans, no price at all.
            text: KioskController.lowestPricePerNight > 0
                  ? qsTr("New releases tonight, from %1 a night").arg(KioskController.money(KioskController.lowestPricePerNight))
                  : qsTr("New releases tonight")
            color: Theme.brandText
            font.pixelSize: Theme.fontLarge
            Layout.alignment: Qt.AlignHCenter
        }
        ListView {
            id: reel
            objectName: "attractReel"
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: ListView.Horizontal
            spacing: Theme.gap
            interactive: false
            model: KioskController.catalog
            delegate: Item {
                id: reelItem
                required property string title
                required property string genre
                required property string rating
                required property bool newRelease
                required property int available
                height: reel.height
                width: cover.width
                CoverArt {
                    id: cover
                    anchors.verticalCenter: parent.verticalCenter
                    height: Math.min(reel.height, Theme.touch * 6)
                    width: height * 0.68
                    title: reelItem.title
                    genre: reelItem.genre
                    rating: reelItem.rating
                    newRelease: reelItem.newRelease
                    available: reelItem.available
                }
            }
            NumberAnimation {
                id: step
                target: reel
                property: "contentX"
                duration: 700
                easing.type: Easing.InOutQuad
            }
            Timer {
                objectName: "attractStep"
                interval: 4000
                repeat: true
                running: attract.visible && reel.count > 0
                onTriggered: {
                    const end = Math.max(0, reel.contentWidth - reel.width);
                    const next = reel.contentX + Theme.touch * 6 * 0.68 + reel.spacing;
                    step.to = reel.contentX >= end ? 0 : Math.min(end, next);
                    step.restart();
                }
            }
        }
        Text {
            text: qsTr("Touch the screen to start")
            color: Theme.brandText
            font.pixelSize: Theme.fontTitle
            font.bold: true
            Layout.alignment: Qt.AlignHCenter
            // Pulses for the first 18 s the loop is on screen, then rests. (It also keeps frames
            // coming while a Wayland window settles: it takes its fullscreen size only when it
            // next draws a frame.)
            SequentialAnimation on opacity {
                loops: 10
                running: attract.visible
                NumberAnimation { to: 0.35; duration: 900 }
                NumberAnimation { to: 1.0; duration: 900 }
            }
        }
        Text {
            text: qsTr("Returning a disc? Touch anywhere, then \"Return a DVD\".")
            color: "#e6ffffff"
            font.pixelSize: Theme.fontBody
            Layout.alignment: Qt.AlignHCenter
        }
    }
    MouseArea {
        objectName: "attractTouch"
        anchors.fill: parent
        onClicked: KioskController.start()
    }
}
