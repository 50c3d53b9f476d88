// Who a card belongs to (see memberlookup.h).
#include "kioskcore/memberlookup.h"

#include "core/logging.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"

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
                std::optional<MemberInfo> m = redboxapi::readMember(*r, cardHash, false);
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
    auto *conn = new pg::AsyncConnection(this);
    QPointer<MemberLookup> self(this);
    const QString where = stage == 0 ? cfg.coastNode : QStringLiteral("hq");
    auto finish = [conn]() { conn->deleteLater(); };
    auto settled = std::make_shared<bool>(false);
    connect(conn, &pg::AsyncConnection::connectionLost, this, [self, cardHash, callback, stage, settled, finish](const QString &msg) {
        if (!self || *settled)
            return;
        *settled = true;
        qCWarning(lcEscalation) << "escalation stage" << stage << "unreachable:" << msg;
        finish();
        if (stage == 0)
            self->escalate(cardHash, callback, 1);
        else
            callback(std::nullopt, Failure::Offline, QStringLiteral("the card cannot be checked right now (coast and HQ unreachable)"));
    });
    const int timeoutMs = cfg.escalationTimeoutMs;
    connect(conn, &pg::AsyncConnection::connected, this, [self, conn, cardHash, callback, stage, where, settled, finish, timeoutMs]() {
        conn->query(
            redboxapi::kVerifyMemberSql, {cardHash}, false,
            [self, cardHash, callback, stage, where, settled, finish](const pg::Result *r, const pg::DbError *e) {
                if (!self || *settled)
                    return;
                *settled = true;   // ignore the close that follows
                finish();
                if (r && r->rows() == 1) {
                    std::optional<MemberInfo> m = redboxapi::readMember(*r, cardHash, true);
                    m->away = true;
                    m->source = where;
                    qCInfo(lcEscalation) << "card verified at" << where;
                    callback(m, Failure::None, QString());
                } else if ((e && e->code() == RedboxError::UnknownCard) || stage == 0) {
                    self->escalate(cardHash, callback, stage + 1);
                } else {
                    callback(std::nullopt, e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer"));
                }
            },
            timeoutMs);
    });
    conn->open(stage == 0 ? cfg.coastConninfo() : cfg.hqConninfo(), timeoutMs);
}

}   // namespace redbox
