// The cart: what the customer is about to rent.
import QtQuick
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true; showCart: false }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap * 2
            spacing: Theme.gap
            Text {
                text: qsTr("Your cart")
                color: Theme.text
                font.pixelSize: Theme.fontHuge
                font.bold: true
            }
            Text {
                text: KioskController.signedIn ? qsTr("You can rent %n more disc(s) today.", "", KioskController.allowance)
                                               : qsTr("Next, swipe your membership card or any credit or debit card.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontBody
            }
            MessageBar { Layout.fillWidth: true }
            ListView {
                objectName: "cartList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.gap * 0.5
                clip: true
                model: KioskController.cart
                delegate: Rectangle {
                    required property string title
                    required property int index
                    width: ListView.view.width
                    height: Theme.touch * 1.3
                    radius: Theme.radius
                    color: Theme.surface
                    RowLayout {
                        anchors { fill: parent; margins: Theme.gap * 0.5 }
                        Text {
                            text: title
                            color: Theme.text
                            font.pixelSize: Theme.fontLarge
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        KButton {
                            objectName: "remove_" + index
                            text: qsTr("Remove")
                            onClicked: KioskController.removeFromCart(index)
                        }
                    }
                }
            }
            RowLayout {
                spacing: Theme.gap
                KButton { text: qsTr("Keep browsing"); Layout.fillWidth: true; onClicked: KioskController.browse() }
                KButton {
                    objectName: "checkoutButton"
                    text: qsTr("Check out")
                    primary: true
                    enabled: KioskController.cart.count > 0
                    Layout.fillWidth: true
                    onClicked: KioskController.checkout()
                }
            }
        }
    }
}
