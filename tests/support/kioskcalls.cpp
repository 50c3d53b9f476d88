// Kiosk calls for tests (see kioskcalls.h).
#include "kioskcalls.h"

#include "kioskcore/kioskconfig.h"

#include <QMutex>
#include <QSet>

#include <utility>

namespace redbox::test {

KioskCalls::KioskCalls(const QString &node, int kiosk)
    : m_node(node),
      m_kioskId(TestNetwork::get().kioskId(node, kiosk)),
      m_conn(pg::Connection::open(TestNetwork::get().kioskConninfo(m_kioskId)))
{}

namespace {

SignedIn signedIn(const pg::Result &r)
{
    SignedIn out;
    out.outcome = r.text(0, "outcome");
    out.triesLeft = r.int32(0, "tries_left");
    if (!r.isNull(0, "locked_until"))
        out.lockedUntil = r.timestamp(0, "locked_until");
    if (!r.isNull(0, "ticket"))
        out.ticket = r.json(0, "ticket");
    if (!r.isNull(0, "member_id")) {
        out.discsOut = r.int32(0, "discs_out");
        out.planLimit = r.int32(0, "plan_limit");
        out.plan = r.int32(0, "membership_id");
        out.homeCoast = r.text(0, "home_coast");
    }
    return out;
}

}   // namespace

SignedIn KioskCalls::signIn(const QString &cardHash, const std::optional<QString> &pin)
{
    return signedIn(
        m_conn.exec("SELECT * FROM redbox.kiosk_sign_in($1, $2)", {cardHash, pin ? *pin : TestNetwork::get().pinOfCard(cardHash)}, true));
}

SignedIn KioskCalls::walkUp(const QString &cardHash)
{
    return signedIn(m_conn.exec("SELECT * FROM redbox.kiosk_walkup($1)", {cardHash}, true));
}

std::optional<SignedIn> KioskCalls::escalateWalkUp(const QString &cardHash)
{
    TestNetwork &net = TestNetwork::get();
    for (const QString &node : {net.coastOf(m_node), QStringLiteral("hq")}) {
        pg::Connection v = escalationConnection(node);
        try {
            return signedIn(v.exec("SELECT * FROM redbox.verify_walkup($1)", {cardHash}, true));
        } catch (const pg::DbError &e) {
            if (e.code() != RedboxError::UnknownCard)
                throw;
        }
    }
    return std::nullopt;
}

Promo KioskCalls::redeemPromo(const QString &cardHash, const QString &code, const QUuid &grantId)
{
    pg::Connection v = escalationConnection(QStringLiteral("hq"));
    const pg::Result r = v.exec("SELECT outcome, cents_off, grant_json, message FROM redbox.redeem_promo($1, $2, $3)",
                                {code, cardHash, grantId}, true);
    Promo out;
    out.outcome = r.text(0, 0);
    out.centsOff = r.isNull(0, 1) ? 0 : r.int32(0, 1);
    if (!r.isNull(0, 2))
        out.grant = r.json(0, 2);
    out.message = r.isNull(0, 3) ? QString() : r.text(0, 3);
    return out;
}

pg::Connection KioskCalls::escalationConnection(const QString &node) const
{
    TestNetwork &net = TestNetwork::get();
    const KioskConfig c = KioskConfig::load(net.kioskFolder(m_kioskId) + QStringLiteral("/kiosk.ini"));
    return pg::Connection::open(net.conninfoWith(node, c.verifierLogin(), c.verifierPassfile));
}

std::optional<QJsonDocument> KioskCalls::escalate(const QString &cardHash)
{
    TestNetwork &net = TestNetwork::get();
    for (const QString &node : {net.coastOf(m_node), QStringLiteral("hq")}) {
        pg::Connection v = escalationConnection(node);
        try {
            const pg::Result r = v.exec("SELECT outcome, ticket FROM redbox.verify_member_pin($1, $2)", {cardHash, net.pinOfCard(cardHash)},
                                        true);
            if (r.text(0, "outcome") != QLatin1String("ok"))
                throw std::runtime_error("escalated sign-in: " + r.text(0, "outcome").toStdString());
            return r.json(0, "ticket");
        } catch (const pg::DbError &e) {
            if (e.code() != RedboxError::UnknownCard)
                throw;
        }
    }
    return std::nullopt;
}

std::optional<QJsonDocument> KioskCalls::proofFor(const QString &cardHash, const std::optional<QJsonDocument> &ticket)
{
    if (ticket || !TestNetwork::get().knowsCard(cardHash))
        return ticket;
    // A member of this red box's coast signs in here first, as at a kiosk.
    try {
        return signIn(cardHash).ticket;
    } catch (const pg::DbError &e) {
        if (e.code() != RedboxError::UnknownCard)
            throw;
    }
    return std::nullopt;
}

QString KioskCalls::nextCardToken() const
{
    return m_cardToken.isEmpty() ? QStringLiteral("tok_") + QUuid::createUuid().toString(QUuid::Id128).left(16) : m_cardToken;
}

namespace {

Rented readRented(const pg::Result &r)
{
    Rented out;
    out.outcome = r.text(0, "outcome");
    out.note = r.isNull(0, "note") ? QString() : r.text(0, "note");
    out.rentalId = r.uuid(0, "rental_id");
    out.replayed = r.boolean(0, "replayed");
    if (out.outcome == QLatin1String("parked"))
        return out;
    out.memberId = r.int64(0, "member_id");
    out.barcode = r.text(0, "barcode");
    out.dueAt = r.timestamp(0, "due_at");
    out.amountCents = r.int32(0, "amount_cents");
    out.taxCents = r.int32(0, "tax_cents");
    out.discsOut = r.int32(0, "discs_out");
    out.planLimit = r.int32(0, "plan_limit");
    out.offlineLimited = r.boolean(0, "offline_limited");
    return out;
}

}   // namespace

Rented KioskCalls::rent(const QString &cardHash, const QString &barcode, const std::optional<QDateTime> &offlineAt,
                        const std::optional<QJsonDocument> &ticket, QUuid rentalId, QUuid paymentId)
{
    const std::optional<QJsonDocument> proof = offlineAt ? ticket : proofFor(cardHash, ticket);
    const QString token = nextCardToken();
    const pg::Result r = m_conn.exec(
        "SELECT outcome, note, rental_id, member_id, barcode, due_at, amount_cents, tax_cents, discs_out, "
        "plan_limit, offline_limited, replayed FROM redbox.kiosk_rent($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {rentalId, cardHash, barcode, paymentId, token, QStringLiteral("4242"), offlineAt ? pg::Param(*offlineAt) : pg::Param(nullptr),
         offlineAt.has_value(), proof ? pg::Param(*proof) : pg::Param(nullptr),
         m_promo ? pg::Param(*std::exchange(m_promo, std::nullopt)) : pg::Param(nullptr)},
        true);
    return readRented(r);
}

Rented KioskCalls::buy(const QString &cardHash, const QString &barcode, const std::optional<QJsonDocument> &ticket, QUuid rentalId)
{
    const std::optional<QJsonDocument> proof = proofFor(cardHash, ticket);
    return readRented(m_conn.exec("SELECT outcome, note, rental_id, member_id, barcode, due_at, amount_cents, tax_cents, discs_out, "
                                  "plan_limit, offline_limited, replayed FROM redbox.kiosk_buy($1, $2, $3, $4, $5, $6, $7)",
                                  {rentalId, cardHash, barcode, QUuid::createUuid(), nextCardToken(), QStringLiteral("4242"),
                                   proof ? pg::Param(*proof) : pg::Param(nullptr)},
                                  true));
}

void KioskCalls::dispensed(const QUuid &rentalId)
{
    m_conn.exec("SELECT redbox.kiosk_dispensed($1)", {rentalId}, true);
}

Returned KioskCalls::giveBack(const QString &barcode, const std::optional<QDateTime> &offlineAt, QUuid returnId)
{
    return giveBack(barcode, offlineAt, returnId, freeSlot());
}

Returned KioskCalls::giveBackTo(const QString &barcode, int slot)
{
    return giveBack(barcode, std::nullopt, QUuid::createUuid(), slot);
}

Returned KioskCalls::giveBack(const QString &barcode, const std::optional<QDateTime> &offlineAt, QUuid returnId, int slot)
{
    const pg::Result r = m_conn.exec(
        "SELECT return_id, rental_id, title, foreign_disc, nights, charge_cents, late_cents, replayed "
        "FROM redbox.kiosk_return($1, $2, $3, $4, $5)",
        {returnId, barcode, offlineAt ? pg::Param(*offlineAt) : pg::Param(nullptr), slot, offlineAt.has_value()}, true);
    Returned out;
    out.returnId = r.uuid(0, "return_id");
    out.rentalId = r.uuid(0, "rental_id");
    out.title = r.text(0, "title");
    out.foreignDisc = r.boolean(0, "foreign_disc");
    out.nights = r.int32(0, "nights");
    out.chargeCents = r.int32(0, "charge_cents");
    out.lateCents = r.int32(0, "late_cents");
    out.replayed = r.boolean(0, "replayed");
    return out;
}

int KioskCalls::freeSlot()
{
    static QMutex mutex;
    static QSet<QString> handedOut;
    QMutexLocker lock(&mutex);
    pg::Connection admin = TestNetwork::get().connect(m_node);
    const pg::Result r = admin.exec(
        "SELECT s FROM redbox.kiosk k, generate_series(1, k.slot_count) s WHERE k.kiosk_id = $1 "
        "AND NOT EXISTS (SELECT 1 FROM redbox.dvd d WHERE d.kiosk_id = k.kiosk_id AND d.slot_no = s) ORDER BY s DESC",
        {m_kioskId});
    for (int i = 0; i < r.rows(); ++i) {
        const QString key = m_kioskId + QLatin1Char(':') + r.text(i, 0);
        if (!handedOut.contains(key)) {
            handedOut.insert(key);
            return r.int32(i, 0);
        }
    }
    throw std::runtime_error("no free slot at " + m_kioskId.toStdString());
}

}   // namespace redbox::test
