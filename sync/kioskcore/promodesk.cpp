// Promo codes from the kiosk's side (see promodesk.h).
#include "kioskcore/promodesk.h"

#include "core/logging.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"
#include "pg/oneshot.h"

#include <QPointer>
#include <QRegularExpression>

namespace redbox {

namespace {

const QByteArray kRedeemSql = "SELECT outcome, cents_off, grant_json, message FROM redbox.redeem_promo($1, $2, $3)";
const QByteArray kReleaseSql = "SELECT redbox.release_promo($1)";

QString offlineText()
{
    return QStringLiteral("promo codes are checked online, and the kiosk cannot reach the network right now");
}

}   // namespace

PromoDesk::PromoDesk(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts) {}

QString PromoDesk::tidy(const QString &typed)
{
    static const QRegularExpression drop(QStringLiteral("[\\s-]"));
    static const QRegularExpression code(QStringLiteral("^[A-Z0-9]{4,16}$"));
    if (typed.size() > 64)
        return {};
    QString c = typed.toUpper();
    c.remove(drop);
    return code.match(c).hasMatch() ? c : QString();
}

void PromoDesk::redeem(const QString &typed, const QString &cardHash, const QUuid &grantId, Callback callback)
{
    PromoResult out;
    out.code = tidy(typed);
    out.grantId = grantId;
    if (out.code.isEmpty() || grantId.isNull()) {
        out.failure = Failure::BadInput;
        out.message = QStringLiteral("a promo code is 4 to 16 letters and digits");
        callback(std::move(out));
        return;
    }
    // Offline the kiosk rents on its own; a promo needs HQ, so it is refused, clearly, at once.
    if (!m_parts.redbox->isUp()) {
        out.failure = Failure::Offline;
        out.message = offlineText();
        callback(std::move(out));
        return;
    }
    const KioskConfig &cfg = m_parts.config;
    pg::queryOnce(this, cfg.hqConninfo(), kRedeemSql, {out.code, cardHash, grantId}, cfg.escalationTimeoutMs,
                  [out, callback](const pg::Result *r, const pg::DbError *e, qint64 ms) mutable {
                      if (r && r->rows() == 1) {
                          const QString outcome = r->text(0, 0);
                          out.outcome = outcome;
                          if (outcome == QLatin1String("ok")) {
                              out.centsOff = r->int32(0, 1);
                              out.grant = r->json(0, 2);
                              qCInfo(lcEscalation) << "promo code granted by HQ in" << ms << "ms";
                          } else {
                              out.failure = Failure::BadInput;
                              out.message = r->text(0, 3);
                              qCInfo(lcEscalation) << "promo code refused by HQ:" << outcome;
                          }
                      } else if (e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::ReadOnly)) {
                          qCWarning(lcEscalation) << "promo check at HQ unreachable:" << e->message();
                          out.failure = Failure::Offline;
                          out.message = offlineText();
                      } else {
                          out.failure = e ? failureFor(*e) : Failure::Internal;
                          out.message = e ? e->message() : QStringLiteral("no answer from HQ");
                      }
                      callback(std::move(out));
                  });
}

void PromoDesk::release(const QUuid &grantId)
{
    if (grantId.isNull())
        return;
    // Best effort: a grant not given back only means this card cannot use the code again.
    pg::queryOnce(this, m_parts.config.hqConninfo(), kReleaseSql, {grantId}, m_parts.config.escalationTimeoutMs,
                  [grantId](const pg::Result *, const pg::DbError *e, qint64) {
                      if (e)
                          qCWarning(lcEscalation) << "could not give promo grant" << grantId << "back to HQ:" << e->message();
                  });
}

}   // namespace redbox
