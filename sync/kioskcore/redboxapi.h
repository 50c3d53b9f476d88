// The red box's kiosk functions as the engine calls them: each call's SQL
// (parameters bound, never built from input), its parameters from a typed
// request, its answer read into a typed result, and the payload an action
// keeps in the offline outbox until it can be sent. An action is encoded and
// decoded here only, so what replays is exactly what was taken.
#pragma once

#include "core/kiosktypes.h"
#include "pg/connection.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>
#include <vector>

namespace redbox {

struct KioskConfig;

namespace redboxapi {

extern const QByteArray kMemberSql;
extern const QByteArray kVerifyMemberSql;
extern const QByteArray kRentSql;
extern const QByteArray kRentalStatusSql;
extern const QByteArray kVoidSql;
extern const QByteArray kReturnSql;
extern const QByteArray kAuditSql;
extern const QByteArray kHealthSql;
extern const QByteArray kEmailReceiptSql;
extern const QByteArray kReceiptStatusSql;

std::vector<pg::Param> rentParams(const KioskConfig &cfg, const RentRequest &r, bool offline);
std::vector<pg::Param> voidParams(const KioskConfig &cfg, const VoidRequest &v);
std::vector<pg::Param> returnParams(const KioskConfig &cfg, const ReturnRequest &r);
std::vector<pg::Param> auditParams(const KioskConfig &cfg, const AuditEntry &a);

// kiosk_member (red box) and verify_member (coast, HQ) rows: the member, or nothing.
std::optional<MemberInfo> readMember(const pg::Result &r, const QString &cardHash, bool withTicket);
RentResult readRent(const pg::Result &r, const QString &barcode);
ReturnResult readReturn(const pg::Result &r);

// The offline outbox's payloads, one codec per kind (rent | return | void | audit).
QJsonObject encode(const RentRequest &r);
QJsonObject encode(const ReturnRequest &r);
QJsonObject encode(const VoidRequest &v);
QJsonObject encode(const AuditEntry &a);
RentRequest decodeRent(const QJsonObject &o);
ReturnRequest decodeReturn(const QJsonObject &o);
VoidRequest decodeVoid(const QJsonObject &o);
AuditEntry decodeAudit(const QJsonObject &o);

}   // namespace redboxapi

// What a screen shows for a red box refusal (SQLSTATE RBnnn / 22xxx) or a broken link.
Failure failureFor(const pg::DbError &error);

}   // namespace redbox
