// The red box's kiosk functions as the engine calls them: each call's SQL
// (parameters bound, never built from input), its parameters from a typed
// request, its answer read into a typed result, and the payload an action
// keeps in the offline outbox until it can be sent. An action is encoded and
// decoded here only, so what replays is exactly what was taken.
#pragma once

#include "core/kiosktypes.h"
#include "pg/connection.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QUuid>

#include <optional>
#include <vector>

namespace redbox {

namespace redboxapi {

// Every call runs as the kiosk its login is enrolled as: no call names the kiosk.
extern const QByteArray kHelloSql;
extern const QByteArray kMemberSql;
extern const QByteArray kVerifyMemberSql;   // the coast or HQ (escalation login)
extern const QByteArray kSignInSql;
extern const QByteArray kVerifyMemberPinSql;   // the coast or HQ (escalation login)
extern const QByteArray kWalkUpSql;   // a walk-up card: no PIN, the same answer as a sign-in
extern const QByteArray kVerifyWalkUpSql;   // the coast or HQ (escalation login)
extern const QByteArray kTechSignInSql;
extern const QByteArray kTechVerifySql;   // the coast (escalation login)
extern const QByteArray kRentSql;
extern const QByteArray kReplaySql;
extern const QByteArray kBuySql;
extern const QByteArray kDispensedSql;
extern const QByteArray kRentalStatusSql;
extern const QByteArray kVoidSql;
extern const QByteArray kReturnSql;
extern const QByteArray kAuditSql;
extern const QByteArray kHealthSql;
extern const QByteArray kHeartbeatSql;
extern const QByteArray kEmailReceiptSql;
extern const QByteArray kReceiptStatusSql;

std::vector<pg::Param> rentParams(const RentRequest &r, bool offline);
// kBuySql's parameters: a purchase, online only, without a promo.
std::vector<pg::Param> buyParams(const RentRequest &r);
std::vector<pg::Param> voidParams(const VoidRequest &v);
std::vector<pg::Param> returnParams(const ReturnRequest &r, bool offline);
std::vector<pg::Param> auditParams(const AuditEntry &a);

// kiosk_member (red box) and verify_member (coast, HQ) rows: the member, or nothing.
std::optional<MemberInfo> readMember(const pg::Result &r, const QString &cardHash);
// kiosk_sign_in (red box) and verify_member_pin (coast, HQ): the outcome, and the member on ok.
SignInResult readSignIn(const pg::Result &r, const QString &cardHash, const QString &checkedBy);
// tech_sign_in (red box: with a session) and tech_verify (coast: without).
SignInResult readTechSignIn(const pg::Result &r, const QString &checkedBy);
RentResult readRent(const pg::Result &r, const QString &barcode);
ReturnResult readReturn(const pg::Result &r);

// A PIN attempt the kiosk checked offline, kept in the outbox until the red box has it.
struct PinReport {
    QUuid attemptId = QUuid::createUuid();
    QString cardHash;
    bool ok = false;
    QDateTime at;   // on the red box's clock (the kiosk's skew applied)
};
std::vector<pg::Param> pinReportParams(const PinReport &p);

// The offline outbox's payloads, one codec per kind (rent | return | void | audit | dispensed | pin).
QJsonObject encode(const RentRequest &r);
QJsonObject encode(const ReturnRequest &r);
QJsonObject encode(const VoidRequest &v);
QJsonObject encode(const AuditEntry &a);
QJsonObject encode(const PinReport &p);
RentRequest decodeRent(const QJsonObject &o);
ReturnRequest decodeReturn(const QJsonObject &o);
VoidRequest decodeVoid(const QJsonObject &o);
AuditEntry decodeAudit(const QJsonObject &o);
PinReport decodePin(const QJsonObject &o);

}   // namespace redboxapi

// What a screen shows for a red box refusal (an RB code or SQLSTATE class 22) or a broken link.
Failure failureFor(const pg::DbError &error);

}   // namespace redbox
