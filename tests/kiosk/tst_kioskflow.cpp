// The customer's screen flow, fast and without servers: the real
// KioskController and simulated hardware over the in-memory FakeBackend. A
// rental of two discs with one jam (voided, not charged), a declined card,
// the PIN lockout by the injected clock, the idle timeout, a return on time,
// late and foreign, the offline allowance, and cards that are not members.
// The same flows run against the real network in tst_kioskcontroller.
#include "fakebackend.h"

#include "controllers/kioskcontroller.h"
#include "core/cards.h"
#include "hardware/guardedhardware.h"
#include "hardware/simulatedhardware.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using Screen = KioskController::Screen;

namespace {

// Deadlines on the hardware as the app has them, short: the simulated device answers in 1 ms.
DeviceDeadlines flowDeadlines()
{
    DeviceDeadlines d;
    d.dispenseMs = d.storeMs = d.ejectMs = d.paymentMs = d.selfTestMs = d.clearJamMs = 300;
    d.statusMs = 200;
    return d;
}

struct Flow {
    FakeBackend backend;
    SimulatedHardware hw;
    GuardedHardware guard{&hw, flowDeadlines()};
    KioskController ctl{&backend, &guard};
    QDateTime now = QDateTime::currentDateTimeUtc();

    Flow()
    {
        hw.setLatencyMs(1);
        ctl.setClock([this] { return now; });
        backend.setClock([this] { return now; });
        backend.slotContents([this](QHash<int, QString> inSlots) { hw.setContents(inSlots); });
        if (!QTest::qWaitFor([&] { return ctl.catalog()->rowCount() == 3 && hw.occupied(1); }, 2000))
            qFatal("the fake kiosk's catalog or carousel did not fill");
    }
    // The carousel holds what the records say (after a test moved discs behind the kiosk's back).
    bool matchCarouselToRecords()
    {
        bool done = false;
        backend.slotContents([this, &done](QHash<int, QString> inSlots) {
            hw.setContents(inSlots);
            done = true;
        });
        return QTest::qWaitFor([&] { return done; }, 2000);
    }
    bool waitScreen(Screen s, int ms = 5000)
    {
        return QTest::qWaitFor([&] { return ctl.screen() == s; }, ms);
    }
    static QByteArray track(const QString &card) { return ";" + card.toLatin1() + "=3012?"; }
    void swipe(int member) { hw.swipeCard(track(FakeBackend::memberCard(member))); }
    void typePin(const QString &pin)
    {
        for (const QChar c : pin)
            ctl.pinDigit(c.digitValue());
        ctl.pinEnter();
    }
    bool signIn(int member)
    {
        swipe(member);
        if (!waitScreen(Screen::Pin))
            return false;
        typePin(FakeBackend::memberPin(member));
        return QTest::qWaitFor([&] { return ctl.signedIn(); }, 5000);
    }
    // A member rents TITLE and the visit ends: the barcode of the disc now out (empty on failure).
    QString rentAndFinish(int title, int member)
    {
        if (!toSummary({title}, member))
            return {};
        QSignalSpy rented(&ctl, &KioskController::rentalFinished);
        ctl.pay();
        if (!rented.wait(5000) || backend.openRentals().isEmpty())
            return {};
        const QString barcode = backend.openRentals().first().barcode;
        ctl.finish();
        return barcode;
    }
    // A visit from the start to the summary: TITLES in the cart, MEMBER signed in.
    bool toSummary(std::initializer_list<int> titles, int member)
    {
        ctl.start();
        for (const int t : titles)
            ctl.addToCart(t);
        ctl.checkout();
        return signIn(member) && waitScreen(Screen::Summary);
    }
    // CODE typed on the summary; true once it is applied.
    bool promo(const QString &code)
    {
        ctl.applyPromo(code);
        return QTest::qWaitFor([&] { return !ctl.promoCode().isEmpty(); }, 5000);
    }
    bool messageSays(const char *words)
    {
        return QTest::qWaitFor([&] { return ctl.message().contains(QLatin1String(words)); }, 5000);
    }
};

}   // namespace

class TestKioskFlow : public QObject {
    Q_OBJECT
private slots:
    void twoDiscsRentedAndAJammedOneIsVoidedNotCharged()
    {
        Flow f;
        f.ctl.start();
        QCOMPARE(f.ctl.screen(), Screen::Browse);
        f.ctl.openTitle(1);
        QCOMPARE(f.ctl.screen(), Screen::Title);
        QCOMPARE(f.ctl.title()->title(), QStringLiteral("Academy Dinosaur"));
        QCOMPARE(f.ctl.title()->available(), 2);
        QCOMPARE(f.ctl.title()->formatName(), QStringLiteral("DVD"));
        QCOMPARE(f.ctl.nightPriceOf(f.ctl.title()->nightExtraCents()), 179);   // from the cheapest plan
        f.ctl.openTitle(2);
        QCOMPARE(f.ctl.title()->formatName(), QStringLiteral("Blu-ray"));
        QCOMPARE(f.ctl.nightPriceOf(f.ctl.title()->nightExtraCents()), 229);
        f.ctl.openTitle(1);
        f.ctl.addToCart(1);
        QVERIFY(f.ctl.title()->inCart());
        f.ctl.addToCart(1);
        QVERIFY(f.ctl.message().contains(QLatin1String("already in your cart")));
        f.ctl.addToCart(2);
        f.ctl.checkout();
        QCOMPARE(f.ctl.screen(), Screen::SignIn);
        QVERIFY(f.signIn(1));
        QVERIFY(f.waitScreen(Screen::Summary));
        // The summary is priced as the red box prices it: the member's plan plus each title's
        // format (title 2 is a Blu-ray, 50 cents more a night), the kiosk's tax on each disc.
        QCOMPARE(f.ctl.summary()->discs(), 2);
        QCOMPARE(f.ctl.pricePerNight(), 179);
        QCOMPARE(f.ctl.lowestPricePerNight(), 179);   // the cheapest plan the kiosk's data has
        QCOMPARE(f.ctl.cart()->data(f.ctl.cart()->index(1), CartModel::NightRole).toInt(), 229);
        QCOMPARE(f.ctl.summary()->subtotal(), 179 + 229);
        QCOMPARE(f.ctl.summary()->tax(), 15 + 19);   // 8.25 % of 179 = 14.77 and of 229 = 18.89, per disc
        QCOMPARE(f.ctl.summary()->total(), 179 + 229 + 15 + 19);
        QVERIFY(f.ctl.summary()->dueAt() > f.now);
        // The second disc jams.
        QObject::connect(
            &f.hw, &KioskHardware::dispensed, &f.hw, [&f](int, const QString &) { f.hw.jamNextDispense(1); }, Qt::SingleShotConnection);
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QCOMPARE(f.ctl.screen(), Screen::Paying);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(finished.first().at(1).toInt(), 1);
        QCOMPARE(f.ctl.screen(), Screen::Receipt);
        QCOMPARE(f.backend.openRentals().size(), 1);   // the jammed one was voided
        int voided = 0;
        for (const auto &r : f.backend.rentals())
            voided += r.status == QLatin1String("void") ? 1 : 0;
        QCOMPARE(voided, 1);
        f.ctl.finish();
        QCOMPARE(f.ctl.screen(), Screen::Attract);
        QVERIFY(!f.ctl.signedIn());
        QCOMPARE(f.ctl.cart()->rowCount(), 0);
    }

    // The device's answers to the payment and to the dispense are lost: the kiosk asks its status
    // at each deadline and goes on, the disc rented once. A dispenser that stops answering ends
    // the dispense as failed: the rental voided, the customer told, never left on a spinner.
    void aLostOrMissingDeviceAnswerNeverLeavesTheCustomerWaiting()
    {
        Flow f;
        QVERIFY(f.toSummary({1}, 1));
        f.hw.loseNextAnswers(2);
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        QSignalSpy faults(&f.guard, &KioskHardware::fault);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(f.ctl.screen(), Screen::Receipt);
        QCOMPARE(f.hw.dispensedCount(), 1);
        QCOMPARE(f.backend.openRentals().size(), 1);
        QCOMPARE(faults.count(), 0);
        f.ctl.finish();

        QVERIFY(f.toSummary({2}, 1));
        QObject::connect(
            &f.hw, &KioskHardware::authorized, &f.hw, [&f] { f.hw.setUnresponsive(true); }, Qt::SingleShotConnection);
        finished.clear();
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(finished.first().at(1).toInt(), 1);
        QCOMPARE(f.ctl.screen(), Screen::Receipt);
        QVERIFY(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::MessageRole).toString().contains(QLatin1String("not charged")));
        QCOMPARE(f.backend.openRentals().size(), 1);   // the second was voided
        QCOMPARE(faults.count(), 1);
        QVERIFY(faults.first().at(0).toString().contains(QLatin1String("dispenser did not answer")));
    }

    // A disc on sale can be bought beside the rentals: the summary adds its price and tax (no
    // night, no promo on it), it counts against no plan limit, and the receipt says it is kept.
    // Offline it is refused with a reason.
    void aDiscOnSaleIsBoughtBesideTheRentals()
    {
        Flow f;
        f.ctl.start();
        f.ctl.openTitle(1);
        QCOMPARE(f.ctl.title()->saleCents(), 0);
        f.ctl.buy(1);
        QVERIFY(f.ctl.message().contains(QLatin1String("not for sale")));
        f.ctl.openTitle(3);
        QCOMPARE(f.ctl.title()->saleCents(), 500);
        f.ctl.buy(3);
        QVERIFY(f.ctl.title()->inCart());
        f.ctl.addToCart(3);
        QVERIFY(f.ctl.message().contains(QLatin1String("already in your cart")));
        f.ctl.addToCart(1);
        f.ctl.addToCart(2);
        f.ctl.checkout();
        QVERIFY(f.signIn(0));   // a plan of 2 discs: the purchase is not one of them
        QVERIFY(f.waitScreen(Screen::Summary));
        QCOMPARE(f.ctl.cart()->rowCount(), 3);
        QCOMPARE(f.ctl.summary()->discs(), 3);
        QCOMPARE(f.ctl.summary()->bought(), 1);
        QVERIFY(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::PurchaseRole).toBool());
        QCOMPARE(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::NightRole).toInt(), 500);
        QCOMPARE(f.ctl.summary()->subtotal(), 500 + 199 + 249);
        QCOMPARE(f.ctl.summary()->tax(), 41 + 16 + 21);   // 8.25 % of each: 41.25, 16.42, 20.54
        QVERIFY(f.promo(QStringLiteral("FREENIGHT")));
        QCOMPARE(f.ctl.summary()->discount(), 199);   // off the first night, not off the disc bought
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 3);
        int bought = 0;
        for (const auto &r : f.backend.rentals())
            bought += r.status == QLatin1String("bought") ? 1 : 0;
        QCOMPARE(bought, 1);
        QCOMPARE(f.backend.openRentals().size(), 2);
        QCOMPARE(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::PriceRole).toInt(), 541);
        f.ctl.finish();

        // At the plan's limit a disc can still be bought, but not offline: refused with a reason.
        f.backend.setOffline(true);
        f.ctl.start();
        f.ctl.buy(3);
        f.ctl.checkout();
        QVERIFY(f.signIn(0));
        QVERIFY(f.waitScreen(Screen::Summary));
        QCOMPARE(f.ctl.cart()->rowCount(), 1);
        QSignalSpy finishedOffline(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(finishedOffline.wait(5000));
        QCOMPARE(finishedOffline.first().at(0).toInt(), 0);
        QCOMPARE(finishedOffline.first().at(1).toInt(), 1);
        QVERIFY2(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::MessageRole).toString().contains(QLatin1String("online only")),
                 qPrintable(f.ctl.cart()->data(f.ctl.cart()->index(0), CartModel::MessageRole).toString()));
    }

    // A promo code on the summary: HQ's grant takes one night off (never more than it costs),
    // one code per rental, once per card; offline it is refused with a reason and the rental
    // goes on without it; a grant no rental used goes back.
    void aPromoCodeTakesOneNightOffOncePerCardAndNeedsTheNetwork()
    {
        Flow f;
        QVERIFY(f.toSummary({1, 2}, 1));
        f.ctl.applyPromo(QStringLiteral("nope"));
        QVERIFY(f.messageSays("NOPE is not a promo code"));
        QVERIFY(f.ctl.promoCode().isEmpty());
        QVERIFY(f.promo(QStringLiteral("freenight")));
        QCOMPARE(f.ctl.promoCode(), QStringLiteral("FREENIGHT"));
        QVERIFY2(f.ctl.message().contains(QLatin1String("applied")), qPrintable(f.ctl.message()));
        QCOMPARE(f.ctl.summary()->discount(), 179);   // the first disc's night, not the code's $10
        QCOMPARE(f.ctl.summary()->subtotal(), 229);
        QCOMPARE(f.ctl.summary()->tax(), 19);
        f.ctl.applyPromo(QStringLiteral("FREENIGHT"));
        QVERIFY(f.ctl.message().contains(QLatin1String("One promo code per rental")));
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 2);
        QCOMPARE(f.ctl.cart()->items().at(0).amountCents, 0);
        QCOMPARE(f.ctl.cart()->items().at(1).amountCents, 229);
        f.ctl.finish();
        QCOMPARE(f.backend.promoReleases(), 0);   // used: nothing to give back

        // The same card again: used.
        QVERIFY(f.toSummary({3}, 1));
        f.ctl.applyPromo(QStringLiteral("FREENIGHT"));
        QVERIFY(f.messageSays("already used"));
        QVERIFY(f.ctl.promoCode().isEmpty());
        QCOMPARE(f.ctl.summary()->discount(), 0);
        f.ctl.cancel();

        // Another card, offline: refused with the reason, and the rental goes on at full price.
        QVERIFY(f.toSummary({3}, 0));
        f.backend.setOffline(true);
        f.ctl.applyPromo(QStringLiteral("FREENIGHT"));
        QVERIFY(f.messageSays("checked online"));
        QVERIFY(f.ctl.promoCode().isEmpty());
        f.backend.setOffline(false);
        // Granted, then the customer walks away: the grant goes back, the card keeps its code.
        QVERIFY(f.promo(QStringLiteral("FREENIGHT")));
        f.ctl.removePromo();
        QVERIFY(f.ctl.promoCode().isEmpty());
        QCOMPARE(f.ctl.summary()->discount(), 0);
        QCOMPARE(f.backend.promoReleases(), 1);
        QVERIFY(f.promo(QStringLiteral("FREENIGHT")));
        f.ctl.cancel();
        QCOMPARE(f.backend.promoReleases(), 2);

        // One disc, its night free: nothing is due now, the card is still checked (a small hold).
        QVERIFY(f.toSummary({1}, 0));
        QVERIFY(f.promo(QStringLiteral("FREENIGHT")));
        QCOMPARE(f.ctl.summary()->total(), 0);
        QSignalSpy freeOne(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(freeOne.wait(5000));
        QCOMPARE(freeOne.first().at(0).toInt(), 1);
        QCOMPARE(f.ctl.cart()->items().at(0).amountCents, 0);
        f.ctl.finish();
        QCOMPARE(f.backend.promoReleases(), 2);
    }

    // A grant the red box will not take (it expired while the customer waited): the disc is
    // rented again without it, at its price, and the grant goes back.
    void aPromoTheRedBoxRefusesIsDroppedAndTheDiscRentedAtItsPrice()
    {
        Flow f;
        QVERIFY(f.toSummary({2}, 1));
        QVERIFY(f.promo(QStringLiteral("FREENIGHT")));
        f.backend.expireNextGrant();
        QSignalSpy refused(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(refused.wait(5000));
        QCOMPARE(refused.first().at(0).toInt(), 1);
        QVERIFY(f.ctl.cart()->items().at(0).amountCents > 0);
        QVERIFY(f.ctl.promoCode().isEmpty());
        QVERIFY2(f.ctl.message().contains(QLatin1String("without it")), qPrintable(f.ctl.message()));
        QCOMPARE(f.backend.promoReleases(), 1);
    }

    void aDeclinedCardRentsNothing()
    {
        Flow f;
        f.ctl.start();
        f.ctl.addToCart(3);
        f.ctl.checkout();
        QVERIFY(f.signIn(0));
        QVERIFY(f.waitScreen(Screen::Summary));
        f.hw.declineNextPayment();
        f.ctl.pay();
        QVERIFY(QTest::qWaitFor([&] { return f.ctl.message().contains(QLatin1String("declined")); }, 5000));
        QCOMPARE(f.ctl.screen(), Screen::Summary);
        QVERIFY(f.backend.rentals().isEmpty());
        QCOMPARE(f.hw.dispensedCount(), 0);
    }

    // The count is the server's (here the fake's), as at every kiosk; the screen shows its answers.
    void fiveWrongPinsLockTheCardForFifteenMinutes()
    {
        Flow f;
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.checkout();
        f.swipe(0);
        QVERIFY(f.waitScreen(Screen::Pin));
        const QString hash = f.backend.cardHashFor(FakeBackend::memberCard(0));
        for (int i = 1; i <= 4; ++i) {
            f.typePin(QStringLiteral("0000"));
            QVERIFY(QTest::qWaitFor([&] { return f.ctl.triesLeft() == 5 - i; }, 5000));
            QCOMPARE(f.backend.triesLeft(hash), 5 - i);
            QVERIFY(f.ctl.message().contains(QLatin1String("Wrong PIN")));
        }
        f.typePin(QStringLiteral("0000"));
        QVERIFY(f.waitScreen(Screen::SignIn));
        QVERIFY(f.ctl.message().contains(QLatin1String("locked")));
        // Locked: a swipe is refused, even with the right PIN at hand.
        f.swipe(0);
        QTest::qWait(50);
        QCOMPARE(f.ctl.screen(), Screen::SignIn);
        QVERIFY(f.ctl.message().contains(QLatin1String("Try again in 15 minute")));
        // Fourteen minutes later, still locked; sixteen, open again.
        f.now = f.now.addSecs(14 * 60);
        f.swipe(0);
        QTest::qWait(50);
        QCOMPARE(f.ctl.screen(), Screen::SignIn);
        f.now = f.now.addSecs(2 * 60);
        QVERIFY(f.signIn(0));
        QCOMPARE(f.ctl.triesLeft(), 5);
        QCOMPARE(f.backend.triesLeft(hash), 5);
    }

    void anIdleKioskGoesBackToTheAttractLoopAndCancelsTheVisit()
    {
        Flow f;
        f.ctl.setIdleTimeoutMs(300);
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.checkout();
        QVERIFY(f.signIn(0));
        QVERIFY(f.waitScreen(Screen::Summary));
        QVERIFY(f.waitScreen(Screen::Attract, 3000));
        QVERIFY(!f.ctl.signedIn());
        QCOMPARE(f.ctl.cart()->rowCount(), 0);
        QVERIFY(f.backend.rentals().isEmpty());
    }

    // The exit reader keeps a disc whose label it cannot read; a device that lets another disc out
    // is caught by the kiosk. Either way the rental is voided, nothing is charged, and the disc is
    // suspect (not offered again) until a technician has looked.
    void aDiscTheExitCannotVouchForIsVoidedAndSuspect()
    {
        Flow f;
        QVERIFY(f.toSummary({1}, 1));
        f.hw.smudgeNextExitLabel();
        QSignalSpy rented(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(rented.wait(5000));
        QCOMPARE(rented.last().at(0).toInt(), 0);
        QCOMPARE(rented.last().at(1).toInt(), 1);
        const CartModel::Item kept = f.ctl.cart()->items().first();
        QVERIFY2(kept.message.contains(QLatin1String("not charged")), qPrintable(kept.message));
        QCOMPARE(f.backend.conditionOf(kept.barcode), QStringLiteral("suspect"));
        QVERIFY(f.backend.openRentals().isEmpty());
        QCOMPARE(f.hw.retained(), QStringList{kept.barcode});
        f.ctl.finish();

        QVERIFY(f.toSummary({2}, 1));
        f.hw.skipExitCheck(true);
        const QString stranger = FakeBackend::discOf(3, 9);
        for (int s = 1; s <= 40; ++s)
            if (f.hw.occupied(s))
                f.hw.putDisc(s, stranger);   // every slot holds a disc the records put elsewhere
        f.ctl.pay();
        QVERIFY(rented.wait(5000));
        QCOMPARE(rented.last().at(0).toInt(), 0);
        const CartModel::Item wrong = f.ctl.cart()->items().first();
        QCOMPARE(wrong.state, CartModel::State::Failed);
        QCOMPARE(f.backend.conditionOf(wrong.barcode), QStringLiteral("suspect"));
        QVERIFY(f.backend.openRentals().isEmpty());
    }

    // A return in two steps: the disc goes in, then the return is recorded. A disc the kiosk could
    // not take in is not returned (the rental stays open); a return the records refuse is handed
    // back out of the door, and nothing is recorded.
    void aReturnIsRecordedOnlyOnceTheDiscIsIn()
    {
        Flow f;
        const QString barcode = f.rentAndFinish(1, 1);
        QVERIFY(!barcode.isEmpty());

        QList<int> blocked;
        for (int s = 1; s <= 40; ++s)
            if (!f.hw.occupied(s)) {
                f.hw.putDisc(s, FakeBackend::discOf(3, 9));   // the records say free; the slot is not
                blocked << s;
            }
        QSignalSpy returned(&f.ctl, &KioskController::returnFinished);
        f.ctl.startReturn();
        f.hw.insertDisc(barcode);
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QVERIFY2(f.ctl.message().contains(QLatin1String("not returned yet")), qPrintable(f.ctl.message()));
        QCOMPARE(f.backend.openRentals().size(), 1);
        QTRY_VERIFY(!f.hw.discInReturnSlot());   // given back
        QVERIFY(!f.ctl.busy());
        QVERIFY(f.backend.storing().isEmpty());   // the store journal forgot it

        QVERIFY(f.matchCarouselToRecords());
        QVERIFY(!f.hw.occupied(blocked.first()));
        // The store journal holds the return from before the disc moves until it is recorded.
        QStringList journalWhenStored;
        QObject::connect(&f.hw, &KioskHardware::stored, &f.ctl, [&] { journalWhenStored = f.backend.storing(); });
        f.ctl.startReturn();
        f.hw.insertDisc(barcode);
        QVERIFY(returned.wait(5000));
        QVERIFY(returned.last().first().toBool());
        QCOMPARE(journalWhenStored, QStringList{barcode});
        QVERIFY(f.backend.storing().isEmpty());
        QVERIFY(f.backend.openRentals().isEmpty());
        QCOMPARE(f.backend.discsIn(), 6);

        // A disc of a title this network does not carry: in, refused, and out of the door again.
        const QString foreign = FakeBackend::discOf(77, 1);
        int filled = 0;
        for (int s = 1; s <= 40; ++s)
            filled += f.hw.occupied(s) ? 1 : 0;
        f.ctl.startReturn();
        f.hw.insertDisc(foreign);
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QVERIFY2(f.ctl.message().contains(QLatin1String("from the door")), qPrintable(f.ctl.message()));
        int after = 0;
        for (int s = 1; s <= 40; ++s)
            after += f.hw.occupied(s) ? 1 : 0;
        QCOMPARE(after, filled);   // nothing left behind in a slot
        QCOMPARE(f.backend.discsIn(), 6);
        QVERIFY(!f.ctl.busy());
        QVERIFY(f.backend.storing().isEmpty());

        // Refused, and the door jams as it is handed back: it stays inside, and HQ hears where.
        QList<std::pair<QString, QJsonObject>> alerts;
        f.ctl.deviceWatch()->setAlertHandler([&alerts](const QString &a, const QJsonObject &d) { alerts.append({a, d}); });
        f.hw.jamNextDispense();
        f.ctl.startReturn();
        f.hw.insertDisc(foreign);
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QVERIFY2(f.ctl.message().contains(QLatin1String("kept safe inside")), qPrintable(f.ctl.message()));
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().first, QStringLiteral("disc_left_inside"));
        QCOMPARE(alerts.first().second.value(QStringLiteral("barcode")).toString(), foreign);
        QVERIFY(alerts.first().second.value(QStringLiteral("slot")).toInt() > 0);
        QVERIFY(f.backend.storing().isEmpty());
        QVERIFY(f.matchCarouselToRecords());

        // Storage that cannot write the journal: the disc is not taken in at all.
        const QString second = f.rentAndFinish(2, 1);
        QVERIFY(!second.isEmpty());
        f.backend.failStoreJournal(true);
        f.ctl.startReturn();
        f.hw.insertDisc(second);
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QVERIFY2(f.ctl.message().contains(QLatin1String("cannot take returns")), qPrintable(f.ctl.message()));
        QTRY_VERIFY(!f.hw.discInReturnSlot());
        QCOMPARE(f.backend.openRentals().size(), 1);
        f.backend.failStoreJournal(false);
    }

    // Two jams in a row put rentals out of order: the next visit gets the out-of-order screen,
    // which still takes returns, and HQ hears of it (an alert in the audit log). A technician's
    // cleared jam opens rentals again.
    void twoJamsInARowPutRentalsOutOfOrderButReturnsStillWork()
    {
        Flow f;
        QList<QPair<QString, QJsonObject>> alerts;
        f.ctl.deviceWatch()->setAlertHandler([&alerts](const QString &a, const QJsonObject &d) { alerts.append({a, d}); });
        const QString out = f.rentAndFinish(3, 1);
        QVERIFY(!out.isEmpty());

        QVERIFY(f.toSummary({1, 2}, 1));
        f.hw.jamNextDispense(2);
        QSignalSpy rented(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(rented.wait(5000));
        QCOMPARE(rented.last().at(1).toInt(), 2);
        QVERIFY(!f.ctl.rentalsOpen());
        QVERIFY(f.ctl.returnsOpen());
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().first, QStringLiteral("device_fault"));
        QCOMPARE(alerts.first().second.value(QStringLiteral("lane")).toString(), QStringLiteral("rentals"));
        QCOMPARE(f.ctl.screen(), Screen::Receipt);   // the visit under way ends as it should
        f.ctl.finish();
        f.ctl.start();
        QCOMPARE(f.ctl.screen(), Screen::OutOfOrder);
        f.ctl.checkout();
        QCOMPARE(f.ctl.screen(), Screen::OutOfOrder);

        QSignalSpy returned(&f.ctl, &KioskController::returnFinished);
        f.ctl.startReturn();
        QCOMPARE(f.ctl.screen(), Screen::ReturnInsert);
        f.hw.insertDisc(out);
        QVERIFY(returned.wait(5000));
        QVERIFY(returned.last().first().toBool());
        QVERIFY(f.backend.openRentals().isEmpty());

        QSignalSpy cleared(&f.guard, &KioskHardware::jamCleared);
        f.guard.clearJam();   // the technician's
        QVERIFY(cleared.wait(3000));
        QVERIFY(f.ctl.rentalsOpen());
        QCOMPARE(alerts.last().first, QStringLiteral("device_restored"));
        f.ctl.start();
        QCOMPARE(f.ctl.screen(), Screen::Browse);
    }

    // A carousel that stops answering a store: returns out of order at once, rentals still open.
    void aSilentCarouselStopsReturnsOnly()
    {
        Flow f;
        const QString out = f.rentAndFinish(3, 1);
        QVERIFY(!out.isEmpty());
        QSignalSpy returned(&f.ctl, &KioskController::returnFinished);
        f.ctl.startReturn();
        f.hw.loseNextRequests(1);   // the STORE line never arrives; STATUS finds the device idle
        f.hw.insertDisc(out);
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QCOMPARE(f.backend.openRentals().size(), 1);   // not returned: the customer keeps it
        QVERIFY(!f.ctl.returnsOpen());
        QVERIFY(f.ctl.rentalsOpen());
        f.ctl.startReturn();
        QCOMPARE(f.ctl.screen(), Screen::OutOfOrder);
        f.ctl.start();
        QCOMPARE(f.ctl.screen(), Screen::Browse);
    }

    void returnsOnTimeLateAndRentedElsewhere()
    {
        Flow f;
        // Rented three days ago here (the kiosk's clock set back for the visit).
        const QDateTime realNow = f.now;
        f.now = realNow.addDays(-3);
        f.ctl.start();
        f.ctl.addToCart(2);
        f.ctl.checkout();
        QVERIFY(f.signIn(0));
        QVERIFY(f.waitScreen(Screen::Summary));
        QSignalSpy rented(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(rented.wait(5000));
        const QString barcode = f.backend.openRentals().first().barcode;
        f.ctl.finish();
        f.now = realNow;
        f.ctl.startReturn();
        QCOMPARE(f.ctl.screen(), Screen::ReturnInsert);
        QSignalSpy returned(&f.ctl, &KioskController::returnFinished);
        f.hw.insertDisc(barcode);
        QVERIFY(returned.wait(5000));
        QVERIFY(returned.last().first().toBool());
        QCOMPARE(f.ctl.screen(), Screen::ReturnResult);
        QVERIFY(f.ctl.returned()->lateDays() >= 2);
        QCOMPARE(f.ctl.returned()->late(), f.ctl.returned()->charge() - 199);
        QVERIFY(!f.ctl.returned()->foreign());
        QVERIFY(f.backend.openRentals().isEmpty());
        QCOMPARE(f.backend.discsIn(), 6);   // every disc back in a slot
        // A disc of ours rented by someone this kiosk does not know.
        const QString other = FakeBackend::discOf(3, 2);
        f.backend.rentOutElsewhere(other);
        QVERIFY(f.matchCarouselToRecords());   // that disc left this kiosk
        f.ctl.startReturn();
        f.hw.insertDisc(other);
        QVERIFY(returned.wait(5000));
        QVERIFY(f.ctl.returned()->foreign());
        // Not one of our discs: given back, nothing recorded.
        f.ctl.startReturn();
        f.hw.insertDisc(QStringLiteral("D123"));
        QVERIFY(returned.wait(5000));
        QVERIFY(!returned.last().first().toBool());
        QVERIFY(f.ctl.message().contains(QLatin1String("not one of ours")));
    }

    void offlineTheCartIsLimitedToTheAllowance()
    {
        Flow f;
        f.ctl.start();
        // The member signed in here once, online: the kiosk keeps its own verifier of the card.
        f.ctl.addToCart(1);
        f.ctl.checkout();
        QVERIFY(f.signIn(1));
        f.ctl.finish();
        f.backend.setOffline(true);
        QCOMPARE(f.ctl.link(), QStringLiteral("offline"));
        f.ctl.addToCart(1);
        f.ctl.checkout();
        QVERIFY(f.signIn(1));   // a plan of 4, offline allowance 3
        QCOMPARE(f.ctl.allowance(), 3);
        f.ctl.browse();
        f.ctl.addToCart(2);
        f.ctl.addToCart(3);
        QCOMPARE(f.ctl.cart()->rowCount(), 3);
        f.backend.setOffline(false);
        QCOMPARE(f.ctl.allowance(), 4);
        // Back offline with three discs already out: none more may be rented.
        f.ctl.checkout();
        QVERIFY(f.waitScreen(Screen::Summary));
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.backend.setOffline(true);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 3);
        QCOMPARE(f.ctl.allowance(), 0);
    }

    void offlineOnlyCardsSignedInHereBeforeCanSignIn()
    {
        Flow f;
        f.backend.setOffline(true);
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.checkout();
        QVERIFY(!f.signIn(0));
        QVERIFY(f.waitScreen(Screen::SignIn));
        QVERIFY2(f.ctl.message().contains(QLatin1String("has not seen your card")), qPrintable(f.ctl.message()));
        QVERIFY(f.backend.rentals().isEmpty());
    }

    void cardsThatAreNotMembersAreTurnedAwayWithAReason()
    {
        Flow f;
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.checkout();
        f.hw.swipeCard(Flow::track(memberCardNumber(555)));   // a valid card number nobody holds
        QVERIFY(QTest::qWaitFor([&] { return f.ctl.message().contains(QLatin1String("not a Redbox membership card we know")); }, 5000));
        QCOMPARE(f.ctl.screen(), Screen::SignIn);
        f.hw.swipeCard(";12345?");
        QVERIFY(QTest::qWaitFor([&] { return f.ctl.message().contains(QLatin1String("could not be read")); }, 5000));
        f.hw.swipeCard(Flow::track(technicianCardNumber(7)));
        QVERIFY(QTest::qWaitFor([&] { return f.ctl.message().contains(QLatin1String("Technician cards")); }, 5000));
        QCOMPARE(f.ctl.screen(), Screen::SignIn);
    }

    void aBankCardRentsWithItsZipOnlineOnlyAndThreeWrongZipsEndTheVisit()
    {
        Flow f;
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.checkout();
        const auto zip = [&f](const QString &digits) {
            for (const QChar c : digits)
                f.ctl.pinDigit(c.digitValue());
            f.ctl.pinEnter();
        };
        f.hw.swipeCard(Flow::track(QStringLiteral("4111111111111111")), QStringLiteral("60601"));
        QVERIFY(f.waitScreen(Screen::Pin));
        QVERIFY(f.ctl.walkUp());
        for (int attempt = 1; attempt <= 3; ++attempt) {
            zip(QStringLiteral("60602"));
            QVERIFY(f.waitScreen(Screen::Summary));
            QCOMPARE(f.ctl.allowance(), 3);
            f.ctl.pay();
            QVERIFY(QTest::qWaitFor([&] { return f.ctl.message().contains(QLatin1String("ZIP does not match")); }, 5000));
            QCOMPARE(f.ctl.screen(), attempt < 3 ? Screen::Pin : Screen::Browse);
        }
        QVERIFY(!f.ctl.signedIn());
        QCOMPARE(f.ctl.cart()->rowCount(), 0);
        QVERIFY(f.backend.rentals().isEmpty());
        // The right ZIP rents.
        f.ctl.addToCart(1);
        f.ctl.checkout();
        f.hw.swipeCard(Flow::track(QStringLiteral("4111111111111111")), QStringLiteral("60601"));
        QVERIFY(f.waitScreen(Screen::Pin));
        zip(QStringLiteral("60601"));
        QVERIFY(f.waitScreen(Screen::Summary));
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        f.ctl.finish();
        // Offline a bank card is turned away with the reason, before anything is authorized.
        f.backend.setOffline(true);
        f.ctl.start();
        f.ctl.addToCart(2);
        f.ctl.checkout();
        f.hw.swipeCard(Flow::track(QStringLiteral("5555555555554444")), QStringLiteral("60601"));
        QVERIFY(f.waitScreen(Screen::Pin));
        zip(QStringLiteral("60601"));
        QVERIFY(f.waitScreen(Screen::SignIn));
        QVERIFY2(f.ctl.message().contains(QLatin1String("need the network")), qPrintable(f.ctl.message()));
        QCOMPARE(f.backend.rentals().size(), 1);
    }

    void aRefusedRentalIsNotChargedAndTheOthersGoOn()
    {
        Flow f;
        f.ctl.start();
        f.ctl.addToCart(1);
        f.ctl.addToCart(2);
        f.ctl.checkout();
        QVERIFY(f.signIn(1));
        QVERIFY(f.waitScreen(Screen::Summary));
        f.backend.refuseNextRental(Failure::InDoubt, QStringLiteral("the rental could not be confirmed"));
        QSignalSpy finished(&f.ctl, &KioskController::rentalFinished);
        f.ctl.pay();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(finished.first().at(1).toInt(), 1);
        const CartModel::Item &first = f.ctl.cart()->items().first();
        QCOMPARE(first.state, CartModel::State::Failed);
        QVERIFY(first.message.contains(QLatin1String("not charged")));
        QCOMPARE(f.hw.dispensedCount(), 1);
    }
};

QTEST_MAIN(TestKioskFlow)
#include "tst_kioskflow.moc"
