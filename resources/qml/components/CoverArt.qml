// A title's cover: drawn from its genre and title (the catalog feed carries
// no images), with the rating and a "new" ribbon. Readable at a distance.
import QtQuick
import Redbox.Screens

Rectangle {
    id: cover
    property string title
    property string genre
    property string rating
    property bool newRelease: false
    property int available: 1
    radius: Theme.radius * 0.6
    clip: true
    gradient: Gradient {
        GradientStop { position: 0.0; color: Qt.lighter(Theme.genreColor(cover.genre), 1.25) }
        GradientStop { position: 1.0; color: Qt.darker(Theme.genreColor(cover.genre), 1.6) }
    }
    Text {
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: parent.width * 0.08 }
        text: cover.title
        color: "white"
        font.pixelSize: Math.max(14, parent.width * 0.13)
        font.bold: true
        wrapMode: Text.WordWrap
        maximumLineCount: 4
        elide: Text.ElideRight
        style: Text.Raised
        styleColor: "#66000000"
    }
    Text {
        anchors { left: parent.left; bottom: parent.bottom; margins: parent.width * 0.08 }
        text: cover.genre.toUpperCase()
        color: "#ddffffff"
        font.pixelSize: Math.max(10, parent.width * 0.075)
        font.letterSpacing: 1
    }
    Rectangle {
        anchors { right: parent.right; bottom: parent.bottom; margins: parent.width * 0.06 }
        width: ratingText.implicitWidth + parent.width * 0.08
        height: ratingText.implicitHeight + parent.width * 0.03
        radius: height / 4
        color: "#e6ffffff"
        Text {
            id: ratingText
            anchors.centerIn: parent
            text: cover.rating
            font.pixelSize: Math.max(10, cover.width * 0.075)
            font.bold: true
            color: "#1a1a1a"
        }
    }
    Rectangle {
        visible: cover.newRelease
        width: parent.width * 0.7
        height: parent.width * 0.13
        color: Theme.focus
        rotation: 35
        x: parent.width * 0.52
        y: parent.width * 0.1
        Text {
            anchors.centerIn: parent
            text: qsTr("NEW")
            font.pixelSize: parent.height * 0.6
            font.bold: true
            color: "#1a1a1a"
        }
    }
    Rectangle {
        anchors.fill: parent
        visible: cover.available <= 0
        color: "#99000000"
        Text {
            anchors.centerIn: parent
            text: qsTr("Out")
            color: "white"
            font.pixelSize: Math.max(14, cover.width * 0.14)
            font.bold: true
        }
    }
}
