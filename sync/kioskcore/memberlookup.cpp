// Who a card belongs to (see memberlookup.h).
#include "kioskcore/memberlookup.h"

#include "core/logging.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"
#include "pg/oneshot.h"

#include <QPointer>
#include <QRegularExpression>

namespace redbox {

MemberLookup::MemberLookup(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts) {}

void MemberLookup::lookup(const QString &cardHash, Callback callback)
{
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex64.match(cardHash).hasMatch()) {
        callback(std::nullopt, Failure::BadInput, QStringLiteral("card data is not valid"));
        return;
    }
    Link &redbox = *m_parts.redbox;
    if (!redbox.isUp() && redbox.downForMs() > 2000) {
        fromCacheOrEscalate(cardHash, callback);
        return;
    }
    QPointer<MemberLookup> self(this);
    redbox.call(
        redboxapi::kMemberSql, {cardHash}, false,
        [self, cardHash, callback](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r && r->rows() == 1) {
                std::optional<MemberInfo> m = redboxapi::readMember(*r, cardHash);
                m->source = QStringLiteral("redbox");
                callback(m, Failure::None, QString());
            } else if (e && e->code() == RedboxError::UnknownCard) {
                self->escalate(cardHash, callback, 0);   // not a member of this coast: ask upstream
            } else if (e && failureFor(*e) == Failure::BadInput) {
                callback(std::nullopt, Failure::BadInput, e->message());
            } else {
                self->fromCacheOrEscalate(cardHash, callback);
            }
        },
        2000, 5000);
}

void MemberLookup::fromCacheOrEscalate(const QString &cardHash, Callback callback)
{
    std::optional<MemberInfo> m;
    m_parts.storage.guard(
        "cache", [&] { m = m_parts.storage.cache().memberByCard(cardHash); }, false);
    if (m) {
        callback(m, Failure::None, QString());
        return;
    }
    escalate(cardHash, callback, 0);
}

void MemberLookup::escalate(const QString &cardHash, Callback callback, int stage)
{
    if (stage > 1) {
        callback(std::nullopt, Failure::UnknownCard, QStringLiteral("this card is not a member anywhere in the network"));
        return;
    }
    const KioskConfig &cfg = m_parts.config;
    const QString where = stage == 0 ? cfg.coastNode : QStringLiteral("hq");
    QPointer<MemberLookup> self(this);
    pg::queryOnce(this, stage == 0 ? cfg.coastConninfo() : cfg.hqConninfo(), redboxapi::kVerifyMemberSql, {cardHash},
                  cfg.escalationTimeoutMs, [self, cardHash, callback, stage, where](const pg::Result *r, const pg::DbError *e, qint64) {
                      if (!self)
                          return;
                      if (r && r->rows() == 1) {
                          std::optional<MemberInfo> m = redboxapi::readMember(*r, cardHash);
                          m->away = true;
                          m->source = where;
                          qCInfo(lcEscalation) << "card found at" << where;
                          callback(m, Failure::None, QString());
                      } else if (e && e->kind() == pg::ErrorKind::BrokenConnection && stage == 1) {
                          callback(std::nullopt, Failure::Offline,
                                   QStringLiteral("the card cannot be checked right now (coast and HQ unreachable)"));
                      } else if ((e && e->code() == RedboxError::UnknownCard) || stage == 0) {
                          if (e && e->kind() == pg::ErrorKind::BrokenConnection)
                              qCWarning(lcEscalation) << "escalation to" << where << "unreachable:" << e->message();
                          self->escalate(cardHash, callback, stage + 1);
                      } else {
                          callback(std::nullopt, e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer"));
                      }
                  });
}

}   // namespace redbox
