// Sign in and PIN: a swipe leads to the keypad; digits fill the dots; the right PIN signs in.
import QtQuick
import QtTest
import Redbox.Kiosk
import Redbox.Screens
import RedboxTest

Item {
    id: root
    width: 1080
    height: 1920
    Component { id: signIn; SignInScreen { anchors.fill: parent } }
    Component { id: pin; PinScreen { anchors.fill: parent } }

    TestCase {
        name: "SignInAndPinScreens"
        when: windowShown

        function test_swipeThenPin() {
            KioskController.start();
            tryVerify(() => KioskController.catalog.count > 0, 10000);
            for (let i = 0; i < KioskController.catalog.count; ++i)
                if (KioskController.catalog.get(i).available > 0) { KioskController.addToCart(KioskController.catalog.get(i).movieId); break; }
            KioskController.checkout();
            createTemporaryObject(signIn, root);
            Harness.swipe("1234");   // unreadable: a message, still here
            tryVerify(() => KioskController.message !== "", 5000);
            compare(KioskController.screen, KioskController.SignIn);
            Harness.swipe(Harness.memberCard(0));
            tryVerify(() => KioskController.screen === KioskController.Pin, 20000);
            const p = createTemporaryObject(pin, root);
            const code = Harness.memberPin(0);
            for (let i = 0; i < code.length; ++i) {
                const key = findChild(p, "key" + code[i]);
                verify(key.width >= Theme.touch && key.height >= Theme.touch, "keys are at least 9 mm");
                mouseClick(key);
            }
            compare(KioskController.pinLength, 4);
            mouseClick(findChild(p, "keyEnter"));
            tryVerify(() => KioskController.screen === KioskController.Summary, 20000);
            verify(KioskController.signedIn);
            KioskController.cancel();
        }
    }
}
