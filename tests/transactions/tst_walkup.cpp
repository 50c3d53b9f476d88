// Walk-up cards on the real network: any credit or debit card rents with no
// sign-up and no PIN. A card new to the network may have 3 discs out, one
// that has brought a disc back 5, counted across transactions, kiosks, red
// boxes and coasts; the card's home is the coast whose kiosk saw it first.
// After every test the network reconciles clean.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/cards.h"

#include <QRandomGenerator>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

namespace {

// A Visa-like number no test used before: "4", 14 random digits, the Luhn digit.
QString bankCardNumber()
{
    QString body = QStringLiteral("4");
    for (int i = 0; i < 14; ++i)
        body += QChar(u'0' + QRandomGenerator::global()->bounded(10));
    return body + QLatin1Char(luhnDigit(body));
}

qint64 walkUpMemberId(const QString &node, const QString &cardHash)
{
    return count(node, "SELECT redbox.walkup_member_id($1)", {cardHash});
}

}   // namespace

class TestWalkUp : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
        QVERIFY(net.waitForQuiet(60s));
    }

    void cleanup()
    {
        QVERIFY2(net.waitForQuiet(120s), "hops still undelivered after 120 s");
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void threeThenFiveAcrossKiosksRedBoxesAndCoasts()
    {
        const QString card = net.cardHash(bankCardNumber());
        KioskCalls first(QStringLiteral("west-rb1"));
        // No tier knows the card: the red box, the coast and HQ all say so.
        expectRefusal([&] { first.conn().exec("SELECT * FROM redbox.kiosk_member($1)", {card}); }, RedboxError::UnknownCard,
                      QStringLiteral("not known"));
        QVERIFY(!first.escalateWalkUp(card).has_value());
        // A first-time card: no PIN, 3 discs, its home this coast.
        const SignedIn fresh = first.walkUp(card);
        QCOMPARE(fresh.outcome, QStringLiteral("ok"));
        QCOMPARE(fresh.planLimit, 3);
        QCOMPARE(fresh.discsOut, 0);
        QCOMPARE(fresh.homeCoast, QStringLiteral("west"));
        QVERIFY(fresh.ticket.has_value());
        const Rented a = first.rent(card, net.takeDisc(first.node(), first.kioskId()), std::nullopt, fresh.ticket);
        QCOMPARE(a.discsOut, 1);
        QCOMPARE(a.planLimit, 3);
        QCOMPARE(a.amountCents, 199);
        const qint64 member = a.memberId;
        QCOMPARE(member, walkUpMemberId(QStringLiteral("hq"), card));
        // The same ticket, the next disc of the same visit, counts the first one.
        KioskCalls second(QStringLiteral("west-rb1"), 2);
        const Rented b = first.rent(card, net.takeDisc(first.node(), first.kioskId()), std::nullopt, first.walkUp(card).ticket);
        QCOMPARE(b.discsOut, 2);
        QVERIFY(net.waitForQuiet(30s));
        // The coast recorded the card with its first rental and told its red boxes; HQ learnt it too.
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")}) {
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.walkup_card WHERE member_id = $1 AND membership_id = 4", {member}), 1);
            QCOMPARE(count(node, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 2);
        }
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")})
            QCOMPARE(count(rb, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1 AND pin_hash IS NULL", {member}), 2);
        QCOMPARE(count(QStringLiteral("east"), "SELECT count(*) FROM redbox.walkup_card WHERE member_id = $1", {member}), 0);
        // The money follows the card like a member's: one charge per rental at its home coast.
        QVERIFY(eventually(
            [&] { return count(QStringLiteral("west"), "SELECT count(*) FROM redbox.charge WHERE member_id = $1", {member}) == 2; }));

        // Another red box of the coast knows it now: one more disc, then the limit.
        KioskCalls sibling(QStringLiteral("west-rb2"));
        const SignedIn there = sibling.walkUp(card);
        QCOMPARE(there.discsOut, 2);
        QCOMPARE(there.planLimit, 3);
        const Rented c = sibling.rent(card, net.takeDisc(sibling.node(), sibling.kioskId()), std::nullopt, there.ticket);
        QCOMPARE(c.discsOut, 3);
        expectRefusal(
            [&] { sibling.rent(card, net.takeDisc(sibling.node(), sibling.kioskId()), std::nullopt, sibling.walkUp(card).ticket); },
            RedboxError::LimitReached, QStringLiteral("3 of 3"));
        QVERIFY(net.waitForQuiet(30s));

        // The other coast: its red box and coast do not know the card, HQ does, with its count.
        KioskCalls east(QStringLiteral("east-rb1"));
        expectRefusal([&] { east.conn().exec("SELECT * FROM redbox.kiosk_member($1)", {card}); }, RedboxError::UnknownCard,
                      QStringLiteral("not known"));
        const std::optional<SignedIn> away = east.escalateWalkUp(card);
        QVERIFY(away.has_value());
        QCOMPARE(away->homeCoast, QStringLiteral("west"));
        QCOMPARE(away->discsOut, 3);
        QCOMPARE(away->ticket->object().value(QStringLiteral("node")).toString(), east.node());
        expectRefusal([&] { east.rent(card, net.takeDisc(east.node(), east.kioskId()), std::nullopt, away->ticket); },
                      RedboxError::LimitReached, QStringLiteral("3 of 3"));

        // A disc back makes it a returning card everywhere: 5 discs.
        first.giveBack(a.barcode);
        QVERIFY(net.waitForQuiet(30s));
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")})
            QCOMPARE(count(node, "SELECT membership_id FROM redbox.walkup_card WHERE member_id = $1", {member}), 5);
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")})
            QCOMPARE(count(rb, "SELECT plan_limit FROM redbox.membershipstatus WHERE member_id = $1", {member}), 5);
        const SignedIn returning = sibling.walkUp(card);
        QCOMPARE(returning.planLimit, 5);
        QCOMPARE(returning.discsOut, 2);
        // Across coasts too: an away rental at the east kiosk, then one more at home, then the limit.
        const std::optional<SignedIn> awayAgain = east.escalateWalkUp(card);
        QCOMPARE(awayAgain->planLimit, 5);
        const Rented d = east.rent(card, net.takeDisc(east.node(), east.kioskId()), std::nullopt, awayAgain->ticket);
        QCOMPARE(d.discsOut, 3);
        QVERIFY(net.waitForQuiet(30s));
        const Rented e = sibling.rent(card, net.takeDisc(sibling.node(), sibling.kioskId()), std::nullopt, sibling.walkUp(card).ticket);
        QCOMPARE(e.discsOut, 4);
        const Rented f = second.rent(card, net.takeDisc(second.node(), second.kioskId()), std::nullopt, second.walkUp(card).ticket);
        QCOMPARE(f.discsOut, 5);
        expectRefusal([&] { second.rent(card, net.takeDisc(second.node(), second.kioskId()), std::nullopt, second.walkUp(card).ticket); },
                      RedboxError::LimitReached, QStringLiteral("5 of 5"));
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(count(QStringLiteral("west"), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 5);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 5);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.limit_overshoot WHERE member_id = $1", {member}), 0);
    }

    void aWalkUpCardHasNoPinAndAMemberCardNeedsOne()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString card = net.cardHash(bankCardNumber());
        const SignedIn fresh = k.walkUp(card);
        k.rent(card, net.takeDisc(k.node(), k.kioskId()), std::nullopt, fresh.ticket);
        QVERIFY(net.waitForQuiet(30s));
        expectRefusal([&] { k.signIn(card, QStringLiteral("1234")); }, RedboxError::TicketInvalid, QStringLiteral("it has no PIN"));
        // A member's card is not a walk-up card: no ticket without its PIN, here or upstream.
        const QString member = cardOf(net.takeMember(QStringLiteral("west")));
        expectRefusal([&] { k.walkUp(member); }, RedboxError::TicketInvalid, QStringLiteral("PIN is needed"));
        pg::Connection coast = k.escalationConnection(QStringLiteral("west"));
        expectRefusal([&] { coast.exec("SELECT * FROM redbox.verify_walkup($1)", {member}); }, RedboxError::UnknownCard,
                      QStringLiteral("not rented"));
        // Its billing ZIP is checked online: a walk-up card's offline claim is parked for a person.
        const Rented offline = k.rent(card, net.takeDisc(k.node(), k.kioskId()), QDateTime::currentDateTimeUtc().addSecs(-60));
        QCOMPARE(offline.outcome, QStringLiteral("parked"));
        QVERIFY2(offline.note.contains(QLatin1String("online only")), qPrintable(offline.note));
        net.connect(k.node()).exec("SELECT redbox.review_claim($1, 'rental', false)", {offline.rentalId});
    }

    void aSiblingsCountThatOutrunsTheCardsRecordIsRetriedNotParked()
    {
        // A new card's record reaches a red box from the coast; a sibling red box's count of the
        // card's next rental can get there first. That hop must wait (a transient error: its
        // sender retries), not be parked as if the card did not exist.
        const QString card = net.cardHash(bankCardNumber());
        pg::Connection rb1 = net.connect(QStringLiteral("west-rb1"));
        const qint64 member = rb1.exec("SELECT redbox.walkup_member_id($1)", {card}).int64(0, 0);
        try {
            rb1.exec("SELECT redbox.apply_one('member_delta', gen_random_uuid(), jsonb_build_object('member_id', $1::bigint, "
                     "'delta', 1), 'west-rb2')",
                     {member});
            QFAIL("an unknown walk-up card's count was applied");
        } catch (const pg::DbError &e) {
            QCOMPARE(e.sqlstate(), QStringLiteral("55000"));
            QVERIFY2(e.message().contains(QLatin1String("on its way")), qPrintable(e.message()));
        }
        QVERIFY(rb1.exec("SELECT redbox.is_transient('55000')").boolean(0, 0));
        // A member id that is no walk-up card's stays refused for good.
        expectRefusal(
            [&] {
                rb1.exec("SELECT redbox.apply_one('member_delta', gen_random_uuid(), '{\"member_id\": 987654321, \"delta\": 1}', "
                         "'west-rb2')");
            },
            RedboxError::NotFound, QStringLiteral("not known"));
        // Nor may anyone sign a member up on a walk-up plan.
        expectRefusal(
            [&] {
                net.connect(QStringLiteral("hq"))
                    .exec("SELECT redbox.register_member(99000001, 'A', 'B', NULL, '1 Main St', '97201', 'Portland', 'Oregon', NULL, "
                          "'a@example.com', 'pbkdf2-sha256$1$x$y', 4, $1, '1111', 'pbkdf2-sha256$1$x$y')",
                          {card});
            },
            QStringLiteral("22023"), QStringLiteral("walk-up plans"));
    }

    void aForgedWalkUpRentalIsRefusedUpstream()
    {
        // A red box that names a walk-up member whose id is not its card's (or a plan that is not a
        // walk-up plan) is refused by the coast and the hop parked, nothing changed there.
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString card = net.cardHash(bankCardNumber());
        pg::Connection west = net.connect(QStringLiteral("west"));
        const qint64 before = west.exec("SELECT count(*) FROM redbox.walkup_card").int64(0, 0);
        expectRefusal(
            [&] {
                west.exec("SELECT redbox.note_walkup(jsonb_build_object('rental_id', gen_random_uuid(), 'member_id', 42, "
                          "'membership_id', 4, 'card_hash', $1::text, 'member_coast', 'west', 'kiosk_id', 'x', 'rented_at', now()))",
                          {card});
            },
            RedboxError::ChargeMismatch, QStringLiteral("not one of ours"));
        expectRefusal(
            [&] {
                west.exec("SELECT redbox.note_walkup(jsonb_build_object('rental_id', gen_random_uuid(), 'member_id', "
                          "redbox.walkup_member_id($1), 'membership_id', 2, 'card_hash', $1::text, 'member_coast', 'west', "
                          "'kiosk_id', 'x', 'rented_at', now()))",
                          {card});
            },
            RedboxError::ChargeMismatch, QStringLiteral("not one of ours"));
        QCOMPARE(west.exec("SELECT count(*) FROM redbox.walkup_card").int64(0, 0), before);
    }
};

QTEST_GUILESS_MAIN(TestWalkUp)
#include "tst_walkup.moc"
