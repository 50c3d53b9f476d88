// Receipts that arrive, on the real network: a kiosk asks for a receipt, the
// red box hands it to the member's coast, the coast's mail service
// (redbox-mailer) sends it through a real SMTP server (Debian's aiosmtpd,
// STARTTLS with the network's certificate), and the test reads the message
// there. A relay that is down delays a receipt, never loses or doubles it; a
// walk-up card's receipt goes to the address typed at the kiosk; no card
// number is in any message; bad addresses are refused before anything is
// queued.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

class TestMail : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();

    // Every message the simulated relay received.
    QJsonArray messages()
    {
        QString out;
        if (net.tool({QStringLiteral("mail"), QStringLiteral("messages"), QStringLiteral("--json")}, &out) != 0)
            return {};
        return QJsonDocument::fromJson(out.toUtf8()).array();
    }

    // The messages whose Message-ID is receipt ID's.
    QList<QJsonObject> messagesOf(const QUuid &id)
    {
        QList<QJsonObject> found;
        const QString mid = QStringLiteral("<%1@").arg(id.toString(QUuid::WithoutBraces));
        for (const auto &v : messages())
            if (v.toObject().value(QStringLiteral("message_id")).toString().startsWith(mid))
                found.append(v.toObject());
        return found;
    }

    QUuid askForReceipt(KioskCalls &k, const QUuid &rental, const std::optional<QString> &email = std::nullopt)
    {
        return askForReceipt(k, QStringList{rental.toString(QUuid::WithoutBraces)}, email);
    }

    QUuid askForReceipt(KioskCalls &k, const QStringList &rentals, const std::optional<QString> &email = std::nullopt)
    {
        const QUuid id = QUuid::createUuid();
        const QString state = k.conn()
                                  .exec("SELECT redbox.kiosk_email_receipt($1, $2::uuid[], NULL, $3)",
                                        {id, QStringLiteral("{%1}").arg(rentals.join(QLatin1Char(','))),
                                         email ? pg::Param(*email) : pg::Param(nullptr)},
                                        true)
                                  .text(0, 0);
        if (state != QLatin1String("queued"))
            qWarning("receipt answered %s", qPrintable(state));
        return id;
    }

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
        QVERIFY(net.waitForQuiet(60s));
    }

    void aMembersReceiptArrivesOnceWithNoCardNumber()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString card = memberCardNumber(member);
        const Rented r = k.rent(cardOf(member), net.takeDisc(k.node(), k.kioskId()));
        const QUuid id = askForReceipt(k, r.rentalId);
        QVERIFY2(eventually([&] { return messagesOf(id).size() == 1; }, 30000), "the receipt did not reach the SMTP server");
        const QJsonObject m = messagesOf(id).first();
        const QString address = net.connect(QStringLiteral("west"))
                                    .exec("SELECT member_email FROM redbox.member_partitioned WHERE member_id = $1", {member})
                                    .text(0, 0);
        QCOMPARE(m.value(QStringLiteral("to")).toString(), address);
        QCOMPARE(m.value(QStringLiteral("subject")).toString(), QStringLiteral("Your Redbox receipt"));
        const QString body = m.value(QStringLiteral("body")).toString();
        const QString title = net.connect(k.node())
                                  .exec("SELECT m.title FROM redbox.rental r JOIN redbox.movie m USING (movie_id) WHERE r.rental_id = $1",
                                        {r.rentalId})
                                  .text(0, 0);
        QVERIFY2(body.contains(title), qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral("$%1").arg((r.amountCents + r.taxCents) / 100.0, 0, 'f', 2)), qPrintable(body));
        QVERIFY2(!body.contains(card) && !QRegularExpression(QStringLiteral("\\d{12,}")).match(body).hasMatch(), qPrintable(body));
        pg::Connection west = net.connect(QStringLiteral("west"));
        const pg::Result q = west.exec(
            "SELECT attempts, sent_at IS NOT NULL AS sent, smtp_reply FROM redbox.mail_queue WHERE receipt_id = $1", {id});
        QCOMPARE(q.int32(0, "attempts"), 1);
        QVERIFY(q.boolean(0, "sent"));
        QVERIFY2(q.text(0, "smtp_reply").startsWith(QLatin1String("250")), qPrintable(q.text(0, "smtp_reply")));
        // Asked again (a kiosk retrying its call): the same receipt, still one message.
        k.conn().exec("SELECT redbox.kiosk_email_receipt($1, $2::uuid[], NULL, NULL)",
                      {id, QStringLiteral("{%1}").arg(r.rentalId.toString(QUuid::WithoutBraces))}, true);
        QVERIFY(net.waitForQuiet(30s));
        QTest::qWait(1000);
        QCOMPARE(messagesOf(id).size(), 1);
    }

    // One visit's receipt with a night under a promo code and a disc bought: each line says so,
    // at what it cost.
    void aReceiptNamesThePromoAndTheDiscBought()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString card = cardOf(member);
        const QString code = QStringLiteral("M") + QUuid::createUuid().toString(QUuid::Id128).left(10).toUpper();
        net.connect(QStringLiteral("hq"))
            .exec("SELECT redbox.add_promo_code($1, 100, current_date - 1, current_date + 1, 'a mail test')", {code}, true);
        const Promo p = k.redeemPromo(card, code);
        QCOMPARE(p.outcome, QStringLiteral("ok"));
        k.usePromo(p.grant);
        const Rented night = k.rent(card, net.takeDisc(k.node(), k.kioskId()));
        const Rented bought = k.buy(card, net.takeDisc(k.node(), k.kioskId(), QStringLiteral("dvd"), true));
        k.dispensed(bought.rentalId);
        const QUuid id = askForReceipt(k, {night.rentalId.toString(QUuid::WithoutBraces), bought.rentalId.toString(QUuid::WithoutBraces)});
        QVERIFY2(eventually([&] { return messagesOf(id).size() == 1; }, 30000), "the receipt did not reach the SMTP server");
        const QString body = messagesOf(id).first().value(QStringLiteral("body")).toString();
        const auto money = [](const Rented &r) { return QStringLiteral("$%1").arg((r.amountCents + r.taxCents) / 100.0, 0, 'f', 2); };
        QVERIFY2(body.contains(money(night) + QStringLiteral(" with promo code ") + code + QStringLiteral("  (due ")), qPrintable(body));
        QVERIFY2(body.contains(money(bought) + QStringLiteral("  (bought: yours to keep)")), qPrintable(body));
    }

    void aRelayThatIsDownDelaysTheReceiptNeverDoublesIt()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const Rented r = k.rent(cardOf(net.takeMember(QStringLiteral("west"))), net.takeDisc(k.node(), k.kioskId()));
        QCOMPARE(net.tool({QStringLiteral("mail"), QStringLiteral("relay-stop")}), 0);
        const QUuid id = askForReceipt(k, r.rentalId);
        pg::Connection west = net.connect(QStringLiteral("west"));
        QVERIFY2(eventually(
                     [&] {
                         const pg::Result q = west.exec("SELECT attempts, last_error FROM redbox.mail_queue WHERE receipt_id = $1 "
                                                        "AND sent_at IS NULL AND last_error IS NOT NULL",
                                                        {id});
                         return q.rows() == 1 && q.int32(0, "attempts") >= 1;
                     },
                     30000),
                 "the failed attempt was not recorded");
        const QString error = west.exec("SELECT last_error FROM redbox.mail_queue WHERE receipt_id = $1", {id}).text(0, 0);
        QVERIFY2(error.contains(QLatin1String("connect"), Qt::CaseInsensitive), qPrintable(error));
        QCOMPARE(west.exec("SELECT count(*) FROM redbox.mail_queue WHERE receipt_id = $1 AND next_attempt_at > now()", {id}).int64(0, 0),
                 1);   // backed off
        QCOMPARE(net.tool({QStringLiteral("mail"), QStringLiteral("relay-start")}), 0);
        // As an operator would: try now rather than at the next backoff step.
        west.exec("UPDATE redbox.mail_queue SET next_attempt_at = now() WHERE receipt_id = $1", {id});
        west.exec("NOTIFY redbox_mail");
        QVERIFY2(eventually([&] { return messagesOf(id).size() == 1; }, 30000), "the receipt was not sent once the relay was back");
        QVERIFY(eventually([&] {
            return west.exec("SELECT count(*) FROM redbox.mail_queue WHERE receipt_id = $1 AND sent_at IS NOT NULL", {id}).int64(0, 0) == 1;
        }));
        QTest::qWait(1000);
        QCOMPARE(messagesOf(id).size(), 1);
    }

    void aWalkUpCardsReceiptGoesToTheTypedAddress()
    {
        KioskCalls k(QStringLiteral("west-rb1"), 2);
        QString number = QStringLiteral("4");
        for (int i = 0; i < 14; ++i)
            number += QChar(u'0' + QRandomGenerator::global()->bounded(10));
        number += QLatin1Char(luhnDigit(number));
        const QString card = net.cardHash(number);
        const Rented r = k.rent(card, net.takeDisc(k.node(), k.kioskId()), std::nullopt, k.walkUp(card).ticket);
        QVERIFY(net.waitForQuiet(30s));   // the coast knows the card before its receipt arrives
        // Bad addresses are refused at the red box, and nothing is queued.
        for (const QString &bad :
             {QStringLiteral("no-at-sign"), QStringLiteral("a@b"), QStringLiteral("x@example.com\r\nBcc: all@example.com"),
              QStringLiteral("a b@example.com"), QString(65, QLatin1Char('a')) + QStringLiteral("@example.com")})
            expectRefusal([&] { askForReceipt(k, r.rentalId, bad); }, QStringLiteral("22"), QStringLiteral("e-mail"));
        const QUuid id = askForReceipt(k, r.rentalId, QStringLiteral("walk.up+receipts@example.org"));
        QVERIFY2(eventually([&] { return messagesOf(id).size() == 1; }, 30000), "the walk-up receipt did not arrive");
        const QJsonObject m = messagesOf(id).first();
        QCOMPARE(m.value(QStringLiteral("to")).toString(), QStringLiteral("walk.up+receipts@example.org"));
        const QString body = m.value(QStringLiteral("body")).toString();
        QVERIFY2(body.startsWith(QLatin1String("Hello,")), qPrintable(body));
        QVERIFY2(!body.contains(number) && !body.contains(number.right(4) + QLatin1Char(' ')), qPrintable(body));
        // The address went through the red box and was not kept there: its hop, once delivered, holds none.
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.outbox WHERE event_id = $1", {id}), 1);
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.outbox WHERE event_id = $1 AND payload ? 'email'", {id}), 0);
    }

    void theMailServicesLoginSendsMailAndNothingElse()
    {
        pg::Connection mailer = pg::Connection::open(net.conninfo(QStringLiteral("west"), QStringLiteral("mailer")));
        QVERIFY(mailer.exec("SELECT count(*) FROM redbox.mail_claim(1)").rows() == 1);
        for (const char *sql : {"SELECT count(*) FROM redbox.mail_queue", "SELECT count(*) FROM redbox.member_partitioned",
                                "SELECT * FROM redbox.payment_claim(1)", "SELECT redbox.apply_events('[]'::jsonb)",
                                "UPDATE redbox.mail_queue SET sent_at = now()"})
            expectRefusal([&] { mailer.exec(sql); }, QStringLiteral("42501"), QStringLiteral("permission denied"));
        // Not at a red box or HQ either: the role has no function there.
        pg::Connection hq = pg::Connection::open(net.conninfo(QStringLiteral("hq"), QStringLiteral("mailer")));
        expectRefusal([&] { hq.exec("SELECT * FROM redbox.mail_claim(1)"); }, QStringLiteral("42"), QString());
    }

    void cleanupTestCase()
    {
        QVERIFY(net.waitForQuiet(60s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestMail)
#include "tst_mail.moc"
