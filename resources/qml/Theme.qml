// Colours, type sizes and touch-target sizes for every screen. Readable from
// a metre away; every touch target at least 9 mm. Day and night palettes.
pragma Singleton
import QtQuick
import QtQuick.Window
import Redbox.Kiosk

QtObject {
    readonly property bool night: KioskController.theme === "night"
    // Set by Main.qml from the window size: 1.0 on a 1080-pixel-wide portrait screen.
    property real scale: 1.0
    property bool landscape: false

    readonly property color brand: "#c8102e"
    readonly property color brandDark: "#8f0b21"
    readonly property color background: night ? "#121214" : "#f4f1ee"
    readonly property color surface: night ? "#1f1f23" : "#ffffff"
    readonly property color surfaceAlt: night ? "#2a2a30" : "#ece7e2"
    readonly property color text: night ? "#f2f2f2" : "#1a1a1a"
    readonly property color textMuted: night ? "#b0b0b8" : "#5a5550"
    readonly property color brandText: "#ffffff"
    readonly property color good: night ? "#5fd38d" : "#1e7b45"
    readonly property color warning: night ? "#ffc857" : "#8a5a00"
    readonly property color bad: night ? "#ff6b6b" : "#b00020"
    readonly property color focus: "#ffb000"

    // 9 mm at the screen's density, never below 96 px at full scale.
    readonly property real touch: Math.max(Screen.pixelDensity * 9, 96 * scale)
    readonly property real gap: 24 * scale
    readonly property real radius: 16 * scale
    readonly property int fontHuge: Math.round(72 * scale)
    readonly property int fontTitle: Math.round(52 * scale)
    readonly property int fontLarge: Math.round(40 * scale)
    readonly property int fontBody: Math.round(32 * scale)
    readonly property int fontSmall: Math.round(26 * scale)
    readonly property int columns: landscape ? 6 : 4

    function genreColor(genre) {
        const palette = ["#c8102e", "#1d4e89", "#2a7f62", "#7b3fa0", "#b5651d", "#00838f", "#6d4c41", "#ad1457",
                         "#37474f", "#558b2f", "#283593", "#e65100", "#4e342e", "#00695c", "#4527a0", "#9e9d24"];
        let h = 0;
        for (let i = 0; i < genre.length; ++i)
            h = (h * 31 + genre.charCodeAt(i)) % 997;
        return palette[h % palette.length];
    }
}
