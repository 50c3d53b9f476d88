// Before paying: the discs, nights, price, tax and total; one night is
// authorized now, later days are charged when the disc comes back.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    color: Theme.background
    readonly property RentalSummary s: KioskController.summary
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        Header { Layout.fillWidth: true; showCart: false }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.gap * 2
            spacing: Theme.gap
            Text { text: qsTr("Your rental"); color: Theme.text; font.pixelSize: Theme.fontHuge; font.bold: true }
            Repeater {
                model: KioskController.cart
                RowLayout {
                    required property string title
                    required property int night
                    required property bool purchase
                    Layout.fillWidth: true
                    spacing: Theme.gap
                    Text {
                        text: "• " + title
                        color: Theme.text
                        font.pixelSize: Theme.fontLarge
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Text {
                        text: purchase ? qsTr("%1 to buy").arg(KioskController.money(night))
                                       : qsTr("%1 a night").arg(KioskController.money(night))
                        color: Theme.text
                        font.pixelSize: Theme.fontLarge
                    }
                }
            }
            Rectangle { Layout.fillWidth: true; height: 2; color: Theme.surfaceAlt }
            GridLayout {
                columns: 2
                columnSpacing: Theme.gap * 2
                rowSpacing: Theme.gap * 0.5
                Text { text: qsTr("Discs"); color: Theme.textMuted; font.pixelSize: Theme.fontBody }
                Text { text: s.discs; color: Theme.text; font.pixelSize: Theme.fontBody }
                Text {
                    text: s.bought > 0 ? qsTr("Tonight (1 night each) and discs bought") : qsTr("Tonight (1 night each)")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontBody
                }
                Text { text: KioskController.money(s.subtotal + s.discount); color: Theme.text; font.pixelSize: Theme.fontBody }
                Text {
                    visible: s.discount > 0
                    text: qsTr("Promo %1").arg(KioskController.promoCode)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontBody
                }
                Text {
                    objectName: "discountText"
                    visible: s.discount > 0
                    text: "−" + KioskController.money(s.discount)
                    color: Theme.text
                    font.pixelSize: Theme.fontBody
                }
                Text { text: qsTr("Tax"); color: Theme.textMuted; font.pixelSize: Theme.fontBody }
                Text { text: KioskController.money(s.tax); color: Theme.text; font.pixelSize: Theme.fontBody }
                Text { text: qsTr("Total now"); color: Theme.text; font.pixelSize: Theme.fontLarge; font.bold: true }
                Text { objectName: "totalText"; text: KioskController.money(s.total); color: Theme.brand; font.pixelSize: Theme.fontLarge; font.bold: true }
            }
            Text {
                objectName: "dueText"
                visible: s.discs > s.bought
                text: qsTr("Return by %1. Each extra day costs one more night, up to your plan's maximum; past it the disc is yours.")
                      .arg(KioskController.localTime(s.dueAt))
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            Text {
                objectName: "cardCheckText"
                visible: s.discs > 0 && s.total === 0
                text: qsTr("Nothing is charged now: your card is checked with a %1 hold, released when the disc is back on time.")
                      .arg(KioskController.money(KioskController.cardCheckCents))
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            // One promo code per rental, checked online; it takes one night off, never more.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.gap
                TextField {
                    id: promoField
                    objectName: "promoField"
                    visible: KioskController.promoCode === ""
                    Layout.fillWidth: true
                    Layout.preferredHeight: Theme.touch
                    font.pixelSize: Theme.fontBody
                    maximumLength: 20
                    leftPadding: Theme.gap
                    placeholderText: qsTr("Promo code (optional)")
                    inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                    onTextEdited: KioskController.touch()
                    color: Theme.text
                    placeholderTextColor: Theme.textMuted
                    background: Rectangle { radius: Theme.radius; color: Theme.surface; border.color: Theme.brand; border.width: 2 }
                }
                KButton {
                    objectName: "promoButton"
                    text: KioskController.promoCode === "" ? qsTr("Apply code") : qsTr("Remove code %1").arg(KioskController.promoCode)
                    Layout.fillWidth: KioskController.promoCode !== ""
                    onClicked: KioskController.promoCode === "" ? KioskController.applyPromo(promoField.text)
                                                                : KioskController.removePromo()
                }
            }
            MessageBar { Layout.fillWidth: true }
            Item { Layout.fillHeight: true }
            RowLayout {
                spacing: Theme.gap
                KButton { text: qsTr("Cancel"); Layout.fillWidth: true; onClicked: KioskController.cancel() }
                KButton {
                    objectName: "payButton"
                    text: qsTr("Pay %1").arg(KioskController.money(s.total))
                    primary: true
                    Layout.fillWidth: true
                    onClicked: KioskController.pay()
                }
            }
        }
    }
}
