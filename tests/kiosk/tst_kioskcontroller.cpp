// The kiosk controller (no screen) against the real test network and the
// simulated hardware: the rental flow, a jam and a declined card (nothing
// charged), the return flow (same kiosk, elsewhere, unreadable), sign-in with
// the 5-PIN lockout, the idle timeout, and renting while offline.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "kioskrig.h"
#include "testnetwork.h"

#include "controllers/kioskcontroller.h"
#include "core/cards.h"
#include "hardware/simulatedhardware.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;
using Screen = KioskController::Screen;

class TestKioskController : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
    }

    void cleanup()
    {
        QVERIFY(net.waitForQuiet(120s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void aMemberRentsTwoDiscsAndAJammedOneIsNotCharged()
    {
        KioskRig k(QStringLiteral("west-rb1"), 1);
        k.ctl->start();
        QCOMPARE(k.ctl->screen(), Screen::Browse);
        const int a = k.availableTitle(0), b = k.availableTitle(1), c = k.availableTitle(2);
        k.ctl->addToCart(a);
        k.ctl->addToCart(b);
        k.ctl->addToCart(c);
        k.ctl->addToCart(a);
        QVERIFY(k.ctl->message().contains(QLatin1String("already in your cart")));
        QCOMPARE(k.ctl->cart()->rowCount(), 3);
        k.ctl->checkout();
        QCOMPARE(k.ctl->screen(), Screen::SignIn);
        memberSignIn(k, tryMember(QStringLiteral("west"), 1));
        QVERIFY(k.waitScreen(Screen::Summary));
        const RentalSummary *s = k.ctl->summary();
        QVERIFY(s->total() > s->subtotal());
        // The second disc jams.
        QObject::connect(
            &k.hw, &KioskHardware::dispensed, &k.hw, [&k](int, const QString &) { k.hw.jamNextDispense(1); }, Qt::SingleShotConnection);
        const int discs = k.ctl->cart()->rowCount();   // the plan may have shortened the cart
        QVERIFY(discs >= 2);
        QSignalSpy finished(k.ctl.get(), &KioskController::rentalFinished);
        k.ctl->pay();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toInt(), discs - 1);   // rented and dispensed
        QCOMPARE(finished.first().at(1).toInt(), 1);   // jammed: voided
        QCOMPARE(k.ctl->screen(), Screen::Receipt);
        QVERIFY(net.waitForQuiet(60s));
        int voided = 0;
        for (const CartModel::Item &i : k.ctl->cart()->items()) {
            const QString id = i.rentalId.toString(QUuid::WithoutBraces);
            if (i.state == CartModel::State::Failed) {
                ++voided;
                QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'void'", {id}),
                         1);
                QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1 AND NOT voided", {id}), 0);
                QCOMPARE(
                    count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {i.barcode}),
                    1);   // the jammed disc stays in its slot
                // ... suspect (not offered) at every tier until a technician has looked.
                for (const QString &node : {QStringLiteral("west-rb1"), QStringLiteral("west"), QStringLiteral("hq")})
                    QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND condition = 'suspect'", {i.barcode}), 1);
                QVERIFY(eventually([&] {
                    const auto d = k.engine->disc(i.barcode);
                    return d && d->condition == QLatin1String("suspect");
                }));
            } else {
                QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1 AND NOT voided", {id}), 1);
            }
        }
        QCOMPARE(voided, 1);
        k.ctl->finish();
        QCOMPARE(k.ctl->screen(), Screen::Attract);
        QCOMPARE(k.ctl->cart()->rowCount(), 0);
        QVERIFY(!k.ctl->signedIn());
    }

    void aDeclinedCardChargesNothingAndRentsNothing()
    {
        KioskRig k(QStringLiteral("west-rb1"), 1);
        k.ctl->start();
        k.ctl->addToCart(k.availableTitle());
        k.ctl->checkout();
        const qint64 before = count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.rental");
        memberSignIn(k, tryMember(QStringLiteral("west"), 1));
        QVERIFY(k.waitScreen(Screen::Summary));
        k.hw.declineNextPayment();
        k.ctl->pay();
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("declined")); }, 10000));
        QCOMPARE(k.ctl->screen(), Screen::Summary);
        QCOMPARE(count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.rental"), before);
        QCOMPARE(k.hw.dispensedCount(), 0);
    }

    void aWalkUpCardRentsWithItsBillingZip()
    {
        // A credit card the network has never seen: no PIN, the billing ZIP instead; the card
        // reader's acquirer declines a wrong ZIP, the right one rents.
        QString number = QStringLiteral("5");
        for (int i = 0; i < 14; ++i)
            number += QChar(u'0' + QRandomGenerator::global()->bounded(10));
        number += QLatin1Char(luhnDigit(number));
        KioskRig k(QStringLiteral("west-rb2"), 1);
        k.ctl->start();
        k.ctl->addToCart(k.availableTitle(0));
        k.ctl->addToCart(k.availableTitle(1));
        k.ctl->checkout();
        k.hw.swipeCard(track(number), QStringLiteral("97201"));
        QVERIFY(k.waitScreen(Screen::Pin));
        QVERIFY(k.ctl->walkUp());
        for (const int d : {9, 7, 2, 0})
            k.ctl->pinDigit(d);
        k.ctl->pinEnter();
        QVERIFY(k.ctl->message().contains(QLatin1String("5 digits")));
        for (const int d : {9, 9})   // the fifth digit counts; a sixth is not taken
            k.ctl->pinDigit(d);
        QCOMPARE(k.ctl->pinLength(), 5);
        k.ctl->pinEnter();   // 97209: not the card's
        QVERIFY(k.waitScreen(Screen::Summary));
        QCOMPARE(k.ctl->pricePerNight(), 199);
        // "From $X a night" is the cheapest plan's night, from the data (Premium, $1.49).
        QTRY_COMPARE(k.ctl->lowestPricePerNight(), count(QStringLiteral("hq"), "SELECT min(daily_rate_cents) FROM redbox.membership"));
        QCOMPARE(k.ctl->allowance(), 3);
        k.ctl->pay();
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("ZIP")); }, 10000));
        QCOMPARE(k.ctl->screen(), Screen::Pin);
        QCOMPARE(k.hw.dispensedCount(), 0);
        for (const int d : {9, 7, 2, 0, 1})
            k.ctl->pinDigit(d);
        k.ctl->pinEnter();
        QVERIFY(k.waitScreen(Screen::Summary));
        QSignalSpy finished(k.ctl.get(), &KioskController::rentalFinished);
        k.ctl->pay();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toInt(), 2);
        // No address on file: the receipt goes to the one typed here, once it looks like one.
        k.ctl->emailReceipt();
        QVERIFY(k.ctl->message().contains(QLatin1String("Type your e-mail")));
        k.ctl->emailReceipt(QStringLiteral("not an address"));
        QVERIFY(k.ctl->message().contains(QLatin1String("does not look like")));
        k.ctl->emailReceipt(QStringLiteral("walkup@example.org"));
        QTRY_COMPARE_WITH_TIMEOUT(k.ctl->receiptState(), QStringLiteral("sent"), 30000);
        QVERIFY(net.waitForQuiet(60s));
        const QString card = net.cardHash(number);
        QCOMPARE(count(QStringLiteral("west"),
                       "SELECT count(*) FROM redbox.mail_queue q JOIN redbox.walkup_card w USING (member_id) "
                       "WHERE w.card_hash = $1 AND q.email = 'walkup@example.org'",
                       {card}),
                 1);
        QCOMPARE(count(QStringLiteral("west"),
                       "SELECT discs_out FROM redbox.membershipstatus s JOIN redbox.walkup_card w "
                       "USING (member_id) WHERE w.card_hash = $1",
                       {card}),
                 2);
        k.ctl->finish();
        // Back with the same card at the red box's other kiosk: one more disc fits, and no more.
        KioskRig other(QStringLiteral("west-rb2"), 2);
        other.ctl->start();
        other.ctl->addToCart(other.availableTitle(2));
        other.ctl->checkout();
        other.hw.swipeCard(track(number), QStringLiteral("97201"));
        QVERIFY(other.waitScreen(Screen::Pin));
        for (const int d : {9, 7, 2, 0, 1})
            other.ctl->pinDigit(d);
        other.ctl->pinEnter();
        QVERIFY(other.waitScreen(Screen::Summary));
        QCOMPARE(other.ctl->allowance(), 1);
    }

    void returnsAtThisKioskElsewhereAndUnreadable()
    {
        // A disc rented at west-rb2, returned here at west-rb1 (another red box), and one rented here.
        KioskCalls other(QStringLiteral("west-rb2"));
        const QString foreign = net.takeDisc(other.node(), other.kioskId());
        other.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west")))), foreign,
                   QDateTime::currentDateTimeUtc().addDays(-3));
        KioskCalls here(QStringLiteral("west-rb1"), 2);
        const QString local = net.takeDisc(here.node(), here.kioskId());
        here.rent(net.cardHash(memberCardNumber(net.takeMember(QStringLiteral("west")))), local,
                  QDateTime::currentDateTimeUtc().addDays(-2));
        QVERIFY(net.waitForQuiet(30s));

        KioskRig k(QStringLiteral("west-rb1"), 2);
        k.ctl->start();
        k.ctl->startReturn();
        QCOMPARE(k.ctl->screen(), Screen::ReturnInsert);
        QSignalSpy done(k.ctl.get(), &KioskController::returnFinished);
        k.hw.insertDisc(local);
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().first().toBool(), true);
        QCOMPARE(k.ctl->screen(), Screen::ReturnResult);
        QVERIFY(k.ctl->returned()->lateDays() >= 1);
        QVERIFY(k.ctl->returned()->late() > 0);
        QVERIFY(!k.ctl->returned()->foreign());

        k.ctl->startReturn();
        k.hw.insertDisc(foreign);
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().first().toBool(), true);
        QVERIFY(k.ctl->returned()->foreign());
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(count(QStringLiteral("hq"),
                       "SELECT count(*) FROM redbox.rental WHERE barcode = $1 AND status = 'returned' "
                       "AND charge_cents > daily_rate_cents",
                       {foreign}),
                 1);

        // An unreadable disc, and one that is not ours, are given back.
        k.ctl->startReturn();
        k.hw.misreadNextDisc();
        k.hw.insertDisc(QStringLiteral("D000010000012"));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().first().toBool(), false);
        QVERIFY(k.ctl->message().contains(QLatin1String("could not be read")));
        QTRY_VERIFY(!k.hw.discInReturnSlot());
        k.hw.insertDisc(QStringLiteral("X123"));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().first().toBool(), false);
        QTRY_VERIFY(!k.hw.discInReturnSlot());
        QCOMPARE(k.ctl->screen(), Screen::ReturnInsert);
    }

    void fiveWrongPinsLockTheCardForFifteenMinutes()
    {
        KioskRig k(QStringLiteral("east-rb1"), 1);
        k.ctl->start();
        k.ctl->addToCart(k.availableTitle());
        k.ctl->checkout();
        // A member no other test signs in with: the lock holds at every kiosk for 15 minutes.
        const QString card = memberCardNumber(net.takeMember(QStringLiteral("east")));
        QString wrong = net.pinOfCard(net.cardHash(card));
        wrong[0] = QChar(u'0' + (wrong[0].digitValue() + 1) % 10);
        // Bad swipes first: malformed, someone else's card number, an expired card.
        k.hw.swipeCard(";not-a-card?");
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("could not be read")); }, 5000));
        k.hw.swipeCard(";9000000000000001=3012?");   // Luhn-valid, but neither a Redbox card nor a bank card
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("cannot be used here")); }, 5000));
        k.hw.swipeCard(";" + card.toLatin1() + "=1001?");
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("expired")); }, 5000));
        k.hw.swipeCard(track(card));
        QVERIFY(k.waitScreen(Screen::Pin));
        // A PIN of the wrong length is not even checked.
        k.ctl->pinDigit(1);
        k.ctl->pinEnter();
        QVERIFY(k.ctl->message().contains(QLatin1String("4 digits")));
        k.ctl->pinBackspace();
        for (int attempt = 1; attempt <= 5; ++attempt) {
            for (const QChar c : wrong)
                k.ctl->pinDigit(c.digitValue());
            k.ctl->pinEnter();
            QVERIFY(QTest::qWaitFor([&] { return !k.ctl->busy(); }, 10000));
            if (attempt < 5)
                QVERIFY2(k.ctl->message().contains(QStringLiteral("%1 tries left").arg(5 - attempt)) ||
                             k.ctl->message().contains(QLatin1String("1 try")) || k.ctl->message().contains(QLatin1String("tries left")),
                         qPrintable(k.ctl->message()));
        }
        QCOMPARE(k.ctl->screen(), Screen::SignIn);
        QVERIFY2(k.ctl->message().contains(QLatin1String("locked after too many wrong PINs. Try again in 15 minute")),
                 qPrintable(k.ctl->message()));
        // Locked: even the right PIN is not asked for.
        k.hw.swipeCard(track(card));
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("locked")); }, 5000));
        QCOMPARE(k.ctl->screen(), Screen::SignIn);
        QVERIFY(!k.ctl->signedIn());
    }

    void anUnknownCardIsCheckedUpstreamThenRefused()
    {
        KioskRig k(QStringLiteral("west-rb2"), 2);
        k.ctl->start();
        k.ctl->addToCart(k.availableTitle());
        k.ctl->checkout();
        QSignalSpy busy(k.ctl.get(), &KioskController::busyChanged);
        k.hw.swipeCard(track(memberCardNumber(77777777)));
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->message().contains(QLatin1String("not a Redbox membership card we know")); }, 20000));
        QVERIFY(busy.count() >= 2);   // "Checking your card..." was shown, then cleared
        // An East member at this West kiosk: verified at HQ, then signs in.
        memberSignIn(k, tryMember(QStringLiteral("east"), 2));
        QVERIFY(k.waitScreen(Screen::Summary));
        QVERIFY(k.ctl->signedIn());
        k.ctl->cancel();
        QCOMPARE(k.ctl->screen(), Screen::Attract);
    }

    void anUntouchedScreenReturnsToTheAttractLoopAndCancelsCleanly()
    {
        KioskRig k(QStringLiteral("east-rb2"), 1);
        k.ctl->setIdleTimeoutMs(1500);
        k.ctl->start();
        k.ctl->addToCart(k.availableTitle());
        k.ctl->checkout();
        const qint64 before = count(QStringLiteral("east-rb2"), "SELECT count(*) FROM redbox.rental");
        memberSignIn(k, tryMember(QStringLiteral("east"), 1));
        QVERIFY(k.waitScreen(Screen::Summary));
        QVERIFY(k.waitScreen(Screen::Attract, 5000));
        QCOMPARE(k.ctl->cart()->rowCount(), 0);
        QVERIFY(!k.ctl->signedIn());
        QCOMPARE(count(QStringLiteral("east-rb2"), "SELECT count(*) FROM redbox.rental"), before);
        // Touches keep a visit alive.
        k.ctl->start();
        for (int i = 0; i < 4; ++i) {
            QTest::qWait(700);
            k.ctl->touch();
        }
        QCOMPARE(k.ctl->screen(), Screen::Browse);
    }

    void rentingWhileTheRedBoxIsUnreachable()
    {
        KioskRig k(QStringLiteral("east-rb2"), 2, 1000);
        k.ctl->start();
        const int title = k.availableTitle();
        QCOMPARE(net.tool({QStringLiteral("stop"), QStringLiteral("east-rb2")}), 0);
        QVERIFY(QTest::qWaitFor([&] { return k.ctl->link() != QLatin1String("online"); }, 30000));
        k.ctl->addToCart(title);
        k.ctl->checkout();
        // A card this kiosk never saw signed in: its PIN is checked at the member's coast (the kiosk
        // keeps no PIN hash of its own for it yet).
        memberSignIn(k, tryMember(QStringLiteral("east"), 0));
        QVERIFY(k.waitScreen(Screen::Summary, 20000));
        QSignalSpy finished(k.ctl.get(), &KioskController::rentalFinished);
        k.ctl->pay();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QVERIFY(k.ctl->cart()->items().first().offline);
        QCOMPARE(k.engine->outboxStatus().queued, 1);
        const QString id = k.ctl->cart()->items().first().rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), QStringLiteral("east-rb2")}), 0);
        QVERIFY(QTest::qWaitFor([&] { return k.engine->outboxStatus().queued == 0; }, 120000));
        QVERIFY(net.waitForQuiet(60s));
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND offline", {id}), 1);
    }
};

QTEST_GUILESS_MAIN(TestKioskController)
#include "tst_kioskcontroller.moc"
