// One title: cover, blurb, rating, runtime, the price of a night, add to cart;
// a title on sale can also be bought, at its price from the data.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    readonly property TitleDetails t: KioskController.title
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap * 2
            spacing: Theme.gap * 1.5
            RowLayout {
                spacing: Theme.gap * 2
                Layout.fillWidth: true
                CoverArt {
                    Layout.preferredWidth: Math.min(parent.width * 0.42, Theme.touch * 5, Window.height * 0.45 / 1.45)
                    Layout.preferredHeight: Layout.preferredWidth * 1.45
                    Layout.alignment: Qt.AlignTop
                    title: t.title
                    genre: t.genre
                    rating: t.rating
                    newRelease: t.newRelease
                    available: t.available
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.alignment: Qt.AlignTop
                    spacing: Theme.gap
                    Text {
                        objectName: "titleName"
                        text: t.title
                        color: Theme.text
                        font.pixelSize: Theme.fontHuge
                        font.bold: true
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Text {
                        objectName: "titleFacts"
                        text: qsTr("%1 · %2 · Rated %3 · %4 · %5 min").arg(t.formatName).arg(t.genre).arg(t.rating).arg(t.year).arg(t.runtime)
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Text {
                        // The data's price: the plan's night plus this format's extra here.
                        objectName: "titlePrice"
                        visible: t.nightCents > 0
                        text: KioskController.signedIn
                              ? qsTr("%1 a night on your plan").arg(KioskController.money(t.nightCents))
                              : qsTr("From %1 a night").arg(KioskController.money(t.nightCents))
                        color: Theme.brand
                        font.pixelSize: Theme.fontLarge
                        font.bold: true
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Text {
                        objectName: "titleSalePrice"
                        visible: t.saleCents > 0
                        text: qsTr("Or buy it, previously viewed: %1 plus tax, yours to keep").arg(KioskController.money(t.saleCents))
                        color: Theme.text
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                    Text {
                        text: t.available > 0 ? qsTr("%n disc(s) in this kiosk", "", t.available) : qsTr("Not available here right now")
                        color: t.available > 0 ? Theme.good : Theme.bad
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                }
            }
            Text {
                text: t.blurb
                color: Theme.text
                font.pixelSize: Theme.fontLarge
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            MessageBar { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            RowLayout {
                spacing: Theme.gap
                Layout.fillWidth: true
                KButton {
                    objectName: "addToCartButton"
                    text: t.inCart ? qsTr("In your cart") : qsTr("Add to cart")
                    primary: true
                    enabled: !t.inCart && t.available > 0
                    Layout.fillWidth: true
                    onClicked: KioskController.addToCart(t.movieId)
                }
                KButton {
                    objectName: "buyButton"
                    visible: t.saleCents > 0
                    text: qsTr("Buy for %1").arg(KioskController.money(t.saleCents))
                    enabled: !t.inCart && t.available > 0
                    Layout.fillWidth: true
                    onClicked: KioskController.buy(t.movieId)
                }
                KButton {
                    objectName: "checkoutButton"
                    text: qsTr("Check out")
                    enabled: KioskController.cart.count > 0
                    Layout.fillWidth: true
                    onClicked: KioskController.checkout()
                }
            }
        }
    }
}
