// A quiet banner when the kiosk is offline or runs without its standby;
// nothing else changes for the customer.
import QtQuick
import Redbox.Kiosk
import Redbox.Screens

Rectangle {
    visible: KioskController.link !== "online"
    implicitHeight: visible ? bannerText.implicitHeight + Theme.gap : 0
    color: KioskController.link === "offline" ? Theme.warning : Theme.surfaceAlt
    Text {
        id: bannerText
        objectName: "statusBannerText"
        anchors.centerIn: parent
        color: KioskController.link === "offline" ? "#1a1a1a" : Theme.textMuted
        font.pixelSize: Theme.fontSmall
        text: KioskController.link === "offline"
              ? qsTr("Working offline: rentals are saved here and sent when the network is back.")
              : KioskController.link === "degraded"
                ? qsTr("Running on one server for now.")
                : qsTr("Connecting...")
    }
}
