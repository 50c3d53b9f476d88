// A big touch button: at least Theme.touch high, brand-coloured when primary.
import QtQuick
import QtQuick.Controls
import Redbox.Screens

Button {
    id: control
    property bool primary: false
    property bool danger: false
    implicitHeight: Theme.touch
    implicitWidth: Math.max(Theme.touch * 2.2, contentItem.implicitWidth + 2 * Theme.gap)
    font.pixelSize: Theme.fontBody
    font.bold: primary
    contentItem: Text {
        text: control.text
        font: control.font
        color: control.primary || control.danger ? Theme.brandText : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
        opacity: control.enabled ? 1 : 0.45
    }
    background: Rectangle {
        radius: Theme.radius
        color: control.danger ? Theme.bad
             : control.primary ? (control.down ? Theme.brandDark : Theme.brand)
             : (control.down ? Theme.surfaceAlt : Theme.surface)
        border.width: control.primary || control.danger ? 0 : 2
        border.color: Theme.surfaceAlt
        opacity: control.enabled ? 1 : 0.6
    }
}
