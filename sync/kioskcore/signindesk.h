// Signing a card in. The PIN is checked by a server: the red box for its own
// members, the coast or HQ that found an away member; every attempt counts
// at every node that checks that card (5 wrong in 15 minutes lock it for 15
// minutes at every kiosk). While the red box cannot be reached, the kiosk
// checks the PIN itself, and only for a card it has seen signed in online:
// against its own verifier of that card (a slow salted hash it made then;
// the network's PIN hashes never reach a kiosk), with the lock the red box
// last synced to it and a lockout of its own that survives a restart; every
// attempt it checks waits in the outbox until the red box has it.
#pragma once

#include "core/kiosktypes.h"
#include "core/pinlockout.h"
#include "kioskcore/enginestate.h"

#include <QObject>

#include <functional>

namespace redbox {

class SignInDesk : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(SignInResult)>;
    // Iterations of the kiosk's own verifiers: a 4-digit PIN's verifier falls to a search
    // of 10,000 PINs whatever the count, so it only slows that down (about 6 ms a check here).
    static constexpr int VerifierIterations = 20'000;

    SignInDesk(EngineParts parts, QObject *parent = nullptr);

    // A member's PIN, for the card MEMBER was found with (MemberLookup).
    void member(const MemberInfo &member, const QString &pin, Callback callback);
    // A walk-up card (a bank card; MemberLookup found it, or no tier knows it yet): no PIN, the
    // ticket from the tier that found it. Online only: Failed with Failure::Offline otherwise.
    void walkUp(const MemberInfo &member, Callback callback);
    // The kiosk's own check, for when no server can be asked: a member's card (TECHNICIAN false)
    // or a technician's (up to 8 digits). The outcome is Unverifiable for a card it never saw
    // signed in online.
    SignInResult offline(const QString &cardHash, const QString &pin, bool technician);
    // A server found PIN right for CARDHASH: keep the kiosk's own verifier of it for offline,
    // and clear the kiosk's offline count.
    void remember(const QString &cardHash, const QString &pin);

private:
    void atRedbox(const MemberInfo &member, const QString &pin, Callback callback);
    void escalated(const MemberInfo &member, const QString &pin, Callback callback);
    // The red box does not answer: the kiosk's own verifier, else the member's coast.
    void withoutRedbox(const MemberInfo &member, const QString &pin, Callback callback);
    void loadLocks();
    void saveLocks();

    EngineParts m_parts;
    PinLockout m_locks;
    bool m_locksLoaded = false;
};

}   // namespace redbox
