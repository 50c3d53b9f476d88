// The cart: items can be removed; check out goes to sign-in.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: screen; CartScreen { anchors.fill: parent } }

    TestCase {
        name: "CartScreen"
        when: windowShown

        function test_removeAndCheckout() {
            KioskController.start();
            tryVerify(() => KioskController.catalog.count > 2, 10000);
            let added = 0;
            for (let i = 0; i < KioskController.catalog.count && added < 2; ++i)
                if (KioskController.catalog.get(i).available > 0) { KioskController.addToCart(KioskController.catalog.get(i).movieId); ++added; }
            KioskController.openCart();
            const s = createTemporaryObject(screen, root);
            const list = findChild(s, "cartList");
            tryVerify(() => list.count === 2);
            tryVerify(() => findChild(s, "remove_1") !== null);
            mouseClick(findChild(s, "remove_1"));
            compare(KioskController.cart.count, 1);
            mouseClick(findChild(s, "checkoutButton"));
            compare(KioskController.screen, KioskController.SignIn);
            KioskController.cancel();
        }
    }
}
