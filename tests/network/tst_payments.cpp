// Money on the real test network: rentals made through the kiosks' own
// logins are authorized, increased, captured, released and refunded by the
// coasts' payments services (started by `redbox-net up`) at the simulated
// acquirer, exactly once through its faults; the two ledgers agree to the
// cent; and the payment parts refuse what an attacker would try.
#include "dbcheck.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/cards.h"
#include "payments/acquirerclient.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTest>
#include <QTimer>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

namespace {

QJsonObject acquirerInfo()
{
    QFile f(qEnvironmentVariable("REDBOX_TEST_STATE") + QStringLiteral("/network.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read network.json of the test network");
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("acquirer")).toObject();
}

QByteArray readKey(const QString &which)
{
    QFile f(acquirerInfo().value(which).toString());
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read the acquirer's %s", qPrintable(which));
    return f.readAll().trimmed();
}

QList<QSslCertificate> networkCa()
{
    return QSslCertificate::fromPath(TestNetwork::get().caFile());
}

struct Http {
    int status = 0;
    QJsonObject body;
};

// One request to the acquirer API as anyone could send it (KEY may be wrong or empty).
Http acquirer(const QByteArray &verb, const QString &path, const QByteArray &key, const QByteArray &body = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(acquirerInfo().value(QStringLiteral("url")).toString() + path));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(networkCa());
    req.setSslConfiguration(tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!key.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + key);
    QNetworkReply *reply = nam.sendCustomRequest(req, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10'000, &loop, &QEventLoop::quit);
    loop.exec();
    Http out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return out;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The acquirer's fault for COUNT requests (0: until cleared) whose key starts with MATCH.
void setFault(const QString &mode, int count = 0, const QString &match = {})
{
    const Http r = acquirer("POST", QStringLiteral("/v1/faults"), readKey(QStringLiteral("admin_key_file")),
                            json({{QStringLiteral("mode"), mode}, {QStringLiteral("count"), count}, {QStringLiteral("match"), match}}));
    if (r.status != 200)
        qFatal("could not set the acquirer's fault %s: HTTP %d", qPrintable(mode), r.status);
}

// The acquirer's ledger entry for the authorization asked for by KEY (empty when none).
QJsonObject ledgerEntry(const QString &authKey)
{
    const Http r = acquirer("GET", QStringLiteral("/v1/ledger"), readKey(QStringLiteral("api_key_file")));
    for (const QJsonValue v : r.body.value(QStringLiteral("authorizations")).toArray())
        if (v.toObject().value(QStringLiteral("key")).toString() == authKey)
            return v.toObject();
    return {};
}

struct Charge {
    QString state;
    QString authRef;
    QString chargeId;
    int held = -1;
    int captured = -1;
    int refunded = -1;
    int open = -1;   // requests queued or in doubt
};

Charge chargeOf(const QString &coast, const QUuid &rental)
{
    pg::Connection c = TestNetwork::get().connect(coast);
    const pg::Result r = c.exec(
        "SELECT c.state, coalesce(c.auth_ref, ''), c.charge_id::text, c.held_cents, c.captured_cents, c.refunded_cents, "
        "(SELECT count(*) FROM redbox.processor_request q WHERE q.charge_id = c.charge_id AND q.state IN ('queued', 'in_doubt')) "
        "FROM redbox.charge c WHERE c.rental_id = $1",
        {rental});
    Charge out;
    if (r.rows() == 0)
        return out;
    out.state = r.text(0, 0);
    out.authRef = r.text(0, 1);
    out.chargeId = r.text(0, 2);
    out.held = r.int32(0, 3);
    out.captured = r.int32(0, 4);
    out.refunded = r.int32(0, 5);
    out.open = r.int32(0, 6);
    return out;
}

// What the rental costs in all at its member's coast (night and late payments with their tax).
int paidFor(const QString &coast, const QUuid &rental)
{
    return static_cast<int>(count(
        coast, "SELECT coalesce(sum(amount_cents + tax_cents), 0) FROM redbox.payment WHERE rental_id = $1 AND NOT voided", {rental}));
}

bool settled(const QString &coast, const QUuid &rental, const QString &state)
{
    const Charge c = chargeOf(coast, rental);
    return c.state == state && c.open == 0;
}

// Ours and the acquirer's, for one charge: same status, hold, capture and refunds.
void expectLedgersAgree(const Charge &c)
{
    const QJsonObject a = ledgerEntry(QStringLiteral("auth:") + c.chargeId);
    QVERIFY2(!a.isEmpty(), qPrintable(QStringLiteral("the acquirer has no authorization for charge ") + c.chargeId));
    static const QHash<QString, QString> status{{QStringLiteral("open"), QStringLiteral("held")},
                                                {QStringLiteral("captured"), QStringLiteral("captured")},
                                                {QStringLiteral("voided"), QStringLiteral("voided")}};
    QCOMPARE(a.value(QStringLiteral("auth_id")).toString(), c.authRef);
    QCOMPARE(a.value(QStringLiteral("status")).toString(), status.value(c.state));
    QCOMPARE(a.value(QStringLiteral("held_cents")).toInt(), c.held);
    QCOMPARE(a.value(QStringLiteral("captured_cents")).toInt(), c.captured);
    QCOMPARE(a.value(QStringLiteral("refunded_cents")).toInt(), c.refunded);
}

int requestCount(const QString &coast, const Charge &c, const char *op, const char *state)
{
    return static_cast<int>(count(coast, "SELECT count(*) FROM redbox.processor_request WHERE charge_id = $1 AND op = $2 AND state = $3",
                                  {c.chargeId, op, state}));
}

// A promo code at HQ worth CENTSOFF, valid from FROMDAYS to UNTILDAYS around today.
QString newPromo(int centsOff, int fromDays = -1, int untilDays = 1)
{
    const QString code = QStringLiteral("T") + QUuid::createUuid().toString(QUuid::Id128).left(10).toUpper();
    TestNetwork::get()
        .connect(QStringLiteral("hq"))
        .exec("SELECT redbox.add_promo_code($1, $2, current_date + $3::int, current_date + $4::int, 'a test code')",
              {code, centsOff, fromDays, untilDays}, true);
    return code;
}

}   // namespace

class TestPayments : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();
    const QString west = QStringLiteral("west");

private slots:
    void init()
    {
        net.heal();
        setFault(QStringLiteral("none"));
    }

    void cleanupTestCase() { setFault(QStringLiteral("none")); }

    // Three nights ago, offline: the first night is authorized, the nights since are added to
    // the hold, and the return captures what the rental cost, once; the acquirer agrees.
    void nightsAreAuthorizedAndTheReturnCaptures()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(west);
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(member), disc, QDateTime::currentDateTimeUtc().addDays(-3));
        QCOMPARE(r.outcome, QStringLiteral("rented"));
        // The first night with its tax, and the nights since (queued as the rental arrived, and by
        // the service's accrual every minute): the hold is what the rental costs so far.
        const auto dueNow = [&] {
            return count(west, "SELECT redbox.rental_due_cents(r, now()) FROM redbox.rental r WHERE rental_id = $1", {r.rentalId});
        };
        QVERIFY(
            eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held == dueNow(); }));
        Charge c = chargeOf(west, r.rentalId);
        QVERIFY(c.held > r.amountCents + r.taxCents);
        QCOMPARE(
            count(west, "SELECT amount_cents FROM redbox.processor_request WHERE request_key = $1", {QStringLiteral("auth:") + c.chargeId}),
            r.amountCents + r.taxCents);
        QCOMPARE(requestCount(west, c, "increment", "approved"), 1);
        expectLedgersAgree(c);
        count(west, "SELECT redbox.payment_accrue()");   // nothing new to add: no second increment
        QCOMPARE(count(west, "SELECT count(*) FROM redbox.processor_request WHERE charge_id = $1", {c.chargeId}), 2);

        const Returned back = k.giveBack(disc);
        QVERIFY(back.nights >= 3);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }));
        c = chargeOf(west, r.rentalId);
        QCOMPARE(c.captured, paidFor(west, r.rentalId));
        QVERIFY(c.captured > r.amountCents + r.taxCents);
        QCOMPARE(c.held, 0);
        QCOMPARE(requestCount(west, c, "capture", "approved"), 1);
        expectLedgersAgree(c);
    }

    // An east member at a west kiosk: the charge is the home coast's, not the kiosk's.
    void anAwayMemberIsChargedAtTheHomeCoast()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const qint64 member = net.takeMember(QStringLiteral("east"));
        const QString card = cardOf(member);
        const auto ticket = k.escalate(card);
        QVERIFY(ticket.has_value());
        const Rented r = k.rent(card, net.takeDisc(k.node(), k.kioskId()), std::nullopt, ticket);
        QVERIFY(eventually([&] { return settled(QStringLiteral("east"), r.rentalId, QStringLiteral("open")); }));
        QCOMPARE(chargeOf(QStringLiteral("east"), r.rentalId).held, r.amountCents + r.taxCents);
        QCOMPARE(count(west, "SELECT count(*) FROM redbox.charge WHERE rental_id = $1", {r.rentalId}), 0);
        expectLedgersAgree(chargeOf(QStringLiteral("east"), r.rentalId));
    }

    // A failed dispense gives the hold back; voided before anything was held, nothing is sent.
    void aFailedDispenseReleasesTheHold()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }));
        const int held = chargeOf(west, r.rentalId).held;
        QCOMPARE(k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {r.rentalId, k.freeSlot()}, true).text(0, 0),
                 QStringLiteral("voided"));
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("voided")); }));
        const Charge c = chargeOf(west, r.rentalId);
        QCOMPARE(c.held, 0);
        QCOMPARE(c.captured, 0);
        QCOMPARE(count(west, "SELECT released_cents FROM redbox.processor_request WHERE request_key = $1",
                       {QStringLiteral("void:") + c.chargeId}),
                 held);
        expectLedgersAgree(c);
        QCOMPARE(ledgerEntry(QStringLiteral("auth:") + c.chargeId).value(QStringLiteral("released_cents")).toInt(), held);

        // With the acquirer down, the authorization waits; the void then cancels it unsent.
        setFault(QStringLiteral("down"));
        const QString disc2 = net.takeDisc(k.node(), k.kioskId());
        const Rented r2 = k.rent(cardOf(net.takeMember(west)), disc2);
        QVERIFY(eventually([&] {
            return count(west,
                         "SELECT count(*) FROM redbox.processor_request q JOIN redbox.charge c USING (charge_id) "
                         "WHERE c.rental_id = $1 AND q.op = 'authorize' AND q.state = 'queued' AND q.attempts >= 1",
                         {r2.rentalId}) == 1;
        }));
        QCOMPARE(k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {r2.rentalId, k.freeSlot()}, true).text(0, 0),
                 QStringLiteral("voided"));
        QVERIFY(eventually([&] { return settled(west, r2.rentalId, QStringLiteral("voided")); }));
        setFault(QStringLiteral("none"));
        const Charge c2 = chargeOf(west, r2.rentalId);
        QCOMPARE(requestCount(west, c2, "authorize", "cancelled"), 1);
        QCOMPARE(requestCount(west, c2, "void", "approved"), 0);
        QVERIFY(ledgerEntry(QStringLiteral("auth:") + c2.chargeId).isEmpty());
    }

    // The capture reaches the acquirer and its answer is lost: the service is in doubt, looks the
    // key up, and finds it applied. Nothing is sent twice; the acquirer captured once.
    void aCaptureWhoseAnswerIsLostIsResolvedByLookup()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }));
        setFault(QStringLiteral("timeout"), 1, QStringLiteral("capture:") + chargeOf(west, r.rentalId).chargeId);
        k.giveBack(disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }, 90'000));
        const Charge c = chargeOf(west, r.rentalId);
        QCOMPARE(c.captured, paidFor(west, r.rentalId));
        // Claimed twice: sent once (the answer lost at the deadline), then looked up.
        QCOMPARE(
            count(west, "SELECT attempts FROM redbox.processor_request WHERE request_key = $1", {QStringLiteral("capture:") + c.chargeId}),
            2);
        expectLedgersAgree(c);
        QCOMPARE(ledgerEntry(QStringLiteral("auth:") + c.chargeId).value(QStringLiteral("captured_cents")).toInt(), c.captured);

        // The same, for a request the acquirer never got (dropped): the lookup finds nothing, and
        // the same key is sent again.
        const QString disc2 = net.takeDisc(k.node(), k.kioskId());
        const QUuid payment = QUuid::createUuid();   // the charge's id
        setFault(QStringLiteral("drop"), 1, QStringLiteral("auth:") + payment.toString(QUuid::WithoutBraces));
        const Rented r2 = k.rent(cardOf(net.takeMember(west)), disc2, std::nullopt, std::nullopt, QUuid::createUuid(), payment);
        QVERIFY(
            eventually([&] { return settled(west, r2.rentalId, QStringLiteral("open")) && chargeOf(west, r2.rentalId).held > 0; }, 90'000));
        const Charge c2 = chargeOf(west, r2.rentalId);
        QCOMPARE(
            count(west, "SELECT attempts FROM redbox.processor_request WHERE request_key = $1", {QStringLiteral("auth:") + c2.chargeId}),
            3);   // sent (dropped), looked up (not found), sent again
        expectLedgersAgree(c2);
    }

    // A minute without the acquirer delays the capture; it neither loses nor doubles it.
    void anAcquirerDownForAMinuteDelaysTheCapture()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }));
        setFault(QStringLiteral("down"));
        k.giveBack(disc);
        QTest::qWait(60'000);
        Charge c = chargeOf(west, r.rentalId);
        QCOMPARE(c.state, QStringLiteral("open"));
        QVERIFY(count(west, "SELECT attempts FROM redbox.processor_request WHERE request_key = $1 AND state = 'queued'",
                      {QStringLiteral("capture:") + c.chargeId}) >= 3);
        setFault(QStringLiteral("none"));   // (the ledger cannot be read while the acquirer is down)
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }, 90'000));
        c = chargeOf(west, r.rentalId);
        QCOMPARE(c.captured, paidFor(west, r.rentalId));
        expectLedgersAgree(c);
    }

    // A capture sent twice (the service lost what it had sent and sends the same key again) is
    // applied once: the acquirer answers the repeat as it did the first time. Another request
    // under a used key is refused; a second report of an answer changes nothing here.
    void aDuplicateCaptureIsAppliedOnce()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }));
        k.giveBack(disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }));
        Charge c = chargeOf(west, r.rentalId);
        const QString key = QStringLiteral("capture:") + c.chargeId;
        // As if the answer had never been written down: the same capture goes out again.
        count(west,
              "WITH q AS (UPDATE redbox.processor_request SET state = 'queued', next_attempt_at = '-infinity' WHERE request_key = $1 "
              "RETURNING charge_id) UPDATE redbox.charge SET state = 'open', held_cents = captured_cents, captured_cents = 0 "
              "WHERE charge_id IN (SELECT charge_id FROM q) RETURNING 1",
              {key});
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }));
        c = chargeOf(west, r.rentalId);
        QCOMPARE(c.captured, paidFor(west, r.rentalId));
        QCOMPARE(count(west, "SELECT attempts FROM redbox.processor_request WHERE request_key = $1", {key}), 2);
        expectLedgersAgree(c);   // captured once, for the same amount

        payments::AcquirerClient client(
            {QUrl(acquirerInfo().value(QStringLiteral("url")).toString()), networkCa(), readKey(QStringLiteral("api_key_file"))});
        QCOMPARE(client.lookup(key, 5s).outcome, payments::Outcome::Approved);
        QCOMPARE(client.lookup(key, 5s).amountCents, c.captured);
        // The same key for another amount, a refund of more than was captured: refused, nothing changes.
        QCOMPARE(client.submit({payments::Op::Capture, key, c.authRef, {}, c.captured + 1}, 5s).outcome, payments::Outcome::Rejected);
        QCOMPARE(client
                     .submit({payments::Op::Refund,
                              QStringLiteral("refund:") + QUuid::createUuid().toString(QUuid::WithoutBraces),
                              c.authRef,
                              {},
                              c.captured + 1},
                             5s)
                     .outcome,
                 payments::Outcome::Rejected);
        QCOMPARE(client.lookup(QStringLiteral("capture:never-sent"), 5s).outcome, payments::Outcome::NotFound);
        expectLedgersAgree(chargeOf(west, r.rentalId));

        // The service reporting an answer twice changes nothing.
        pg::Connection svc = net.connect(west, QStringLiteral("payments"));
        QCOMPARE(svc.exec("SELECT redbox.payment_result($1, 'approved', $2, 1, NULL)", {key, c.authRef}, true).text(0, 0),
                 QStringLiteral("approved"));
        QCOMPARE(chargeOf(west, r.rentalId).captured, c.captured);
    }

    void aDeclinedCardHoldsNothingAndIsNeverCaptured()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        k.useCardToken(QStringLiteral("tok_declined0001"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("declined")); }));
        k.giveBack(disc);
        QVERIFY(net.waitForQuiet(30s));
        const Charge c = chargeOf(west, r.rentalId);
        QCOMPARE(c.state, QStringLiteral("declined"));
        QCOMPARE(count(west, "SELECT count(*) FROM redbox.processor_request WHERE charge_id = $1", {c.chargeId}), 1);
        QVERIFY(ledgerEntry(QStringLiteral("auth:") + c.chargeId).isEmpty());

        // A card with little room: the first night is held, the nights past its limit are declined,
        // and the capture takes what the hold allows.
        k.useCardToken(QStringLiteral("tok_limited00001"));
        const QString disc2 = net.takeDisc(k.node(), k.kioskId());
        const Rented r2 = k.rent(cardOf(net.takeMember(west)), disc2, QDateTime::currentDateTimeUtc().addDays(-12));
        QVERIFY(eventually([&] { return settled(west, r2.rentalId, QStringLiteral("open")) && chargeOf(west, r2.rentalId).held > 0; }));
        count(west, "SELECT redbox.payment_accrue()");
        QVERIFY(eventually([&] { return chargeOf(west, r2.rentalId).open == 0; }));
        const Charge c2 = chargeOf(west, r2.rentalId);
        QCOMPARE(requestCount(west, c2, "increment", "declined"), 1);
        QCOMPARE(c2.held, r2.amountCents + r2.taxCents);
        expectLedgersAgree(c2);
    }

    // An operator's refund: at most what was captured, once per refund, in the audit log.
    void aRefundIsAuditedAndBounded()
    {
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        const Rented r = k.rent(cardOf(net.takeMember(west)), disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }));
        k.giveBack(disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }));
        const QString rental = r.rentalId.toString(QUuid::WithoutBraces);
        QString out;
        QCOMPARE(
            net.tool({QStringLiteral("payments"), QStringLiteral("refund"), rental, QStringLiteral("--cents"), QStringLiteral("100"),
                      QStringLiteral("--reason"), QStringLiteral("disc would not play"), QStringLiteral("--by"), QStringLiteral("tests")},
                     &out),
            0);
        QVERIFY2(out.contains(QLatin1String("queued")), qPrintable(out));
        QVERIFY(eventually([&] { return chargeOf(west, r.rentalId).refunded == 100 && chargeOf(west, r.rentalId).open == 0; }));
        const Charge c = chargeOf(west, r.rentalId);
        expectLedgersAgree(c);
        QCOMPARE(count(west,
                       "SELECT count(*) FROM redbox.audit_log WHERE action = 'refund' AND detail->>'rental_id' = $1 "
                       "AND detail->>'reason' = 'disc would not play' AND detail->>'by' = 'tests'",
                       {rental}),
                 1);
        // More than is left: refused, nothing queued.
        QCOMPARE(net.tool({QStringLiteral("payments"), QStringLiteral("refund"), rental, QStringLiteral("--cents"),
                           QString::number(c.captured), QStringLiteral("--reason"), QStringLiteral("again")},
                          &out),
                 2);
        QVERIFY2(out.contains(QLatin1String("more than")), qPrintable(out));
        QCOMPARE(count(west, "SELECT count(*) FROM redbox.processor_request WHERE charge_id = $1 AND op = 'refund'", {c.chargeId}), 1);
    }

    // The day's settlement at each coast adds up to the acquirer's ledger, and reconcile finds
    // no difference between the two.
    void settlementAndReconcileAgreeWithTheAcquirer()
    {
        QVERIFY(eventually(
            [&] {
                return count(west, "SELECT count(*) FROM redbox.processor_request WHERE state IN ('queued', 'in_doubt')") == 0 &&
                       count(QStringLiteral("east"),
                             "SELECT count(*) FROM redbox.processor_request WHERE state IN ('queued', 'in_doubt')") == 0;
            },
            120'000));
        QString out;
        net.tool({QStringLiteral("reconcile"), QStringLiteral("--json")}, &out);   // other differences are other tests' business
        const QJsonObject rec = QJsonDocument::fromJson(out.toUtf8()).object();
        for (const QJsonValue p : rec.value(QStringLiteral("problems")).toArray())
            QVERIFY2(!p.toString().contains(QLatin1String("authorization")), qPrintable(p.toString()));
        QCOMPARE(rec.value(QStringLiteral("charges_in_flight")).toInt(), 0);

        // Settlement: the coasts' captured and refunded, over the last month, equal the acquirer's totals.
        qint64 captured = 0;
        qint64 refunded = 0;
        for (const QString &coast : {west, QStringLiteral("east")}) {
            pg::Connection c = net.connect(coast);
            const pg::Result s = c.exec(
                "SELECT sum(captured_cents), sum(refunded_cents) FROM redbox.settlement(current_date - 30, current_date)");
            captured += s.int64(0, 0);
            refunded += s.int64(0, 1);
        }
        qint64 theirCaptured = 0;
        qint64 theirRefunded = 0;
        const Http ledger = acquirer("GET", QStringLiteral("/v1/ledger"), readKey(QStringLiteral("api_key_file")));
        const QJsonArray all = ledger.body.value(QStringLiteral("authorizations")).toArray();
        QVERIFY(!all.isEmpty());
        for (const QJsonValue v : all) {
            theirCaptured += v.toObject().value(QStringLiteral("captured_cents")).toInteger();
            theirRefunded += v.toObject().value(QStringLiteral("refunded_cents")).toInteger();
        }
        QVERIFY(captured > 0);
        QCOMPARE(captured, theirCaptured);
        QCOMPARE(refunded, theirRefunded);
    }

    // From the attacker's side: no key, a wrong key, the merchant's key on the faults, a body too
    // big; the payments login reaches nothing but its functions; a kiosk cannot reach them.
    // A promo code takes up to one first night off, once per card: HQ grants it, the red box
    // checks the grant and applies it to one disc, the coast authorizes what is left (a free
    // night holds a dollar), and a disc back on time releases the hold; the acquirer agrees.
    void aPromoCodeTakesOneNightOffOncePerCard()
    {
        const QString code = newPromo(1000);
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString card = cardOf(net.takeMember(west));
        const QUuid grantId = QUuid::createUuid();
        const Promo p = k.redeemPromo(card, code, grantId);
        QCOMPARE(p.outcome, QStringLiteral("ok"));
        QCOMPARE(p.centsOff, 1000);
        QVERIFY(p.grant.has_value());
        // The same transaction asking again (its answer was lost): the same grant.
        QCOMPARE(k.redeemPromo(card, code, grantId).grant->object(), p.grant->object());
        // Another transaction of the same card: the code is used.
        const Promo again = k.redeemPromo(card, code);
        QCOMPARE(again.outcome, QStringLiteral("used"));
        QVERIFY2(again.message.contains(QStringLiteral("already used")), qPrintable(again.message));
        QVERIFY(!again.grant.has_value());
        // HQ takes a code as the kiosk tidies it (capitals, no spaces), nothing else.
        expectRefusal([&] { k.redeemPromo(card, QStringLiteral("free night")); }, QStringLiteral("22023"), QStringLiteral("capital"));

        const QString disc = net.takeDisc(k.node(), k.kioskId());
        k.usePromo(p.grant);
        const Rented r = k.rent(card, disc);
        QCOMPARE(r.amountCents, 0);
        QCOMPARE(r.taxCents, 0);
        // One disc per grant: the next disc of the visit pays its night.
        k.usePromo(p.grant);
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId())); }, RedboxError::PromoRefused,
                      QStringLiteral("already used"));
        QVERIFY(net.waitForQuiet(30s));
        for (const QString &node : {k.node(), west, QStringLiteral("hq")})
            QCOMPARE(count(node,
                           "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND discount_cents = daily_rate_cents "
                           "AND promo_code = $2 AND promo_grant = $3",
                           {r.rentalId, code, grantId}),
                     1);
        QCOMPARE(count(QStringLiteral("hq"),
                       "SELECT count(*) FROM redbox.promo_redemption WHERE grant_id = $1 AND rental_id = $2 "
                       "AND released_at IS NULL",
                       {grantId, r.rentalId}),
                 1);
        // Nothing to authorize but the dollar a card kiosk holds for a free night.
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held == 100; }));
        expectLedgersAgree(chargeOf(west, r.rentalId));
        // Back the same day: nothing owed; the hold is released, nothing captured.
        k.giveBack(disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("voided")); }));
        const Charge c = chargeOf(west, r.rentalId);
        QCOMPARE(c.captured, 0);
        QCOMPARE(c.held, 0);
        QCOMPARE(paidFor(west, r.rentalId), 0);
        expectLedgersAgree(c);
    }

    // Worth less than the night: the rest of the night and its tax are authorized and captured.
    void aPromoWorthLessThanTheNightLeavesTheRestToPay()
    {
        const QString code = newPromo(50);
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString card = cardOf(net.takeMember(west));
        const Promo p = k.redeemPromo(card, code);
        QCOMPARE(p.outcome, QStringLiteral("ok"));
        const QString disc = net.takeDisc(k.node(), k.kioskId());
        k.usePromo(p.grant);
        const Rented r = k.rent(card, disc);
        const int rate = static_cast<int>(count(k.node(), "SELECT daily_rate_cents FROM redbox.rental WHERE rental_id = $1", {r.rentalId}));
        QCOMPARE(r.amountCents, rate - 50);
        QCOMPARE(r.taxCents,
                 static_cast<int>(count(k.node(), "SELECT redbox.tax_on($1, tax_rate_bp) FROM redbox.rental WHERE rental_id = $2",
                                        {rate - 50, r.rentalId})));
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")); }));
        QCOMPARE(chargeOf(west, r.rentalId).held, r.amountCents + r.taxCents);
        k.giveBack(disc);
        QVERIFY(eventually([&] { return settled(west, r.rentalId, QStringLiteral("captured")); }));
        QCOMPARE(chargeOf(west, r.rentalId).captured, r.amountCents + r.taxCents);
        expectLedgersAgree(chargeOf(west, r.rentalId));
    }

    // A failed dispense gives the card its code back; so does a kiosk whose customer left.
    void aVoidOrAnUnusedGrantGivesTheCodeBack()
    {
        const QString code = newPromo(100);
        KioskCalls k(QStringLiteral("west-rb2"));
        const QString card = cardOf(net.takeMember(west));
        const Promo p = k.redeemPromo(card, code);
        k.usePromo(p.grant);
        const Rented r = k.rent(card, net.takeDisc(k.node(), k.kioskId()));
        QCOMPARE(k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {r.rentalId, k.freeSlot()}, true).text(0, 0),
                 QStringLiteral("voided"));
        QVERIFY(net.waitForQuiet(30s));
        QCOMPARE(count(QStringLiteral("hq"),
                       "SELECT count(*) FROM redbox.promo_redemption WHERE rental_id = $1 AND released_at IS NOT NULL", {r.rentalId}),
                 1);
        const Promo second = k.redeemPromo(card, code);
        QCOMPARE(second.outcome, QStringLiteral("ok"));
        // Given back unused (by this kiosk only, and only once).
        pg::Connection hqByKiosk = k.escalationConnection(QStringLiteral("hq"));
        const QUuid grant = QUuid::fromString(second.grant->object().value(QStringLiteral("grant")).toString());
        QCOMPARE(KioskCalls(QStringLiteral("west-rb1"))
                     .escalationConnection(QStringLiteral("hq"))
                     .exec("SELECT redbox.release_promo($1)", {grant}, true)
                     .boolean(0, 0),
                 false);
        QCOMPARE(hqByKiosk.exec("SELECT redbox.release_promo($1)", {grant}, true).boolean(0, 0), true);
        QCOMPARE(hqByKiosk.exec("SELECT redbox.release_promo($1)", {grant}, true).boolean(0, 0), false);
        QCOMPARE(k.redeemPromo(card, code).outcome, QStringLiteral("ok"));
    }

    // From the attacker's side: a grant is HQ's word for one card at one kiosk, signed; a kiosk
    // that guesses codes is slowed down; an expired or unknown code grants nothing.
    void aPromoGrantCannotBeForgedMovedOrGuessed()
    {
        const QString code = newPromo(100);
        KioskCalls k(QStringLiteral("west-rb1"));
        KioskCalls other(QStringLiteral("west-rb1"), 2);
        const QString card = cardOf(net.takeMember(west));
        const Promo p = k.redeemPromo(card, code);
        QCOMPARE(p.outcome, QStringLiteral("ok"));
        QJsonObject forged = p.grant->object();
        forged.insert(QStringLiteral("cents_off"), 5000);
        k.usePromo(QJsonDocument(forged));
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId())); }, RedboxError::PromoRefused, QStringLiteral("not valid"));
        other.usePromo(p.grant);
        expectRefusal([&] { other.rent(card, net.takeDisc(other.node(), other.kioskId())); }, RedboxError::PromoRefused,
                      QStringLiteral("another card or kiosk"));
        k.usePromo(p.grant);
        expectRefusal([&] { k.rent(cardOf(net.takeMember(west)), net.takeDisc(k.node(), k.kioskId())); }, RedboxError::PromoRefused,
                      QStringLiteral("another card or kiosk"));
        k.usePromo(k.signIn(card).ticket);   // a sign-in ticket is signed with the same key, but is no grant
        expectRefusal([&] { k.rent(card, net.takeDisc(k.node(), k.kioskId())); }, RedboxError::PromoRefused, QStringLiteral("not valid"));
        // The real grant still works, replayed from the kiosk's outbox a minute after it was made.
        k.usePromo(p.grant);
        const Rented late = k.rent(card, net.takeDisc(k.node(), k.kioskId()), QDateTime::currentDateTimeUtc().addSecs(-60));
        QCOMPARE(late.outcome, QStringLiteral("rented"));
        QCOMPARE(count(k.node(), "SELECT discount_cents FROM redbox.rental WHERE rental_id = $1", {late.rentalId}), 100);

        KioskCalls guesser(QStringLiteral("east-rb2"), 2);
        const QString stranger = net.cardHash(QStringLiteral("4111111111111111"));
        QCOMPARE(guesser.redeemPromo(stranger, newPromo(100, -10, -2)).outcome, QStringLiteral("expired"));
        QCOMPARE(guesser.redeemPromo(stranger, newPromo(100, 2, 10)).outcome, QStringLiteral("expired"));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(guesser.redeemPromo(stranger, QStringLiteral("GUESS%1").arg(i)).outcome, QStringLiteral("unknown"));
        const Promo slowed = guesser.redeemPromo(stranger, code);
        QCOMPARE(slowed.outcome, QStringLiteral("throttled"));
        QVERIFY(!slowed.grant.has_value());
        QCOMPARE(k.redeemPromo(cardOf(net.takeMember(west)), code).outcome, QStringLiteral("ok"));   // other kiosks are not
        net.connect(QStringLiteral("hq")).exec("DELETE FROM redbox.promo_attempt WHERE kiosk_id = $1", {guesser.kioskId()}, true);
        // Only kiosks' escalation logins may redeem; a kiosk's red box login has no such function.
        expectRefusal(
            [&] {
                k.conn().exec("SELECT * FROM redbox.redeem_promo($1, $2, gen_random_uuid())", {code, card});
            },
            QStringLiteral("42883"), QStringLiteral("does not exist"));
    }

    // A disc bought ("previously viewed"): its sale price with tax is authorized, the sale is
    // final when the kiosk reports the disc out, and the charge is captured then, once; the
    // rental closes as kept at every tier, counted as no disc out; the return slot refuses it.
    void aDiscBoughtIsCapturedAtOnceAndLeavesStock()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const qint64 member = net.takeMember(west);
        const QString card = cardOf(member);
        const QString disc = net.takeDisc(k.node(), k.kioskId(), QStringLiteral("dvd"), true);
        const int price = static_cast<int>(count(k.node(), "SELECT redbox.sale_price('west', 'dvd', now())"));
        QVERIFY(price > 0);
        const Rented b = k.buy(card, disc);
        QCOMPARE(b.outcome, QStringLiteral("rented"));
        QCOMPARE(b.amountCents, price);
        QVERIFY(b.taxCents > 0);
        QCOMPARE(b.discsOut, 0);
        QCOMPARE(count(k.node(), "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 0);
        // Asked again under the same id (a lost answer): the same sale, once.
        QVERIFY(k.buy(card, disc, std::nullopt, b.rentalId).replayed);
        QVERIFY(eventually([&] { return settled(west, b.rentalId, QStringLiteral("open")); }));
        QCOMPARE(chargeOf(west, b.rentalId).held, price + b.taxCents);
        QCOMPARE(chargeOf(west, b.rentalId).captured, 0);   // nothing taken before the disc is out

        k.dispensed(b.rentalId);
        QVERIFY(eventually([&] { return settled(west, b.rentalId, QStringLiteral("captured")); }));
        const Charge c = chargeOf(west, b.rentalId);
        QCOMPARE(c.captured, price + b.taxCents);
        QCOMPARE(c.held, 0);
        QCOMPARE(paidFor(west, b.rentalId), price + b.taxCents);
        QCOMPARE(requestCount(west, c, "capture", "approved"), 1);
        expectLedgersAgree(c);
        k.dispensed(b.rentalId);   // reported twice: nothing more
        QVERIFY(net.waitForQuiet(30s));
        for (const QString &node : {k.node(), west, QStringLiteral("hq")}) {
            QCOMPARE(count(node,
                           "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND purchase AND status = 'kept' "
                           "AND charge_cents = $2 AND nights = 1",
                           {b.rentalId, price}),
                     1);
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'sold'", {disc}), 1);
        }
        QCOMPARE(count(west, "SELECT discs_out FROM redbox.membershipstatus WHERE member_id = $1", {member}), 0);
        QCOMPARE(count(QStringLiteral("hq"), "SELECT count(*) FROM redbox.limit_overshoot WHERE rental_id = $1", {b.rentalId}), 0);
        QCOMPARE(requestCount(west, c, "capture", "approved"), 1);
        // Its buyer keeps it: the return slot gives it back.
        expectRefusal([&] { k.giveBack(disc); }, RedboxError::DiscSold, QStringLiteral("sold"));
    }

    // A bought disc that does not come out is never charged; only titles on sale are sold, on a
    // server's sign-in, without a promo; a sale cannot pass for a rental of the same disc.
    void aPurchaseIsVoidedByAFailedDispenseAndSoldOnlyWhenOnSale()
    {
        KioskCalls k(QStringLiteral("west-rb1"));
        const QString card = cardOf(net.takeMember(west));
        const QString disc = net.takeDisc(k.node(), k.kioskId(), QStringLiteral("dvd"), true);
        const Rented b = k.buy(card, disc);
        QVERIFY(eventually([&] { return settled(west, b.rentalId, QStringLiteral("open")) && chargeOf(west, b.rentalId).held > 0; }));
        QCOMPARE(k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {b.rentalId, k.freeSlot()}, true).text(0, 0),
                 QStringLiteral("voided"));
        QVERIFY(eventually([&] { return settled(west, b.rentalId, QStringLiteral("voided")); }));
        QCOMPARE(chargeOf(west, b.rentalId).captured, 0);
        expectLedgersAgree(chargeOf(west, b.rentalId));
        QCOMPARE(count(k.node(), "SELECT count(*) FROM redbox.dvd WHERE barcode = $1 AND status = 'in'", {disc}), 1);

        const QString notOnSale = net.connect(k.node())
                                      .exec("SELECT d.barcode FROM redbox.dvd d JOIN redbox.movie m USING (movie_id) "
                                            "WHERE d.kiosk_id = $1 AND d.status = 'in' AND m.sell_from IS NULL LIMIT 1",
                                            {k.kioskId()}, true)
                                      .text(0, 0);
        expectRefusal([&] { k.buy(card, notOnSale); }, RedboxError::DiscUnavailable, QStringLiteral("for sale"));
        const QString another = net.takeDisc(k.node(), k.kioskId(), QStringLiteral("dvd"), true);
        expectRefusal([&] { k.buy(cardOf(net.takeMember(west)), another, QJsonDocument(QJsonObject{})); }, RedboxError::TicketInvalid,
                      QStringLiteral("ticket"));
        const Rented rented = k.rent(card, another);
        expectRefusal([&] { k.buy(card, another, std::nullopt, rented.rentalId); }, RedboxError::IdReused, QStringLiteral("already used"));
        expectRefusal(
            [&] {
                k.conn().exec("SELECT * FROM redbox.rent_core(NULL, gen_random_uuid(), $1, $2, gen_random_uuid(), 'tok_abcdefgh', "
                              "'4242', now(), false, NULL, false, NULL, true)",
                              {card, another});
            },
            QStringLiteral("42"), QStringLiteral("denied"));
    }

    void theAttackersSide()
    {
        const QByteArray api = readKey(QStringLiteral("api_key_file"));
        QCOMPARE(acquirer("GET", QStringLiteral("/v1/ledger"), {}).status, 401);
        QCOMPARE(acquirer("GET", QStringLiteral("/v1/ledger"), api.left(api.size() - 1) + "x").status, 401);
        QCOMPARE(acquirer("POST", QStringLiteral("/v1/faults"), api, json({{QStringLiteral("mode"), QStringLiteral("down")}})).status, 401);
        QCOMPARE(acquirer("POST", QStringLiteral("/v1/capture"), api, QByteArray(20'000, 'x')).status, 413);
        QCOMPARE(acquirer("POST", QStringLiteral("/v1/capture"), api, "not json").status, 400);
        // A card number where the token goes: refused, and nothing of it kept.
        QCOMPARE(acquirer("POST", QStringLiteral("/v1/authorize"), api,
                          json({{QStringLiteral("key"), QStringLiteral("auth:bad-card-0001")},
                                {QStringLiteral("card_token"), QStringLiteral("4111111111111111")},
                                {QStringLiteral("amount_cents"), 100}}))
                     .status,
                 400);
        QCOMPARE(acquirer("GET", QStringLiteral("/v1/requests/auth:bad-card-0001"), api).status, 404);
        QCOMPARE(acquirer("GET", QStringLiteral("/v1/requests/..%2F..%2Fetc"), api).status, 400);

        pg::Connection svc = net.connect(west, QStringLiteral("payments"));
        for (const char *sql : {"SELECT count(*) FROM redbox.west_member", "SELECT count(*) FROM redbox.charge",
                                "SELECT redbox.refund_charge(gen_random_uuid(), gen_random_uuid(), 1, 'abc', 'me')",
                                "SELECT * FROM redbox.export_rows('member', '', '', 1)"}) {
            try {
                svc.exec(sql);
                QFAIL(qPrintable(QStringLiteral("the payments login could run: ") + QLatin1String(sql)));
            } catch (const pg::DbError &e) {
                QCOMPARE(e.sqlstate(), QStringLiteral("42501"));
            }
        }
        // An answer for a request it never claimed, and a forged approval without an authorization id.
        KioskCalls k(QStringLiteral("west-rb1"));
        setFault(QStringLiteral("down"));
        const Rented r = k.rent(cardOf(net.takeMember(west)), net.takeDisc(k.node(), k.kioskId()));
        QVERIFY(eventually([&] { return chargeOf(west, r.rentalId).open == 1; }));
        const Charge c = chargeOf(west, r.rentalId);
        try {
            svc.exec("SELECT redbox.payment_result($1, 'approved', NULL, 100, NULL)", {QStringLiteral("auth:") + c.chargeId}, true);
            QFAIL("an answer to an unclaimed request was taken");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.sqlstate() == QLatin1String("RB022") || e.sqlstate() == QLatin1String("22023"), qPrintable(e.message()));
        }
        setFault(QStringLiteral("none"));
        QVERIFY(
            eventually([&] { return settled(west, r.rentalId, QStringLiteral("open")) && chargeOf(west, r.rentalId).held > 0; }, 90'000));
        // The kiosk's login cannot reach the payment functions.
        try {
            k.conn().exec("SELECT * FROM redbox.payment_claim(10)");
            QFAIL("a kiosk claimed processor requests");
        } catch (const pg::DbError &e) {
            QVERIFY(e.sqlstate() == QLatin1String("42501") || e.sqlstate() == QLatin1String("42883"));
        }
    }
};

QTEST_GUILESS_MAIN(TestPayments)
#include "tst_payments.moc"
