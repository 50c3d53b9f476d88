// A KioskEngine driven the way the kiosk's controllers drive it, waited for in a
// test: its asynchronous calls made synchronous, with a deadline.
#pragma once

#include "kioskcore/kioskengine.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include <optional>
#include <stdexcept>

namespace redbox::test {

// Calls START with a completion callback and waits for it (throws after TIMEOUTMS).
template <typename T, typename Start>
T await(Start start, int timeoutMs = 60000)
{
    std::optional<T> out;
    start([&out](T v) { out = std::move(v); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, timeoutMs))
        throw std::runtime_error("no answer from the engine in time");
    return *out;
}

inline MemberInfo lookup(KioskEngine &e, const QString &cardHash)
{
    struct R {
        std::optional<MemberInfo> m;
        Failure f;
        QString msg;
    };
    const R r = await<R>([&](auto done) {
        e.lookupMember(cardHash, [done](std::optional<MemberInfo> m, Failure f, QString msg) { done(R{m, f, msg}); });
    });
    if (!r.m)
        throw std::runtime_error(("lookup failed: " + failureName(r.f) + " " + r.msg).toStdString());
    return *r.m;
}

inline SignInResult signIn(KioskEngine &e, const MemberInfo &m, const QString &pin)
{
    return await<SignInResult>([&](auto done) { e.signIn(m, pin, done); });
}

// The card looked up and its PIN checked, as the sign-in screens do: the member with the
// server's ticket (throws unless the PIN was right).
inline MemberInfo signedIn(KioskEngine &e, const QString &cardHash, const QString &pin)
{
    const SignInResult r = signIn(e, lookup(e, cardHash), pin);
    if (r.outcome != SignInOutcome::Ok || !r.member)
        throw std::runtime_error(("sign-in failed: " + failureName(r.failure) + " " + r.message).toStdString());
    return *r.member;
}

inline RentResult rent(KioskEngine &e, const MemberInfo &m, const QString &barcode, QUuid id = QUuid::createUuid())
{
    RentRequest req;
    req.rentalId = id;
    req.member = m;
    req.barcode = barcode;
    req.cardToken = QStringLiteral("tok_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    req.cardLast4 = QStringLiteral("4242");
    return await<RentResult>([&](auto done) { e.rent(req, done); });
}

inline bool waitSynced(KioskEngine &e, int timeoutMs = 60000)
{
    QSignalSpy spy(&e, &KioskEngine::cacheSynced);
    return spy.wait(timeoutMs) || spy.count() > 0;
}

}   // namespace redbox::test
