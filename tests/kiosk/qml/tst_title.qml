// A title: details, price, add to cart, check out.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; TitleScreen { anchors.fill: parent } }

    TestCase {
        name: "TitleScreen"
        when: windowShown

        function test_addToCartThenCheckout() {
            KioskController.start();
            tryVerify(() => KioskController.catalog.count > 0, 10000);
            let id = -1;
            for (let i = 0; i < KioskController.catalog.count && id < 0; ++i)
                if (KioskController.catalog.get(i).available > 0) id = KioskController.catalog.get(i).movieId;
            KioskController.openTitle(id);
            const s = createTemporaryObject(screen, root);
            compare(findChild(s, "titleName").text, KioskController.title.title);
            const add = findChild(s, "addToCartButton");
            verify(add.enabled);
            verify(add.height >= Theme.touch);
            mouseClick(add);
            compare(KioskController.cart.count, 1);
            verify(!add.enabled);
            mouseClick(findChild(s, "checkoutButton"));
            compare(KioskController.screen, KioskController.SignIn);
            KioskController.cancel();
        }
    }
}
