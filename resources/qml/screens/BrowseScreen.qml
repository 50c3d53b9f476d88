// Browse: the cover grid from the local cache (instant, also offline), with
// genres, ratings, new releases, search on the on-screen keyboard, and the
// way to return a disc.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true; showBack: false }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap
            spacing: Theme.gap
            RowLayout {
                spacing: Theme.gap
                Layout.fillWidth: true
                TextField {
                    id: search
                    objectName: "searchField"
                    Layout.fillWidth: true
                    Layout.minimumWidth: 0
                    Layout.preferredHeight: Theme.touch
                    font.pixelSize: Theme.fontBody
                    placeholderText: qsTr("Search titles")
                    inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhUppercaseOnly
                    text: KioskController.catalog.search
                    onTextEdited: { KioskController.touch(); KioskController.catalog.search = text }
                    color: Theme.text
                    placeholderTextColor: Theme.textMuted
                    background: Rectangle { radius: Theme.radius; color: Theme.surface; border.color: Theme.brand; border.width: 2 }
                }
                KButton {
                    objectName: "returnButton"
                    text: qsTr("Return a DVD")
                    primary: true
                    onClicked: KioskController.startReturn()
                }
            }
            Flickable {
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.touch
                contentWidth: chips.implicitWidth
                clip: true
                flickableDirection: Flickable.HorizontalFlick
                Row {
                    id: chips
                    spacing: Theme.gap * 0.5
                    KButton {
                        objectName: "allChip"
                        text: qsTr("All")
                        primary: KioskController.catalog.genre === "" && !KioskController.catalog.newOnly
                        onClicked: { KioskController.touch(); KioskController.catalog.newOnly = false; KioskController.catalog.genre = "" }
                    }
                    KButton {
                        objectName: "newChip"
                        text: qsTr("New releases")
                        primary: KioskController.catalog.newOnly
                        onClicked: { KioskController.touch(); KioskController.catalog.newOnly = !KioskController.catalog.newOnly }
                    }
                    Repeater {
                        model: KioskController.catalog.genres
                        KButton {
                            required property string modelData
                            text: modelData
                            primary: KioskController.catalog.genre === modelData
                            onClicked: { KioskController.touch(); KioskController.catalog.genre = (KioskController.catalog.genre === modelData ? "" : modelData) }
                        }
                    }
                }
            }
            RowLayout {
                spacing: Theme.gap * 0.5
                Layout.fillWidth: true
                Text { text: qsTr("Rating:"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall }
                Flickable {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Theme.touch
                    contentWidth: ratings.implicitWidth
                    clip: true
                    flickableDirection: Flickable.HorizontalFlick
                    Row {
                        id: ratings
                        spacing: Theme.gap * 0.5
                        Repeater {
                            model: ["", "G", "PG", "PG-13", "R", "NC-17"]
                            KButton {
                                required property string modelData
                                text: modelData === "" ? qsTr("Any") : modelData
                                font.pixelSize: Theme.fontSmall
                                implicitWidth: Theme.touch * 1.5
                                primary: KioskController.catalog.rating === modelData
                                onClicked: { KioskController.touch(); KioskController.catalog.rating = modelData }
                            }
                        }
                    }
                }
                Text {
                    text: qsTr("%n title(s)", "", KioskController.catalog.count)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
            MessageBar { Layout.fillWidth: true }
            GridView {
                id: grid
                objectName: "coverGrid"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                cellWidth: width / Theme.columns
                cellHeight: cellWidth * 1.5
                model: KioskController.catalog
                onMovementStarted: KioskController.touch()
                delegate: Item {
                    id: cell
                    required property int movieId
                    required property string title
                    required property string genre
                    required property string rating
                    required property bool newRelease
                    required property int available
                    required property int index
                    objectName: "cover_" + index
                    width: grid.cellWidth
                    height: grid.cellHeight
                    CoverArt {
                        anchors { fill: parent; margins: Theme.gap * 0.4 }
                        title: cell.title
                        genre: cell.genre
                        rating: cell.rating
                        newRelease: cell.newRelease
                        available: cell.available
                    }
                    MouseArea {
                        anchors.fill: parent
                        onClicked: KioskController.openTitle(cell.movieId)
                    }
                }
                Text {
                    anchors.centerIn: parent
                    visible: grid.count === 0 && !KioskController.catalog.loading
                    text: qsTr("No titles match.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontLarge
                }
            }
        }
    }
}
