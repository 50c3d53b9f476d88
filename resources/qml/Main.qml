// The kiosk's window: the status banner, the current screen (the
// controller's screen property decides which), the busy overlay, and the
// on-screen keyboard. Screens only show state and forward taps.
import QtQuick
import QtQuick.Window
import QtQuick.VirtualKeyboard
import Redbox.Kiosk
import Redbox.Screens

Window {
    id: window
    objectName: "kioskWindow"
    width: 1080
    height: 1920
    visible: false   // shown by KioskApp: fullscreen from its first frame on a kiosk
    title: "Redbox"
    color: Theme.background

    function layout() {
        Theme.scale = Math.min(width, height) / 1080;
        Theme.landscape = width > height;
    }
    onWidthChanged: layout()
    onHeightChanged: layout()
    Component.onCompleted: layout()

    signal maintenanceRequested()

    Item {
        anchors.fill: parent
        StatusBanner {
            id: banner
            anchors { top: parent.top; left: parent.left; right: parent.right }
        }
        Loader {
            id: screen
            objectName: "screenLoader"
            anchors { top: banner.bottom; left: parent.left; right: parent.right; bottom: keyboard.top }
            sourceComponent: {
                switch (KioskController.screen) {
                case KioskController.Attract: return attract;
                case KioskController.Browse: return browse;
                case KioskController.Title: return titleScreen;
                case KioskController.Cart: return cartScreen;
                case KioskController.SignIn: return signIn;
                case KioskController.Pin: return pin;
                case KioskController.Summary: return summary;
                case KioskController.Paying: return paying;
                case KioskController.Dispensing: return dispensing;
                case KioskController.Receipt: return receipt;
                case KioskController.ReturnInsert: return returnInsert;
                case KioskController.ReturnResult: return returnResult;
                case KioskController.Help: return help;
                case KioskController.Maintenance: return maintenance;
                case KioskController.OutOfOrder: return outOfOrder;
                }
                return attract;
            }
            onLoaded: item.objectName = "screen" + KioskController.screen
        }
        BusyOverlay {}
        // Any touch keeps the visit alive (the idle timeout returns to the attract loop).
        MouseArea {
            anchors.fill: parent
            z: 200
            onPressed: (mouse) => { KioskController.touch(); MaintenanceController.touch(); mouse.accepted = false; }
        }
        InputPanel {
            id: keyboard
            z: 150
            width: parent.width
            y: Qt.inputMethod.visible ? parent.height - height : parent.height
            anchors.left: parent.left
        }
    }

    Component { id: attract; AttractScreen {} }
    Component { id: browse; BrowseScreen {} }
    Component { id: titleScreen; TitleScreen {} }
    Component { id: cartScreen; CartScreen {} }
    Component { id: signIn; SignInScreen {} }
    Component { id: pin; PinScreen {} }
    Component { id: summary; SummaryScreen {} }
    Component { id: paying; PayingScreen {} }
    Component { id: dispensing; DispensingScreen {} }
    Component { id: receipt; ReceiptScreen {} }
    Component { id: returnInsert; ReturnInsertScreen {} }
    Component { id: returnResult; ReturnResultScreen {} }
    Component { id: help; HelpScreen { onMaintenanceRequested: { window.maintenanceRequested(); MaintenanceController.requestEntry(); } } }
    Component { id: maintenance; MaintenanceScreen {} }
    Component { id: outOfOrder; OutOfOrderScreen {} }
}
