// The paper's distributed transactions (section 7), exactly once and
// outage-proof: home and away rentals, returns anywhere, late charges,
// idempotency, outages of a coast, of HQ and of a forwarder, a red box
// failover, and bad input. After every test the network reconciles clean.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/pricing.h"

#include "core/cards.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>
#include <QTimeZone>

#include <thread>
#include <utility>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

namespace {

// The rule the kiosk shows customers (sync/core/pricing.h): the SQL that charges must agree.
int expectedNights(const QDateTime &rentedAt, const QDateTime &returnedAt, const QByteArray &tz)
{
    return pricing::rentalNights(rentedAt, returnedAt, QString::fromLatin1(tz));
}

}   // namespace

class TestRentals : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

    void settleAndReconcile()
    {
        QVERIFY2(net.waitForQuiet(120s), "hops still undelivered after 120 s");
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
        QVERIFY(net.waitForQuiet(60s));
    }

    void cleanup() { settleAndReconcile(); }

    void homeRentalReachesCoastHqAndSibling()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(member), disc);
        QCOMPARE(r.memberId, member);
        QCOMPARE(r.discsOut, 1);
        QVERIFY(r.amountCents > 0);
        QVERIFY(!r.replayed);
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'", {id}), 1);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'out'", {disc}), 1);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        QCOMPARE(count(QStringLiteral("east"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 0);
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")})
            QCOMPARE(count(rb, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 1);
    }

    void awayRentalIsEscalatedAndCarriedToTheHomeCoast()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("east"));
        const QString card = cardOf(member);
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId())); }, RedboxError::UnknownCard, QStringLiteral("not known"));
        // The west coast does not know them either (asked over the kiosk's own escalation login);
        // HQ does, checks the PIN, and signs what it verified for this kiosk's red box.
        pg::Connection west = k.escalationConnection(QStringLiteral("west"));
        expectRefusal([&] { west.exec("SELECT * FROM redbox.verify_member($1)", {card}); }, RedboxError::UnknownCard,
                      QStringLiteral("not a member of the west coast"));
        const auto ticket = k.escalate(card);
        QVERIFY(ticket.has_value());
        QCOMPARE(ticket->object().value(QStringLiteral("home_coast")).toString(), QStringLiteral("east"));
        QCOMPARE(ticket->object().value(QStringLiteral("kiosk")).toString(), k.kioskId());
        QCOMPARE(ticket->object().value(QStringLiteral("node")).toString(), k.node());
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(card, disc, std::nullopt, ticket);
        QCOMPARE(r.memberId, member);
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq"), QStringLiteral("east")})
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
        QCOMPARE(count(QStringLiteral("east"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        QCOMPARE(count(QStringLiteral("east"), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 1);
        for (const QString &rb : {QStringLiteral("east-rb1"), QStringLiteral("east-rb2")})
            QCOMPARE(count(rb, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 1);
        // A forged ticket is refused.
        QJsonObject forged = ticket->object();
        forged[QStringLiteral("discs_out")] = 0;
        forged[QStringLiteral("membership_id")] = 3;
        forged[QStringLiteral("allowed")] = true;
        forged[QStringLiteral("member_id")] = member + 1;
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId()), std::nullopt, QJsonDocument(forged)); },
                      RedboxError::TicketInvalid, QStringLiteral("ticket is not valid"));
        // The ticket is this kiosk's: the red box's other kiosk cannot use it, nor another card.
        KioskCalls sibling(QStringLiteral("west-rb2"), 2);
        expectRefusal([&] { sibling.rent(card, net.takeDisc(sibling.node(), sibling.kioskId()), std::nullopt, ticket); },
                      RedboxError::TicketInvalid, QStringLiteral("another card or kiosk"));
        const QString otherCard = cardOf(net.takeMember(QStringLiteral("east")));
        expectRefusal([&] { k.rent(otherCard, net.takeDisc(k.node(), k.kioskId()), std::nullopt, ticket); }, RedboxError::TicketInvalid,
                      QStringLiteral("another card or kiosk"));
    }

    void returnAtTheSameKioskClosesEverywhere()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(member), disc);
        const Returned back = k.giveBack(disc);
        QCOMPARE(back.rentalId, r.rentalId);
        QVERIFY(!back.foreignDisc);
        QCOMPARE(back.nights, 1);
        QCOMPARE(back.chargeCents, r.amountCents);
        QCOMPARE(back.lateCents, 0);
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        for (const QString &node : {QStringLiteral("west-rb1"), QStringLiteral("west"), QStringLiteral("hq")})
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned'", {id}), 1);
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")})
            QCOMPARE(count(rb, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 0);
    }

    void returnAtTheSiblingIsClosedByTheCoast()
    {
        KioskCalls rentHere(QStringLiteral("west-rb2"));
        KioskCalls returnThere(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString disc = net.takeDisc(rentHere.node(), rentHere.kioskId());
        const Rented r = rentHere.rent(cardOf(member), disc);
        const Returned back = returnThere.giveBack(disc);
        QVERIFY(back.foreignDisc);
        QVERIFY(back.rentalId.isNull());
        QVERIFY(!back.title.isEmpty());
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(count(QStringLiteral("west-rb2"),
                       "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'closed_elsewhere'", {id}),
                 1);
        QCOMPARE(count(QStringLiteral("west-rb2"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1", {disc}), 0);
        QCOMPARE(count(QStringLiteral("west-rb1"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in' AND kiosk_id = $2",
                       {disc, returnThere.kioskId()}),
                 1);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND kiosk_id = $2",
                       {disc, returnThere.kioskId()}),
                 1);
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")})
            QCOMPARE(count(rb, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 0);
        // The disc can be rented again from its new kiosk, and not from the old one.
        const qint64 next = net.takeMember(QStringLiteral("west"));
        expectRefusal([&] { rentHere.rent(cardOf(next), disc); }, RedboxError::DiscNotHere, QStringLiteral("not in this red box"));
        returnThere.rent(cardOf(next), disc);
    }

    void returnAtTheOtherCoastIsClosedThroughHq()
    {
        KioskCalls rentHere(QStringLiteral("west-rb1"));
        KioskCalls returnThere(QStringLiteral("east-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString disc = net.takeDisc(rentHere.node(), rentHere.kioskId());
        const Rented r = rentHere.rent(cardOf(member), disc);
        const Returned back = returnThere.giveBack(disc);
        QVERIFY(back.foreignDisc);
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")})
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned'", {id}), 1);
        QCOMPARE(count(QStringLiteral("west-rb1"),
                       "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'closed_elsewhere'", {id}),
                 1);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'elsewhere'", {disc}), 1);
        QCOMPARE(count(QStringLiteral("east"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);
        QCOMPARE(count(QStringLiteral("east-rb2"), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);
    }

    // The rental (from the west coast) and its return (from the east) reach HQ
    // at the same moment: whichever commits second must see the first, so
    // the return never waits for a rental HQ already has.
    void aRentalAndItsReturnAppliedAtOnceAtHqMeet()
    {
        const QString west = QStringLiteral("west");
        const QString east = QStringLiteral("east");
        const auto restartForwarders = qScopeGuard([&] {
            for (const QString &coast : {west, east})
                net.tool({QStringLiteral("forwarder"), QStringLiteral("start"), coast, QStringLiteral("--forwarder"),
                          qEnvironmentVariable("REDBOX_FORWARDER")});
        });
        for (const QString &coast : {west, east})
            QCOMPARE(net.tool({QStringLiteral("forwarder"), QStringLiteral("stop"), coast}), 0);
        KioskCalls rentHere(QStringLiteral("west-rb1"));
        KioskCalls returnThere(QStringLiteral("east-rb2"));
        const QString disc = net.takeDisc(rentHere.node(), rentHere.kioskId());
        const Rented r = rentHere.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(returnThere.giveBack(disc).foreignDisc);
        const char *waiting = "SELECT count(*) FROM redbox.outbox WHERE dest = 'hq' AND delivered_at IS NULL "
                              "AND kind = $1 AND payload->>'barcode' = $2";
        QVERIFY(eventually([&] { return count(west, waiting, {"rental", disc}) == 1; }, 30000));
        QVERIFY(eventually([&] { return count(east, waiting, {"return", disc}) == 1; }, 30000));
        // Each coast's undelivered hops to HQ, as its forwarder would send them.
        const auto batchOf = [&](const QString &coast) {
            return net.connect(coast)
                .exec("SELECT jsonb_agg(jsonb_build_object('hop_id', hop_id, 'event_id', event_id, 'kind', kind, "
                      "'payload', payload) ORDER BY hop_id)::text FROM redbox.outbox "
                      "WHERE dest = 'hq' AND delivered_at IS NULL AND parked_at IS NULL")
                .text(0, 0);
        };
        const QString returnBatch = batchOf(east);
        const QString rentalBatch = batchOf(west);

        pg::Connection fromEast = pg::Connection::open(net.nodeLoginConninfo(east, QStringLiteral("hq")));
        fromEast.exec("BEGIN");
        const QString eastStatuses =
            fromEast
                .exec("SELECT string_agg(DISTINCT e->>'status', ',') FROM jsonb_array_elements(redbox.apply_events($1::jsonb)) e",
                      {returnBatch})
                .text(0, 0);
        QCOMPARE(eastStatuses, QStringLiteral("applied"));
        QString westStatuses;
        QString westError;
        std::thread fromWest([&] {
            try {
                pg::Connection c = pg::Connection::open(net.nodeLoginConninfo(west, QStringLiteral("hq")));
                westStatuses =
                    c.exec("SELECT string_agg(DISTINCT e->>'status', ',') FROM jsonb_array_elements(redbox.apply_events($1::jsonb)) e",
                           {rentalBatch})
                        .text(0, 0);
            } catch (const std::exception &e) {
                westError = QString::fromUtf8(e.what());
            }
        });
        // The rental waits for the return's transaction (the disc's lock) instead of missing it.
        const bool waited = eventually(
            [&] {
                return count(QStringLiteral("hq"), "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND wait_event = 'advisory'",
                             {QStringLiteral("node.") + west}) == 1;
            },
            10000);
        fromEast.exec("COMMIT");
        fromWest.join();
        QVERIFY2(waited, "the rental did not wait for the return applied at the same time");
        QVERIFY2(westError.isEmpty(), qPrintable(westError));
        QCOMPARE(westStatuses, QStringLiteral("applied"));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.pending_return WHERE barcode = $1", {disc}), 0);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned'", {id}), 1);
        // The forwarders send the same hops again: HQ has them already.
        for (const QString &coast : {west, east})
            QCOMPARE(net.tool({QStringLiteral("forwarder"), QStringLiteral("start"), coast, QStringLiteral("--forwarder"),
                               qEnvironmentVariable("REDBOX_FORWARDER")}),
                     0);
        QVERIFY(net.waitForQuiet(60s));
        QCOMPARE(count(west, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'returned'", {id}), 1);
        QCOMPARE(count(QStringLiteral("west-rb1"),
                       "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'closed_elsewhere'", {id}),
                 1);
    }

    // A night costs the member's plan plus the title's format's extra in the kiosk's region, as
    // HQ's price list says; a new price reaches every node and the kiosks' caches and prices the
    // rentals made after it starts; an upstream node refuses a rental priced otherwise.
    void pricesPerFormatAndRegionComeFromHqsData()
    {
        struct Plan {
            int rate = 0;
            int max = 0;
        };
        const auto planOf = [&](const QString &node, qint64 member) {
            pg::Connection c = net.connect(node);
            const pg::Result p = c.exec("SELECT p.daily_rate_cents, p.max_charge_cents FROM redbox.membershipstatus s "
                                        "JOIN redbox.membership p USING (membership_id) WHERE s.member_id = $1",
                                        {member});
            return Plan{p.int32(0, 0), p.int32(0, 1)};
        };
        const auto rentedAt = [&](const QString &node, const Rented &r) {
            pg::Connection c = net.connect(node);
            const pg::Result x = c.exec("SELECT daily_rate_cents, max_charge_cents FROM redbox.rental WHERE rental_id = $1", {r.rentalId});
            return x.rows() == 1 ? Plan{x.int32(0, 0), x.int32(0, 1)} : Plan{};
        };
        // The launch prices: a Blu-ray is 50 cents more a night in the west, 60 in the east.
        KioskCalls west(QStringLiteral("west-rb1"));
        const qint64 wm = net.takeMember(QStringLiteral("west"));
        const Plan wp = planOf(west.node(), wm);
        const Rented blu = west.rent(cardOf(wm), net.takeDisc(west.node(), west.kioskId(), QStringLiteral("bluray")));
        QCOMPARE(blu.amountCents, wp.rate + 50);
        KioskCalls east(QStringLiteral("east-rb1"));
        const qint64 em = net.takeMember(QStringLiteral("east"));
        const Plan ep = planOf(east.node(), em);
        QCOMPARE(east.rent(cardOf(em), net.takeDisc(east.node(), east.kioskId(), QStringLiteral("bluray"))).amountCents, ep.rate + 60);
        QVERIFY(net.waitForQuiet(30s));
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")}) {
            const Plan at = rentedAt(node, blu);
            QCOMPARE(at.rate, wp.rate + 50);
            QCOMPARE(at.max, wp.max + 500);
        }

        // A red box's rental of that Blu-ray priced as a DVD is refused by its coast.
        pg::Connection rb = net.connect(west.node());
        QString forged =
            rb.exec("SELECT payload::text FROM redbox.outbox WHERE event_id = $1 AND kind = 'rental'", {blu.rentalId}).text(0, 0);
        forged = rb.exec("SELECT ($1::jsonb || jsonb_build_object('rental_id', gen_random_uuid(), 'daily_rate_cents', $2::int, "
                         "'payment', ($1::jsonb->'payment') || jsonb_build_object('amount_cents', $2::int, "
                         "'tax_cents', redbox.tax_on($2::int, ($1::jsonb->>'tax_rate_bp')::int))))::text",
                         {forged, wp.rate})
                     .text(0, 0);
        pg::Connection asRedBox = pg::Connection::open(net.nodeLoginConninfo(west.node(), QStringLiteral("west")));
        const QJsonObject answer = asRedBox
                                       .exec("SELECT redbox.apply_events(jsonb_build_array(jsonb_build_object('hop_id', 1, 'event_id', "
                                             "$1::jsonb->>'rental_id', 'kind', 'rental', 'payload', $1::jsonb)))->0",
                                             {forged})
                                       .json(0, 0)
                                       .object();
        QCOMPARE(answer.value(QStringLiteral("status")).toString(), QStringLiteral("parked"));
        QVERIFY2(answer.value(QStringLiteral("error")).toString().startsWith(QLatin1String("RB021")) &&
                     answer.value(QStringLiteral("error")).toString().contains(QLatin1String("bluray format")),
                 qPrintable(answer.value(QStringLiteral("error")).toString()));

        // HQ's operator prices a 4K night in the west at $1.50 extra (and its maximum $12), from now.
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        hq.exec("SET ROLE redbox_owner");
        hq.exec("SELECT redbox.set_format_price('west', '4k', 150, 1200)");
        expectRefusal([&] { hq.exec("SELECT redbox.set_format_price('west', '4k', 150, 1200, now() - interval '1 hour')"); },
                      QStringLiteral("22023"), QStringLiteral("now or later"));
        expectRefusal([&] { hq.exec("SELECT redbox.set_format_price('west', 'vhs', 150, 1200)"); }, QStringLiteral("22023"),
                      QStringLiteral("format must be"));
        expectRefusal([&] { hq.exec("SELECT redbox.set_format_price('west', '4k', -5, 1200)"); }, QStringLiteral("22023"),
                      QStringLiteral("0-2000 cents"));
        hq.exec("RESET ROLE");
        for (const QString &node : net.nodes())
            QVERIFY2(
                eventually([&] { return count(node, "SELECT night_extra_cents FROM redbox.format_price_at('west', '4k', now())") == 150; },
                           30000),
                qPrintable(node));
        // What the red box offers its kiosks' caches: its own region's list.
        QCOMPARE(count(west.node(),
                       "SELECT count(*) FROM redbox.cache_rows($1) WHERE entity = 'price' AND data->>'format' = '4k' "
                       "AND data->>'night_extra_cents' = '150'",
                       {west.kioskId()}),
                 1);
        QCOMPARE(
            count(east.node(), "SELECT count(*) FROM redbox.cache_rows($1) WHERE entity = 'price' AND key LIKE 'west|%'", {east.kioskId()}),
            0);
        const qint64 wm2 = net.takeMember(QStringLiteral("west"));
        const Plan wp2 = planOf(west.node(), wm2);
        const Rented uhd = west.rent(cardOf(wm2), net.takeDisc(west.node(), west.kioskId(), QStringLiteral("4k")));
        QCOMPARE(uhd.amountCents, wp2.rate + 150);
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(rentedAt(QStringLiteral("hq"), uhd).max, wp2.max + 1200);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.refused_hop WHERE payload->>'rental_id' = $1",
                       {uhd.rentalId.toString(QUuid::WithoutBraces)}),
                 0);
    }

    void lateReturnIsChargedPerPlan()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        pg::Connection admin = net.connect(k.node());
        const pg::Result plan = admin.exec("SELECT p.daily_rate_cents, p.max_charge_cents, k.timezone, k.tax_rate_bp "
                                           "FROM redbox.membershipstatus s JOIN redbox.membership p USING (membership_id), "
                                           "redbox.kiosk k WHERE s.member_id = $1 AND k.kiosk_id = $2",
                                           {member, k.kioskId()});
        const int rate = plan.int32(0, 0), max = plan.int32(0, 1), taxBp = plan.int32(0, 3);
        const QByteArray tz = plan.text(0, 2).toLatin1();
        const QDateTime rentedAt = QDateTime::currentDateTimeUtc().addDays(-4).addSecs(-3600);
        const QDateTime returnedAt = QDateTime::currentDateTimeUtc();
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        k.rent(cardOf(member), disc, rentedAt);
        const Returned back = k.giveBack(disc, returnedAt);
        const int nights = expectedNights(rentedAt, returnedAt, tz);
        QVERIFY(nights >= 4);
        QCOMPARE(back.nights, nights);
        QCOMPARE(back.chargeCents, std::min(nights * rate, max));
        QCOMPARE(back.lateCents, std::min(nights * rate, max) - rate);
        QVERIFY(net.waitForQuiet(30s));
        const QString rid = back.rentalId.toString(QUuid::WithoutBraces);
        const qint64 late = back.lateCents;
        const qint64 lateTax = pricing::taxOn(static_cast<int>(late), static_cast<int>(taxBp));
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")}) {
            pg::Connection c = net.connect(node);
            const pg::Result p = c.exec("SELECT amount_cents, tax_cents FROM redbox.payment WHERE rental_id = $1 AND kind = 'late'", {rid});
            QCOMPARE(p.rows(), 1);
            QCOMPARE(p.int64(0, 0), late);
            QCOMPARE(p.int64(0, 1), lateTax);
        }
        // Past the plan's maximum the member pays the maximum, never more.
        const qint64 member2 = net.takeMember(QStringLiteral("west"));
        const int max2 = static_cast<int>(count(k.node(),
                                                "SELECT p.max_charge_cents FROM redbox.membershipstatus s "
                                                "JOIN redbox.membership p USING (membership_id) WHERE s.member_id = $1",
                                                {member2}));
        const QString disc2 = net.takeDisc(k.node(), k.kioskId());
        k.rent(cardOf(member2), disc2, QDateTime::currentDateTimeUtc().addDays(-30));
        const Returned capped = k.giveBack(disc2);
        QCOMPARE(capped.chargeCents, max2);
    }

    void theSameRentalCallTwiceGivesOneRentalAndOneCharge()
    {
        KioskCalls k(QStringLiteral("east-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("east"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const QUuid rental = QUuid::createUuid(), payment = QUuid::createUuid();
        const Rented first = k.rent(cardOf(member), disc, std::nullopt, std::nullopt, rental, payment);
        const Rented again = k.rent(cardOf(member), disc, std::nullopt, std::nullopt, rental, payment);
        QVERIFY(!first.replayed);
        QVERIFY(again.replayed);
        QCOMPARE(again.rentalId, first.rentalId);
        // The same id for another disc is refused, not silently merged.
        expectRefusal([&] { k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId()), std::nullopt, std::nullopt, rental); },
                      RedboxError::IdReused, QStringLiteral("already used"));
        QVERIFY(net.waitForQuiet(30s));
        const QString id = rental.toString(QUuid::WithoutBraces);
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.outbox WHERE event_id = $1 AND kind = 'rental'", {id}), 1);
        for (const QString &node : {QStringLiteral("east"), QStringLiteral("hq")}) {
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        }
        QCOMPARE(count(k.node(), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 1);
    }

    void aHopDeliveredTwiceIsAppliedOnce()
    {
        KioskCalls k(QStringLiteral("east-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("east"));
        const Rented r = k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId()));
        QVERIFY(net.waitForQuiet(30s));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        // Redeliver: mark the delivered hops undelivered, as if the forwarder's answer was lost.
        pg::Connection admin = net.connect(k.node());
        QCOMPARE(admin.exec("UPDATE redbox.outbox SET delivered_at = NULL WHERE event_id = $1 RETURNING 1", {id}, true).rows(), 2);
        admin.exec("SELECT pg_notify('redbox_outbox', d) FROM (VALUES ('east'), ('east-rb1')) v(d)");
        QVERIFY(net.waitForQuiet(30s));
        // And deliver the same event by hand, as east-rb2's own dblink login would.
        pg::Connection peer = pg::Connection::open(net.nodeLoginConninfo(QStringLiteral("east-rb2"), QStringLiteral("east")));
        const pg::Result again = peer.exec(
            "SELECT redbox.apply_events(jsonb_build_array(jsonb_build_object('hop_id', 1, 'event_id', $1::uuid, "
            "'kind', 'rental', 'payload', '{}'::jsonb)))",
            {id}, true);
        QVERIFY2(again.text(0, 0).contains(QLatin1String("duplicate")), qPrintable(again.text(0, 0)));
        for (const QString &node : {QStringLiteral("east"), QStringLiteral("hq")}) {
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        }
        QCOMPARE(count(QStringLiteral("east-rb1"), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 1);
    }

    void coastDownDuringFiftyRentalsThenAllDeliveredOnce()
    {
        QCOMPARE(net.tool({QStringLiteral("stop"), QStringLiteral("west")}), 0);
        QList<Rented> made;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 50; ++i) {
            KioskCalls k(i % 2 ? QStringLiteral("west-rb1") : QStringLiteral("west-rb2"), 1 + (i / 2) % 2);
            made << k.rent(cardOf(net.takeMember(QStringLiteral("west"))), net.takeDisc(k.node(), k.kioskId()));
        }
        qInfo("50 rentals with the west coast down: %lld ms in all", static_cast<long long>(t.elapsed()));
        const char *waiting = "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND dest = 'west' AND kind = 'rental'";
        QCOMPARE(count(QStringLiteral("west-rb1"), waiting) + count(QStringLiteral("west-rb2"), waiting), 50);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), QStringLiteral("west")}), 0);
        QVERIFY(net.waitForQuiet(120s));
        for (const Rented &r : made) {
            const QString id = r.rentalId.toString(QUuid::WithoutBraces);
            QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
        }
    }

    void hqDownDuringFiftyRentalsThenAllDeliveredOnce()
    {
        QCOMPARE(net.tool({QStringLiteral("stop"), QStringLiteral("hq")}), 0);
        QList<Rented> made;
        for (int i = 0; i < 50; ++i) {
            const QString node = QStringList{QStringLiteral("west-rb1"), QStringLiteral("west-rb2"), QStringLiteral("east-rb1"),
                                             QStringLiteral("east-rb2")}[i % 4];
            KioskCalls k(node, 1 + (i / 4) % 2);
            made << k.rent(cardOf(net.takeMember(net.coastOf(node))), net.takeDisc(k.node(), k.kioskId()));
        }
        // Coasts have everything; HQ-bound hops wait.
        const char *waiting = "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND dest = 'hq' AND kind = 'rental'";
        QVERIFY(TestNetwork::waitFor([&] { return count(QStringLiteral("west"), waiting) + count(QStringLiteral("east"), waiting) == 50; },
                                     60s));
        QCOMPARE(net.tool({QStringLiteral("rejoin"), QStringLiteral("hq")}), 0);
        QVERIFY(net.waitForQuiet(120s));
        for (const Rented &r : made)
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1",
                           {r.rentalId.toString(QUuid::WithoutBraces)}),
                     1);
    }

    void forwarderKilledMidDeliveryDeliversEachHopOnce()
    {
        const QString node = QStringLiteral("west-rb1");
        QCOMPARE(net.tool({QStringLiteral("forwarder"), QStringLiteral("stop"), node}), 0);
        QList<Rented> made;
        for (int i = 0; i < 50; ++i) {
            KioskCalls k(node, 1 + i % 2);
            made << k.rent(cardOf(net.takeMember(QStringLiteral("west"))), net.takeDisc(k.node(), k.kioskId()));
        }
        const qint64 queued = count(node, "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL");
        QCOMPARE(count(node, "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND kind IN ('rental', 'member_delta')"),
                 100);   // 50 to the coast, 50 to the sibling (and the sign-ins' PIN attempts to the coast)
        // One hop per dblink call, so the kill lands in the middle of the queue.
        QCOMPARE(net.tool({QStringLiteral("forwarder"), QStringLiteral("start"), node, QStringLiteral("--batch"), QStringLiteral("1"),
                           QStringLiteral("--forwarder"), qEnvironmentVariable("REDBOX_FORWARDER")}),
                 0);
        QVERIFY(TestNetwork::waitFor(
            [&] { return count(node, "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL") <= queued - 10; }, 30s, 5ms));
        QFile pidFile(net.stateDir() + QStringLiteral("/run/forwarder-%1.pid").arg(node));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        QCOMPARE(QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-9"), QString::fromLatin1(pidFile.readAll().trimmed())}), 0);
        const qint64 left = count(node, "SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL");
        qInfo("forwarder killed with %lld of %lld hops undelivered", static_cast<long long>(left), static_cast<long long>(queued));
        QVERIFY(left > 0);
        QCOMPARE(net.tool({QStringLiteral("forwarder"), QStringLiteral("start"), node, QStringLiteral("--forwarder"),
                           qEnvironmentVariable("REDBOX_FORWARDER")}),
                 0);
        QVERIFY(net.waitForQuiet(60s));
        for (const Rented &r : made) {
            const QString id = r.rentalId.toString(QUuid::WithoutBraces);
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.payment WHERE rental_id = $1", {id}), 1);
            QCOMPARE(count(QStringLiteral("west-rb2"), "SELECT count(*) FROM redbox.inbox WHERE event_id = $1", {id}), 1);
        }
    }

    void redBoxFailoverLosesNoCommittedRental()
    {
        const QString node = QStringLiteral("west-rb2");
        QList<std::pair<qint64, QString>> customers;   // taken before the failover: no admin queries during it
        for (int i = 0; i < 20; ++i)
            customers << std::make_pair(net.takeMember(QStringLiteral("west")), net.takeDisc(node, net.kioskId(node, 1)));
        QList<Rented> made;
        auto rentSome = [&](int from, int to) {
            for (int i = from; i < to; ++i) {
                // The same ids on every try: a retry after an in-doubt commit returns the first result.
                const QUuid rental = QUuid::createUuid(), payment = QUuid::createUuid();
                QVERIFY(TestNetwork::waitFor(
                    [&] {
                        KioskCalls k(node);
                        made << k.rent(cardOf(customers[i].first), customers[i].second, std::nullopt, std::nullopt, rental, payment);
                        return true;
                    },
                    90s, 500ms));
            }
        };
        rentSome(0, 10);
        const QString primary = net.primaryOf(node);
        net.killServer(net.memberAt(primary), true);
        rentSome(10, 20);   // through the multi-host connection: waits out the failover
        QCOMPARE(net.tool({QStringLiteral("rejoin"), node}), 0);
        QVERIFY(net.waitHealthy(node, 120s));
        QVERIFY(net.primaryOf(node) != primary);
        QVERIFY(net.waitForQuiet(60s));
        QCOMPARE(made.size(), 20);
        for (const Rented &r : made) {
            const QString id = r.rentalId.toString(QUuid::WithoutBraces);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {id}), 1);
        }
    }

    void partitionedRedBoxRentsWithinTheOfflineAllowance()
    {
        QCOMPARE(net.tool({QStringLiteral("stop"), QStringLiteral("east")}), 0);
        KioskCalls k(QStringLiteral("east-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("east"), 4);   // a plan above the allowance
        QVERIFY(
            TestNetwork::waitFor([&] { return k.conn().exec("SELECT coast_partitioned FROM redbox.kiosk_health()").boolean(0, 0); }, 30s));
        for (int i = 0; i < 3; ++i)
            QVERIFY(k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId())).offlineLimited);
        expectRefusal([&] { k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId())); }, RedboxError::LimitReached,
                      QStringLiteral("offline limit reached"));
        // A kiosk replaying its own offline outbox: within the offline allowance the claims are
        // applied; past it they are parked for a person (the disc is recorded out), never applied.
        const qint64 basic = net.takeMember(QStringLiteral("east"));
        const int limit = static_cast<int>(count(k.node(), "SELECT plan_limit FROM redbox.membershipstatus WHERE member_id = $1", {basic}));
        const int allowed = std::min(limit, 3);
        QStringList parkedDiscs;
        for (int i = 0; i <= limit; ++i) {
            const QString disc = net.takeDisc(k.node(), k.kioskId());
            const Rented r = k.rent(cardOf(basic), disc, QDateTime::currentDateTimeUtc());
            QCOMPARE(r.outcome, i < allowed ? QStringLiteral("rented") : QStringLiteral("parked"));
            if (i >= allowed) {
                QVERIFY2(r.note.contains(QLatin1String("offline limit")), qPrintable(r.note));
                parkedDiscs << disc;
                // Replayed again, the same claim is still parked, once.
                QCOMPARE(k.rent(cardOf(basic), disc, QDateTime::currentDateTimeUtc(), std::nullopt, r.rentalId).outcome,
                         QStringLiteral("parked"));
            }
        }
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.parked_claim WHERE member_id = $1 AND resolved_at IS NULL", {basic}),
                 limit + 1 - allowed);
        for (const QString &disc : parkedDiscs)
            QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'out'", {disc}), 1);
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.rental WHERE member_id = $1", {basic}), allowed);
        QCOMPARE(net.tool({QStringLiteral("rejoin"), QStringLiteral("east")}), 0);
        QVERIFY(net.waitForQuiet(120s));
        // An operator accepts one claim: it becomes a rental like any other and travels upstream.
        {
            pg::Connection admin = net.connect(k.node());
            admin.exec("SET ROLE redbox_owner");
            const pg::Result c = admin.exec("SELECT claim_id FROM redbox.parked_claim WHERE member_id = $1 ORDER BY parked_at LIMIT 1",
                                            {basic});
            QCOMPARE(admin.exec("SELECT redbox.review_claim($1, 'rental', true)", {c.uuid(0, 0)}, true).text(0, 0),
                     QStringLiteral("accepted"));
            QVERIFY(net.waitForQuiet(60s));
            QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1",
                           {c.uuid(0, 0).toString(QUuid::WithoutBraces)}),
                     1);
        }
        QVERIFY(
            TestNetwork::waitFor([&] { return !k.conn().exec("SELECT coast_partitioned FROM redbox.kiosk_health()").boolean(0, 0); }, 30s));
    }

    // Not back after its plan's last night (17, Premium's 14): the renter keeps the disc, charged
    // the plan's maximum, the rental closed at every tier (once), the disc out of stock. Brought
    // back later after all, it is taken in without a charge: at the kiosk it came from, or at
    // another red box.
    void aDiscNotBackAfterItsLastNightIsKept()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        KioskCalls other(QStringLiteral("west-rb2"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const QString disc2 = net.takeDisc(k.node(), k.kioskId());
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const Rented r = k.rent(cardOf(member), disc, QDateTime::currentDateTimeUtc().addDays(-19));
        const Rented r2 = k.rent(cardOf(net.takeMember(QStringLiteral("west"))), disc2, QDateTime::currentDateTimeUtc().addDays(-25));
        const Rented young = k.rent(cardOf(net.takeMember(QStringLiteral("west"))), net.takeDisc(k.node(), k.kioskId()),
                                    QDateTime::currentDateTimeUtc().addDays(-12));
        // Premium (the only plan with 6 discs) keeps a disc after 14 nights, not 17.
        const qint64 premium = net.takeMember(QStringLiteral("west"), 6);
        const QString premiumDisc = net.takeDisc(k.node(), k.kioskId());
        const Rented short14 = k.rent(cardOf(premium), premiumDisc, QDateTime::currentDateTimeUtc().addDays(-15));
        QVERIFY(net.waitForQuiet(30s));
        // The forwarder does this every minute; here, at once (and a second time closes nothing).
        count(k.node(), "SELECT redbox.close_overdue_rentals()");
        QCOMPARE(count(k.node(), "SELECT redbox.close_overdue_rentals()"), 0);
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'", {young.rentalId}), 1);
        QVERIFY(net.waitForQuiet(30s));
        // A member's plan: its maximum charge and its maximum period.
        const auto planOf = [&](qint64 who) {
            pg::Connection c = net.connect(k.node());
            const pg::Result p = c.exec("SELECT p.max_charge_cents, p.max_nights FROM redbox.membershipstatus s "
                                        "JOIN redbox.membership p USING (membership_id) WHERE s.member_id = $1",
                                        {who});
            return std::pair{p.int64(0, 0), p.int64(0, 1)};
        };
        const qint64 max = planOf(member).first;
        QCOMPARE(planOf(premium).second, 14);
        for (const QString &node : {k.node(), QStringLiteral("west"), QStringLiteral("hq")}) {
            QCOMPARE(count(node,
                           "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'kept' AND nights = $2 AND "
                           "max_nights = $2 AND charge_cents = $3",
                           {r.rentalId, planOf(member).second, max}),
                     1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'sold'", {disc}), 1);
            QCOMPARE(count(node,
                           "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'kept' AND nights = 14 AND "
                           "charge_cents = $2",
                           {short14.rentalId, planOf(premium).first}),
                     1);
        }
        for (const QString &node : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2"), QStringLiteral("west")})
            QCOMPARE(count(node, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 0);
        QCOMPARE(count(QStringLiteral("west"), "SELECT sum(amount_cents) FROM redbox.payment WHERE rental_id = $1", {r.rentalId}), max);
        QVERIFY(eventually([&] {
            return count(QStringLiteral("west"), "SELECT count(*) FROM redbox.charge WHERE rental_id = $1 AND state = 'captured'",
                         {r.rentalId}) == 1;
        }));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.audit_log WHERE action = 'disc_kept' AND barcode = $1", {disc}), 1);
        settleAndReconcile();

        // Brought back after all: into stock, nothing more to pay.
        const Returned back = k.giveBack(disc);
        QVERIFY(back.rentalId.isNull());
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);
        const Returned elsewhere = other.giveBack(disc2);
        QVERIFY(elsewhere.rentalId.isNull());
        QVERIFY(net.waitForQuiet(30s));
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")}) {
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in' AND kiosk_id = $2",
                           {disc2, other.kioskId()}),
                     1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.payment WHERE rental_id = ANY (ARRAY[$1, $2]::uuid[]) AND kind = 'late'",
                           {r.rentalId, r2.rentalId}),
                     2);   // the late nights of the keep, and nothing for coming back
        }
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.pending_return WHERE barcode IN ($1, $2)", {disc, disc2}), 0);
        // In stock again: rentable like any other disc.
        QCOMPARE(k.rent(cardOf(net.takeMember(QStringLiteral("west"))), disc).outcome, QStringLiteral("rented"));
    }

    // The catalog feed sets a title's licence window; past it, the title cannot be rented at any
    // kiosk (refused before anything is recorded or charged). A feed with a bad date changes nothing.
    void aTitlePastItsLicenceWindowIsNotRented()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const qint64 movie = count(k.node(), "SELECT movie_id FROM redbox.dvd WHERE barcode = $1", {disc});
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        // The title's own feed line, as HQ has it, with RENT_UNTIL.
        auto feed = [&](const QString &rentUntil) {
            hq.exec("TRUNCATE redbox.catalog_import");
            hq.exec("INSERT INTO redbox.catalog_import (line_no, movie_id, title, description, release_year, rating, runtime, "
                    "rental_rate, replacement_cost, category, categories, language, rent_until) "
                    "SELECT 2, movie_id::text, title, blurb, release_year::text, rating, runtime_min::text, '2.99', "
                    "to_char(replacement_cost_cents / 100.0, 'FM9990.00'), genre, array_to_string(categories, '|'), language, $2 "
                    "FROM redbox.movie WHERE movie_id = $1",
                    {movie, rentUntil});
            hq.exec("SET ROLE redbox_owner");
            try {
                hq.exec("SELECT * FROM redbox.import_catalog(true)");
            } catch (...) {
                hq.exec("RESET ROLE");
                throw;
            }
            hq.exec("RESET ROLE");
        };
        auto untilAt = [&](const QString &node) {
            pg::Connection c = net.connect(node);
            return c.exec("SELECT coalesce(rent_until::text, '') FROM redbox.movie WHERE movie_id = $1", {movie}).text(0, 0);
        };
        expectRefusal([&] { feed(QStringLiteral("2026-02-30")); }, QStringLiteral("22023"), QStringLiteral("rent-until must be a date"));
        expectRefusal([&] { feed(QStringLiteral("1970-01-01")); }, QStringLiteral("22023"),
                      QStringLiteral("before the title may be rented"));
        QCOMPARE(untilAt(QStringLiteral("hq")), QString());

        const QString ended = QDate::currentDate().addDays(-2).toString(Qt::ISODate);   // two days: whatever the kiosk's zone
        feed(ended);
        QVERIFY(eventually([&] { return untilAt(k.node()) == ended; }));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QUuid rental = QUuid::createUuid();
        expectRefusal([&] { k.rent(cardOf(member), disc, std::nullopt, std::nullopt, rental); }, RedboxError::DiscUnavailable,
                      QStringLiteral("window"));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1", {rental}), 0);
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.charge WHERE rental_id = $1", {rental}), 0);

        // The studio extends the licence: the title is rentable again everywhere.
        feed(QString());
        QVERIFY(eventually([&] { return untilAt(k.node()).isEmpty(); }));
        QCOMPARE(k.rent(cardOf(member), disc).outcome, QStringLiteral("rented"));
    }

    void badInputIsRefusedClearlyAndWritesNothing()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        KioskCalls other(QStringLiteral("west-rb1"), 2);
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString card = cardOf(member);
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const qint64 rentalsBefore = count(k.node(), "SELECT count(*) FROM redbox.rental");
        // (A sign-in's PIN attempt travels too: only what a rental would send counts here.)
        const char *hops = "SELECT count(*) FROM redbox.outbox WHERE kind <> 'pin_attempt'";
        const qint64 hopsBefore = count(k.node(), hops);

        expectRefusal([&] { k.rent(net.cardHash(memberCardNumber(987654321)), disc); }, RedboxError::UnknownCard,
                      QStringLiteral("not known"));
        expectRefusal([&] { k.rent(card, discBarcode(1, 999999)); }, RedboxError::DiscNotHere, QStringLiteral("not in this red box"));
        expectRefusal([&] { k.rent(card, net.takeDisc(other.node(), other.kioskId())); }, RedboxError::DiscNotHere,
                      QStringLiteral("belongs to kiosk"));
        // Suspended member: HQ puts the account on hold; the hold reaches the red boxes.
        const qint64 held = net.takeMember(QStringLiteral("west"));
        {
            pg::Connection hq = net.connect(QStringLiteral("hq"));
            hq.exec("SET ROLE redbox_owner");
            hq.exec("SELECT redbox.set_member_allowed($1, false, 'card declined')", {held}, true);
        }
        QVERIFY(TestNetwork::waitFor(
            [&] {
                return count(k.node(), "SELECT count(*) FROM redbox.membershipstatus WHERE member_id = $1 AND NOT allowed", {held}) == 1;
            },
            30s));
        expectRefusal([&] { k.rent(cardOf(held), disc); }, RedboxError::NotAllowed, QStringLiteral("on hold"));
        // SQL metacharacters and oversized values in every text argument.
        const QString evil = QStringLiteral("'; DROP TABLE redbox.rental; --");
        const QString huge(5000, QLatin1Char('9'));
        auto rentRaw = [&](const QString &cardHash, const QString &barcode, const QString &token, const QString &last4) {
            k.conn().exec("SELECT * FROM redbox.kiosk_rent($1, $2, $3, $4, $5, $6, now(), true)",
                          {QUuid::createUuid(), cardHash, barcode, QUuid::createUuid(), token, last4}, true);
        };
        const QString tok = QStringLiteral("tok_abcdefgh1234");
        for (const QString &bad : {evil, huge}) {
            // Too long: 22001; malformed: 22023 (or 22001 where the metacharacters also make it too long).
            const QString state = bad == huge ? QStringLiteral("22001") : QStringLiteral("22");
            expectRefusal([&] { rentRaw(bad, disc, tok, QStringLiteral("4242")); }, state, QStringLiteral("card hash"));
            expectRefusal([&] { rentRaw(card, bad, tok, QStringLiteral("4242")); }, state, QStringLiteral("barcode"));
            expectRefusal([&] { rentRaw(card, disc, bad, QStringLiteral("4242")); }, state, QStringLiteral("card token"));
            expectRefusal([&] { rentRaw(card, disc, tok, bad); }, state, QStringLiteral("last 4"));
            expectRefusal(
                [&] {
                    k.conn().exec("SELECT * FROM redbox.kiosk_return($1, $2, now(), 1)", {QUuid::createUuid(), bad}, true);
                },
                state, QStringLiteral("barcode"));
            expectRefusal(
                [&] {
                    k.conn().exec("SELECT * FROM redbox.kiosk_sign_in($1, $2)", {card, bad}, true);
                },
                QStringLiteral("22023"), QStringLiteral("PIN"));
        }
        expectRefusal([&] { k.rent(card, disc, QDateTime::currentDateTimeUtc().addDays(2)); }, QStringLiteral("22023"),
                      QStringLiteral("future"));
        expectRefusal([&] { k.giveBack(disc); }, RedboxError::DiscAlreadyIn, QStringLiteral("already in kiosk"));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.rental"), rentalsBefore);
        QCOMPARE(count(k.node(), hops), hopsBefore);
        // Disc already out, and the plan limit.
        const Rented ok = k.rent(card, disc);
        const qint64 member2 = net.takeMember(QStringLiteral("west"));
        expectRefusal([&] { k.rent(cardOf(member2), disc); }, RedboxError::DiscUnavailable, QStringLiteral("not available"));
        for (int i = 1; i < ok.planLimit; ++i)
            k.rent(card, net.takeDisc(k.node(), k.kioskId()));
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId())); }, RedboxError::LimitReached,
                      QStringLiteral("plan limit reached"));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.rental WHERE member_id = $1", {member}), ok.planLimit);
    }
};

QTEST_GUILESS_MAIN(TestRentals)
#include "tst_rentals.moc"
