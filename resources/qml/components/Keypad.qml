// A PIN keypad: ten digits, backspace and enter, each a large target.
import QtQuick
import QtQuick.Layouts
import Redbox.Screens

GridLayout {
    id: pad
    signal digit(int d)
    signal backspace()
    signal enter()
    columns: 3
    rowSpacing: Theme.gap
    columnSpacing: Theme.gap
    Repeater {
        model: [1, 2, 3, 4, 5, 6, 7, 8, 9]
        KButton {
            required property int modelData
            objectName: "key" + modelData
            text: modelData
            font.pixelSize: Theme.fontTitle
            Layout.preferredWidth: Theme.touch * 2
            Layout.preferredHeight: Theme.touch * 1.3
            onClicked: pad.digit(modelData)
        }
    }
    KButton {
        objectName: "keyBack"
        text: "⌫"
        font.pixelSize: Theme.fontTitle
        Layout.preferredWidth: Theme.touch * 2
        Layout.preferredHeight: Theme.touch * 1.3
        onClicked: pad.backspace()
    }
    KButton {
        objectName: "key0"
        text: "0"
        font.pixelSize: Theme.fontTitle
        Layout.preferredWidth: Theme.touch * 2
        Layout.preferredHeight: Theme.touch * 1.3
        onClicked: pad.digit(0)
    }
    KButton {
        objectName: "keyEnter"
        text: qsTr("OK")
        primary: true
        font.pixelSize: Theme.fontTitle
        Layout.preferredWidth: Theme.touch * 2
        Layout.preferredHeight: Theme.touch * 1.3
        onClicked: pad.enter()
    }
}
