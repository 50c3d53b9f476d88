// Kiosk calls for tests (see kioskcalls.h).
#include "kioskcalls.h"

#include <QMutex>
#include <QSet>

namespace redbox::test {

KioskCalls::KioskCalls(const QString &node, int kiosk)
    : m_node(node), m_kioskId(TestNetwork::get().kioskId(node, kiosk)), m_conn(TestNetwork::get().connect(node, QStringLiteral("kiosk")))
{}

Rented KioskCalls::rent(const QString &cardHash, const QString &barcode, const QDateTime &rentedAt,
                        const std::optional<QJsonDocument> &ticket, bool offline, QUuid rentalId, QUuid paymentId)
{
    const QString token = QStringLiteral("tok_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    const pg::Result r = m_conn.exec("SELECT rental_id, member_id, barcode, due_at, amount_cents, tax_cents, discs_out, plan_limit, "
                                     "offline_limited, replayed FROM redbox.kiosk_rent($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                                     {rentalId, m_kioskId, cardHash, barcode, paymentId, token, QStringLiteral("4242"), rentedAt, offline,
                                      ticket ? pg::Param(*ticket) : pg::Param(nullptr)},
                                     true);
    Rented out;
    out.rentalId = r.uuid(0, "rental_id");
    out.memberId = r.int64(0, "member_id");
    out.barcode = r.text(0, "barcode");
    out.dueAt = r.timestamp(0, "due_at");
    out.amountCents = r.int32(0, "amount_cents");
    out.taxCents = r.int32(0, "tax_cents");
    out.discsOut = r.int32(0, "discs_out");
    out.planLimit = r.int32(0, "plan_limit");
    out.offlineLimited = r.boolean(0, "offline_limited");
    out.replayed = r.boolean(0, "replayed");
    return out;
}

Returned KioskCalls::giveBack(const QString &barcode, const QDateTime &returnedAt, QUuid returnId)
{
    return giveBack(barcode, returnedAt, returnId, freeSlot());
}

Returned KioskCalls::giveBackTo(const QString &barcode, int slot)
{
    return giveBack(barcode, QDateTime::currentDateTimeUtc(), QUuid::createUuid(), slot);
}

Returned KioskCalls::giveBack(const QString &barcode, const QDateTime &returnedAt, QUuid returnId, int slot)
{
    const pg::Result r = m_conn.exec("SELECT return_id, rental_id, title, foreign_disc, nights, charge_cents, late_cents, replayed "
                                     "FROM redbox.kiosk_return($1, $2, $3, $4, $5)",
                                     {returnId, m_kioskId, barcode, returnedAt, slot}, true);
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

std::optional<QJsonDocument> escalate(const QString &coastNode, const QString &cardHash)
{
    for (const QString &node : {coastNode, QStringLiteral("hq")}) {
        pg::Connection c = TestNetwork::get().connect(node, QStringLiteral("verifier"));
        try {
            const pg::Result r = c.exec("SELECT ticket FROM redbox.verify_member($1)", {cardHash});
            return r.json(0, 0);
        } catch (const pg::DbError &e) {
            if (e.code() != RedboxError::UnknownCard)
                throw;
        }
    }
    return std::nullopt;
}

}   // namespace redbox::test
