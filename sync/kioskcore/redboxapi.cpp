// The red box's kiosk functions as the engine calls them (see redboxapi.h).
#include "kioskcore/redboxapi.h"

namespace redbox {

namespace redboxapi {

const QByteArray kHelloSql = "SELECT level, oldest, server_time, kiosk_id FROM redbox.kiosk_hello()";
const QByteArray kMemberSql = "SELECT member_id, allowed, discs_out, plan_limit, membership_id, home_coast, daily_rate_cents, "
                              "max_charge_cents, locked_until FROM redbox.kiosk_member($1)";
const QByteArray kVerifyMemberSql = "SELECT member_id, allowed, discs_out, plan_limit, membership_id, home_coast, daily_rate_cents, "
                                    "max_charge_cents, locked_until FROM redbox.verify_member($1)";
const QByteArray kSignInSql = "SELECT outcome, tries_left, locked_until, member_id, allowed, discs_out, plan_limit, membership_id, "
                              "home_coast, daily_rate_cents, max_charge_cents, ticket FROM redbox.kiosk_sign_in($1, $2)";
const QByteArray kVerifyMemberPinSql =
    "SELECT outcome, tries_left, locked_until, member_id, allowed, discs_out, plan_limit, membership_id, home_coast, "
    "daily_rate_cents, max_charge_cents, ticket FROM redbox.verify_member_pin($1, $2)";
const QByteArray kWalkUpSql = "SELECT outcome, tries_left, locked_until, member_id, allowed, discs_out, plan_limit, membership_id, "
                              "home_coast, daily_rate_cents, max_charge_cents, ticket FROM redbox.kiosk_walkup($1)";
const QByteArray kVerifyWalkUpSql =
    "SELECT outcome, tries_left, locked_until, member_id, allowed, discs_out, plan_limit, membership_id, home_coast, "
    "daily_rate_cents, max_charge_cents, ticket FROM redbox.verify_walkup($1)";
const QByteArray kTechSignInSql = "SELECT outcome, tries_left, locked_until, technician_id, name, session FROM redbox.tech_sign_in($1, $2)";
const QByteArray kTechVerifySql = "SELECT outcome, tries_left, locked_until, technician_id, name, NULL::text AS session "
                                  "FROM redbox.tech_verify($1, $2)";
const QByteArray kRentSql = "SELECT outcome, rental_id, due_at, amount_cents, tax_cents, discs_out, replayed, note FROM redbox.kiosk_rent("
                            "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const QByteArray kReplaySql = "SELECT action_seq, outcome, note, error_state, error_message FROM redbox.kiosk_replay($1)";
const QByteArray kBuySql = "SELECT outcome, rental_id, due_at, amount_cents, tax_cents, discs_out, replayed, note FROM redbox.kiosk_buy("
                           "$1, $2, $3, $4, $5, $6, $7)";
const QByteArray kDispensedSql = "SELECT redbox.kiosk_dispensed($1)";
const QByteArray kRentalStatusSql = "SELECT status FROM redbox.kiosk_rental_status($1)";
const QByteArray kVoidSql = "SELECT outcome, voided, note FROM redbox.kiosk_void_rental($1, $2, $3, $4, $5)";
const QByteArray kReturnSql = "SELECT return_id, rental_id, movie_id, title, foreign_disc, nights, charge_cents, late_cents "
                              "FROM redbox.kiosk_return($1, $2, $3, $4, $5)";
const QByteArray kAuditSql = "SELECT redbox.kiosk_audit($1, $2, $3, $4, $5, $6, $7)";
const QByteArray kHealthSql = "SELECT coast_partitioned, pending_hops, parked_hops, standby_streaming FROM redbox.kiosk_health()";
const QByteArray kHeartbeatSql = "SELECT redbox.kiosk_heartbeat($1, $2, $3, $4, $5, $6, $7)";
const QByteArray kEmailReceiptSql = "SELECT redbox.kiosk_email_receipt($1, $2::uuid[], NULL, $3)";
const QByteArray kReceiptStatusSql = "SELECT redbox.kiosk_receipt_status($1)";

namespace {

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromIso(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

QString uuidText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

pg::Param orNull(const QString &s)
{
    return s.isEmpty() ? pg::Param(nullptr) : pg::Param(s);
}

}   // namespace

std::vector<pg::Param> rentParams(const RentRequest &r, bool offline)
{
    return {r.rentalId,
            r.member.cardHash,
            r.barcode,
            r.paymentId,
            r.cardToken,
            r.cardLast4,
            r.rentedAt,
            offline,
            r.member.ticket ? pg::Param(*r.member.ticket) : pg::Param(nullptr),
            r.promoGrant ? pg::Param(*r.promoGrant) : pg::Param(nullptr)};
}

std::vector<pg::Param> buyParams(const RentRequest &r)
{
    return {r.rentalId,
            r.member.cardHash,
            r.barcode,
            r.paymentId,
            r.cardToken,
            r.cardLast4,
            r.member.ticket ? pg::Param(*r.member.ticket) : pg::Param(nullptr)};
}

std::vector<pg::Param> voidParams(const VoidRequest &v)
{
    return {v.rentalId, v.reason, v.slot, v.damaged, v.suspect};
}

std::vector<pg::Param> returnParams(const ReturnRequest &r, bool offline)
{
    return {r.returnId, r.barcode, r.returnedAt, r.slot, offline};
}

std::vector<pg::Param> auditParams(const AuditEntry &a)
{
    return {a.auditId, orNull(a.session), a.technicianId > 0 ? pg::Param(a.technicianId) : pg::Param(nullptr),
            a.action,  orNull(a.barcode), QJsonDocument(a.detail),
            a.at};
}

std::vector<pg::Param> pinReportParams(const PinReport &p)
{
    return {p.attemptId, p.cardHash, p.ok, p.at};
}

std::optional<MemberInfo> readMember(const pg::Result &r, const QString &cardHash)
{
    if (r.rows() != 1)
        return std::nullopt;
    MemberInfo m;
    m.memberId = r.int64(0, "member_id");
    m.cardHash = cardHash;
    m.allowed = r.boolean(0, "allowed");
    m.discsOut = r.int32(0, "discs_out");
    m.planLimit = r.int32(0, "plan_limit");
    m.membershipId = r.int32(0, "membership_id");
    m.homeCoast = r.text(0, "home_coast");
    m.dailyRateCents = r.int32(0, "daily_rate_cents");
    m.maxChargeCents = r.int32(0, "max_charge_cents");
    if (!r.isNull(0, "locked_until"))
        m.lockedUntil = r.timestamp(0, "locked_until");
    return m;
}

SignInResult readSignIn(const pg::Result &r, const QString &cardHash, const QString &checkedBy)
{
    SignInResult out;
    out.checkedBy = checkedBy;
    if (r.rows() != 1) {
        out.failure = Failure::Internal;
        out.message = QStringLiteral("the sign-in got no answer");
        return out;
    }
    const QString outcome = r.text(0, "outcome");
    out.triesLeft = r.int32(0, "tries_left");
    if (!r.isNull(0, "locked_until"))
        out.lockedUntil = r.timestamp(0, "locked_until");
    if (outcome == QLatin1String("locked")) {
        out.outcome = SignInOutcome::Locked;
    } else if (outcome == QLatin1String("wrong_pin")) {
        out.outcome = SignInOutcome::WrongPin;
    } else if (outcome == QLatin1String("ok")) {
        out.outcome = SignInOutcome::Ok;
        if (r.column("member_id") >= 0) {
            std::optional<MemberInfo> m = readMember(r, cardHash);
            m->ticket = r.json(0, "ticket");
            out.member = m;
        }
    } else {
        out.failure = Failure::Internal;
        out.message = QStringLiteral("the sign-in answered %1").arg(outcome.left(40));
    }
    return out;
}

SignInResult readTechSignIn(const pg::Result &r, const QString &checkedBy)
{
    SignInResult out = readSignIn(r, {}, checkedBy);
    if (out.outcome != SignInOutcome::Ok)
        return out;
    TechnicianInfo t;
    t.technicianId = r.int64(0, "technician_id");
    t.name = r.text(0, "name");
    t.active = true;
    t.session = r.isNull(0, "session") ? QString() : r.text(0, "session");
    t.checkedBy = checkedBy;
    out.technician = t;
    return out;
}

RentResult readRent(const pg::Result &r, const QString &barcode)
{
    RentResult out;
    out.rentalId = r.uuid(0, "rental_id");
    out.barcode = barcode;
    out.replayed = r.boolean(0, "replayed");
    if (r.text(0, "outcome") == QLatin1String("parked")) {
        out.parked = true;
        out.message = r.text(0, "note");
        return out;
    }
    out.dueAt = r.timestamp(0, "due_at");
    out.amountCents = r.int32(0, "amount_cents");
    out.taxCents = r.int32(0, "tax_cents");
    out.discsOut = r.int32(0, "discs_out");
    return out;
}

ReturnResult readReturn(const pg::Result &r)
{
    ReturnResult out;
    out.returnId = r.uuid(0, 0);
    out.rentalId = r.uuid(0, 1);
    out.movieId = r.int32(0, 2);
    out.title = r.text(0, 3);
    out.foreignDisc = r.boolean(0, 4);
    out.nights = r.int32(0, 5);
    out.chargeCents = r.int32(0, 6);
    out.lateCents = r.int32(0, 7);
    return out;
}

QJsonObject encode(const RentRequest &r)
{
    QJsonObject o{{QStringLiteral("rental_id"), uuidText(r.rentalId)}, {QStringLiteral("payment_id"), uuidText(r.paymentId)},
                  {QStringLiteral("card_hash"), r.member.cardHash},    {QStringLiteral("barcode"), r.barcode},
                  {QStringLiteral("card_token"), r.cardToken},         {QStringLiteral("card_last4"), r.cardLast4},
                  {QStringLiteral("rented_at"), iso(r.rentedAt)}};
    if (r.member.ticket)
        o.insert(QStringLiteral("ticket"), r.member.ticket->object());
    if (r.promoGrant)
        o.insert(QStringLiteral("promo"), r.promoGrant->object());
    return o;
}

QJsonObject encode(const ReturnRequest &r)
{
    return {{QStringLiteral("return_id"), uuidText(r.returnId)},
            {QStringLiteral("barcode"), r.barcode},
            {QStringLiteral("slot_no"), r.slot},
            {QStringLiteral("returned_at"), iso(r.returnedAt)}};
}

QJsonObject encode(const VoidRequest &v)
{
    return {{QStringLiteral("rental_id"), uuidText(v.rentalId)},
            {QStringLiteral("barcode"), v.barcode},
            {QStringLiteral("slot_no"), v.slot},
            {QStringLiteral("damaged"), v.damaged},
            {QStringLiteral("suspect"), v.suspect},
            {QStringLiteral("reason"), v.reason}};
}

QJsonObject encode(const PinReport &p)
{
    return {{QStringLiteral("attempt_id"), uuidText(p.attemptId)},
            {QStringLiteral("card_hash"), p.cardHash},
            {QStringLiteral("ok"), p.ok},
            {QStringLiteral("at"), iso(p.at)}};
}

PinReport decodePin(const QJsonObject &o)
{
    PinReport p;
    p.attemptId = QUuid::fromString(o.value(QStringLiteral("attempt_id")).toString());
    p.cardHash = o.value(QStringLiteral("card_hash")).toString();
    p.ok = o.value(QStringLiteral("ok")).toBool();
    p.at = fromIso(o.value(QStringLiteral("at")));
    return p;
}

QJsonObject encode(const AuditEntry &a)
{
    QJsonObject o{{QStringLiteral("audit_id"), uuidText(a.auditId)},
                  {QStringLiteral("action"), a.action},
                  {QStringLiteral("detail"), a.detail},
                  {QStringLiteral("at"), iso(a.at)}};
    if (a.technicianId > 0)
        o.insert(QStringLiteral("technician_id"), a.technicianId);
    if (!a.session.isEmpty())
        o.insert(QStringLiteral("session"), a.session);
    if (!a.barcode.isEmpty())
        o.insert(QStringLiteral("barcode"), a.barcode);
    return o;
}

RentRequest decodeRent(const QJsonObject &o)
{
    RentRequest r;
    r.rentalId = QUuid::fromString(o.value(QStringLiteral("rental_id")).toString());
    r.paymentId = QUuid::fromString(o.value(QStringLiteral("payment_id")).toString());
    r.member.cardHash = o.value(QStringLiteral("card_hash")).toString();
    r.barcode = o.value(QStringLiteral("barcode")).toString();
    r.cardToken = o.value(QStringLiteral("card_token")).toString();
    r.cardLast4 = o.value(QStringLiteral("card_last4")).toString();
    r.rentedAt = fromIso(o.value(QStringLiteral("rented_at")));
    if (o.contains(QStringLiteral("ticket")))
        r.member.ticket = QJsonDocument(o.value(QStringLiteral("ticket")).toObject());
    if (o.contains(QStringLiteral("promo")))
        r.promoGrant = QJsonDocument(o.value(QStringLiteral("promo")).toObject());
    return r;
}

ReturnRequest decodeReturn(const QJsonObject &o)
{
    ReturnRequest r;
    r.returnId = QUuid::fromString(o.value(QStringLiteral("return_id")).toString());
    r.barcode = o.value(QStringLiteral("barcode")).toString();
    r.slot = static_cast<int>(o.value(QStringLiteral("slot_no")).toInteger());
    r.returnedAt = fromIso(o.value(QStringLiteral("returned_at")));
    return r;
}

VoidRequest decodeVoid(const QJsonObject &o)
{
    VoidRequest v;
    v.rentalId = QUuid::fromString(o.value(QStringLiteral("rental_id")).toString());
    v.barcode = o.value(QStringLiteral("barcode")).toString();
    v.slot = static_cast<int>(o.value(QStringLiteral("slot_no")).toInteger());
    v.damaged = o.value(QStringLiteral("damaged")).toBool();
    v.suspect = o.value(QStringLiteral("suspect")).toBool();
    v.reason = o.value(QStringLiteral("reason")).toString();
    return v;
}

AuditEntry decodeAudit(const QJsonObject &o)
{
    AuditEntry a;
    a.auditId = QUuid::fromString(o.value(QStringLiteral("audit_id")).toString());
    a.technicianId = o.value(QStringLiteral("technician_id")).toInteger();
    a.session = o.value(QStringLiteral("session")).toString();
    a.action = o.value(QStringLiteral("action")).toString();
    a.barcode = o.value(QStringLiteral("barcode")).toString();
    a.detail = o.value(QStringLiteral("detail")).toObject();
    a.at = fromIso(o.value(QStringLiteral("at")));
    return a;
}

}   // namespace redboxapi

Failure failureFor(const pg::DbError &e)
{
    if (const auto code = e.code()) {
        switch (*code) {
            case RedboxError::UnknownCard: return Failure::UnknownCard;
            case RedboxError::NotAllowed: return Failure::NotAllowed;
            case RedboxError::LimitReached: return Failure::LimitReached;
            case RedboxError::DiscUnavailable: return Failure::DiscUnavailable;
            case RedboxError::DiscNotHere:
            case RedboxError::DiscSold: return Failure::DiscNotOurs;
            case RedboxError::DiscAlreadyIn: return Failure::DiscAlreadyIn;
            case RedboxError::PromoRefused: return Failure::PromoRefused;
            case RedboxError::TicketInvalid:
            case RedboxError::IdReused: return Failure::BadInput;
            case RedboxError::NotEnrolled: return Failure::Offline;   // shut out: nothing goes through until re-enrolled
            default: break;
        }
    }
    if (e.kind() == pg::ErrorKind::BadInput)
        return Failure::BadInput;
    if (e.kind() == pg::ErrorKind::InDoubt)
        return Failure::InDoubt;
    if (e.kind() == pg::ErrorKind::BrokenConnection || e.kind() == pg::ErrorKind::ReadOnly)
        return Failure::Offline;
    return Failure::Internal;
}

}   // namespace redbox
