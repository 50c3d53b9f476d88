// Signing a card in (see signindesk.h).
#include "kioskcore/signindesk.h"

#include "core/cards.h"
#include "core/logging.h"
#include "crypto/crypto.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"
#include "pg/oneshot.h"

#include <QPointer>
#include <QRegularExpression>

namespace redbox {

namespace {

constexpr const char *LocksKey = "offline_pin_locks";

SignInResult failed(Failure f, const QString &message)
{
    SignInResult r;
    r.outcome = SignInOutcome::Failed;
    r.failure = f;
    r.message = message;
    return r;
}

bool unreachable(const pg::DbError &e)
{
    return e.kind() == pg::ErrorKind::BrokenConnection || e.kind() == pg::ErrorKind::Timeout || e.kind() == pg::ErrorKind::ReadOnly;
}

}   // namespace

SignInDesk::SignInDesk(EngineParts parts, QObject *parent)
    : QObject(parent), m_parts(parts), m_locks(5, 15, [this] { return m_parts.redbox->serverNow(); })
{}

void SignInDesk::loadLocks()
{
    if (m_locksLoaded)
        return;
    QString saved;
    if (m_parts.storage.guard(
            "cache", [&] { saved = m_parts.storage.cache().meta(QString::fromLatin1(LocksKey)); }, false)) {
        m_locks.restore(saved);
        m_locksLoaded = true;
    }
}

void SignInDesk::saveLocks()
{
    m_parts.storage.guard("cache", [&] { m_parts.storage.cache().setMeta(QString::fromLatin1(LocksKey), m_locks.save()); });
}

void SignInDesk::member(const MemberInfo &member, const QString &pin, Callback callback)
{
    if (!memberPinWellFormed(pin)) {
        callback(failed(Failure::BadInput, QStringLiteral("a PIN has 4 digits")));
        return;
    }
    if (member.away)
        escalated(member, pin, std::move(callback));
    else
        atRedbox(member, pin, std::move(callback));
}

void SignInDesk::walkUp(const MemberInfo &member, Callback callback)
{
    const KioskConfig &cfg = m_parts.config;
    const QString where = member.away ? member.source : QStringLiteral("redbox");
    auto answer = [callback, where, cardHash = member.cardHash](const pg::Result *r, const pg::DbError *e) {
        if (r) {
            SignInResult res = redboxapi::readSignIn(*r, cardHash, where);
            if (res.outcome == SignInOutcome::Ok && res.member) {
                res.member->away = where != QLatin1String("redbox");
                res.member->source = where;
                res.member->walkUp = true;
            }
            callback(res);
        } else if (e && (unreachable(*e) || e->kind() == pg::ErrorKind::InDoubt)) {
            callback(failed(Failure::Offline, QStringLiteral("a walk-up card needs %1, which does not answer").arg(where)));
        } else {
            callback(failed(e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer")));
        }
    };
    if (!member.away) {
        Link &redbox = *m_parts.redbox;
        if (!redbox.isUp() && redbox.downForMs() > 2000) {
            callback(failed(Failure::Offline, QStringLiteral("a walk-up card needs the red box, which does not answer")));
            return;
        }
        QPointer<SignInDesk> self(this);
        redbox.call(
            redboxapi::kWalkUpSql, {member.cardHash}, false,
            [self, answer](const pg::Result *r, const pg::DbError *e) {
                if (self)
                    answer(r, e);
            },
            2000, 5000);
        return;
    }
    const bool hq = member.source == QLatin1String("hq");
    pg::queryOnce(this, hq ? cfg.hqConninfo() : cfg.coastConninfo(), redboxapi::kVerifyWalkUpSql, {member.cardHash},
                  cfg.escalationTimeoutMs, [answer](const pg::Result *r, const pg::DbError *e, qint64) { answer(r, e); });
}

void SignInDesk::atRedbox(const MemberInfo &member, const QString &pin, Callback callback)
{
    Link &redbox = *m_parts.redbox;
    if (!redbox.isUp() && redbox.downForMs() > 2000) {
        withoutRedbox(member, pin, std::move(callback));
        return;
    }
    QPointer<SignInDesk> self(this);
    redbox.call(
        redboxapi::kSignInSql, {member.cardHash, pin}, true,
        [self, member, pin, callback](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r) {
                SignInResult res = redboxapi::readSignIn(*r, member.cardHash, QStringLiteral("redbox"));
                if (res.outcome == SignInOutcome::Ok) {
                    res.member->source = QStringLiteral("redbox");
                    self->remember(member.cardHash, pin);
                }
                callback(res);
            } else if (e && (unreachable(*e) || e->kind() == pg::ErrorKind::InDoubt)) {
                // In doubt, the attempt may have counted at the red box; offline it is counted again
                // here and reported: one attempt too many at worst, never one too few.
                self->withoutRedbox(member, pin, callback);
            } else {
                callback(failed(e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer")));
            }
        },
        2000, 8000);
}

void SignInDesk::withoutRedbox(const MemberInfo &member, const QString &pin, Callback callback)
{
    SignInResult here = offline(member.cardHash, pin, false);
    if (here.outcome != SignInOutcome::Unverifiable) {
        callback(here);
        return;
    }
    // A card this kiosk has not seen signed in: the member's coast knows their PIN too.
    MemberInfo atCoast = member;
    atCoast.source = m_parts.config.coastNode;
    escalated(atCoast, pin, [callback, here, home = !member.away](SignInResult r) {
        if (r.outcome == SignInOutcome::Ok && r.member && home)
            r.member->away = false;   // still this red box's member; the rental itself goes to the outbox
        callback(r.failure == Failure::Offline ? here : r);
    });
}

void SignInDesk::escalated(const MemberInfo &member, const QString &pin, Callback callback)
{
    const KioskConfig &cfg = m_parts.config;
    const bool hq = member.source == QLatin1String("hq");
    QPointer<SignInDesk> self(this);
    pg::queryOnce(this, hq ? cfg.hqConninfo() : cfg.coastConninfo(), redboxapi::kVerifyMemberPinSql, {member.cardHash, pin},
                  cfg.escalationTimeoutMs + 2000, [self, member, pin, callback](const pg::Result *r, const pg::DbError *e, qint64) {
                      if (!self)
                          return;
                      if (r) {
                          SignInResult res = redboxapi::readSignIn(*r, member.cardHash, member.source);
                          if (res.outcome == SignInOutcome::Ok) {
                              res.member->away = true;
                              res.member->source = member.source;
                          }
                          callback(res);
                      } else if (e && unreachable(*e)) {
                          callback(
                              failed(Failure::Offline,
                                     QStringLiteral("this card's PIN cannot be checked right now (%1 is unreachable)").arg(member.source)));
                      } else {
                          callback(failed(e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer")));
                      }
                  });
}

SignInResult SignInDesk::offline(const QString &cardHash, const QString &pin, bool technician)
{
    static const QRegularExpression techPin(QStringLiteral("^[0-9]{4,8}$"));
    if (technician ? !techPin.match(pin).hasMatch() : !memberPinWellFormed(pin))
        return failed(Failure::BadInput,
                      technician ? QStringLiteral("a technician PIN has 4 to 8 digits") : QStringLiteral("a PIN has 4 digits"));
    KioskStorage &storage = m_parts.storage;
    QString verifier, key;
    std::optional<MemberInfo> cached;
    std::optional<TechnicianInfo> tech;
    if (!storage.guard(
            "cache",
            [&] {
                verifier = storage.cache().verifier(cardHash);
                key = storage.cache().cardKey(cardHash);
                if (technician)
                    tech = storage.cache().technicianByCard(cardHash);
                else
                    cached = storage.cache().memberByCard(cardHash);
            },
            false))
        return failed(Failure::Offline, QStringLiteral("the network is unreachable and the kiosk's own records cannot be read"));
    SignInResult res;
    res.checkedBy = QStringLiteral("kiosk");
    if (verifier.isEmpty() || (technician ? !tech || !tech->active : !cached)) {
        res.outcome = SignInOutcome::Unverifiable;
        res.message = QStringLiteral("the network is unreachable, and this card has not signed in at this kiosk before");
        return res;
    }
    loadLocks();
    const QDateTime now = m_parts.redbox->serverNow();
    const QDateTime networkLock = cached && cached->lockedUntil.isValid() && cached->lockedUntil > now ? cached->lockedUntil : QDateTime();
    if (m_locks.locked(key) || networkLock.isValid()) {
        res.outcome = SignInOutcome::Locked;
        res.lockedUntil = std::max(m_locks.lockedUntil(key), networkLock);
        return res;
    }
    m_locks.expire(key);
    const bool ok = crypto::verifySecret(pin, verifier);
    // The red box counts it too, once it answers (the same rule, with every other kiosk's attempts).
    redboxapi::PinReport report;
    report.cardHash = cardHash;
    report.ok = ok;
    report.at = now;
    if (!storage.guard("outbox", [&] { storage.outbox().add(report.attemptId, QStringLiteral("pin"), redboxapi::encode(report)); }))
        qCWarning(lcOutbox) << "an offline PIN attempt could not be kept for the red box";
    storage.refreshOutboxHealth();
    if (ok) {
        m_locks.succeed(key);
        saveLocks();
        res.outcome = SignInOutcome::Ok;
        res.triesLeft = m_locks.maxFailures();
        if (cached)
            res.member = cached;
        if (tech) {
            tech->checkedBy = QStringLiteral("kiosk");
            res.technician = tech;
        }
        return res;
    }
    const bool nowLocked = m_locks.fail(key);
    saveLocks();
    res.outcome = nowLocked ? SignInOutcome::Locked : SignInOutcome::WrongPin;
    res.triesLeft = m_locks.failuresLeft(key);
    res.lockedUntil = m_locks.lockedUntil(key);
    return res;
}

void SignInDesk::remember(const QString &cardHash, const QString &pin)
{
    const QString verifier = crypto::hashSecret(pin, VerifierIterations);
    KioskStorage &storage = m_parts.storage;
    QString key;
    storage.guard("cache", [&] {
        storage.cache().setVerifier(cardHash, verifier);
        key = storage.cache().cardKey(cardHash);
    });
    loadLocks();
    if (!key.isEmpty() && m_locks.failuresLeft(key) != m_locks.maxFailures()) {
        m_locks.succeed(key);
        saveLocks();
    }
}

}   // namespace redbox
