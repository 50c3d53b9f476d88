// Browse: the cover grid, genre chips, search, and the way to returns.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; BrowseScreen { anchors.fill: parent } }

    TestCase {
        name: "BrowseScreen"
        when: windowShown

        function init() { KioskController.start(); }

        function test_gridShowsTheCatalogAndSearchNarrowsIt() {
            const s = createTemporaryObject(screen, root);
            const grid = findChild(s, "coverGrid");
            tryVerify(() => grid.count > 50, 10000);
            const all = grid.count;
            KioskController.catalog.search = "a";
            tryVerify(() => !KioskController.catalog.loading && grid.count < all, 10000);
            KioskController.catalog.search = "zzzzqqq";
            tryVerify(() => !KioskController.catalog.loading && grid.count === 0, 10000);
            KioskController.catalog.search = "";
            tryVerify(() => grid.count === all, 10000);
        }
        function test_coverOpensItsTitle() {
            const s = createTemporaryObject(screen, root);
            const grid = findChild(s, "coverGrid");
            tryVerify(() => grid.itemAtIndex(0) !== null, 10000);
            mouseClick(grid.itemAtIndex(0));
            compare(KioskController.screen, KioskController.Title);
            verify(KioskController.title.title.length > 0);
        }
        function test_newReleasesAndReturns() {
            const s = createTemporaryObject(screen, root);
            mouseClick(findChild(s, "newChip"));
            verify(KioskController.catalog.newOnly);
            mouseClick(findChild(s, "allChip"));
            verify(!KioskController.catalog.newOnly);
            const ret = findChild(s, "returnButton");
            verify(ret.height >= Theme.touch);
            mouseClick(ret);
            compare(KioskController.screen, KioskController.ReturnInsert);
        }
    }
}
