// The customer's kiosk, signing in: the swiped card (a member's, or a bank
// card's for a walk-up customer), then the member's PIN checked by a server,
// or the walk-up card's billing ZIP kept for its authorization. See
// kioskcontroller.h.
#include "controllers/kioskcontroller.h"

#include "core/cards.h"

namespace redbox {

QString KioskController::memberCard() const
{
    return m_member ? QStringLiteral("•••• %1").arg(m_cardDigits) : QString();
}

void KioskController::onCardSwiped(const QByteArray &track)
{
    if (m_screen == Screen::Maintenance)
        return;   // the technician's session reads the card
    touch();
    if (m_screen != Screen::SignIn || busy())
        return;   // swipes only count on the sign-in screen
    const TrackResult parsed = parseCardTrack(track, m_clock().date());
    if (!parsed.card) {
        setMessage(trackText(parsed.error));
        return;
    }
    if (parsed.card->technician) {
        setMessage(tr("Technician cards open maintenance from the help screen."));
        return;
    }
    const QString cardHash = m_backend->cardHashFor(parsed.card->number);
    m_cardDigits = parsed.card->number.right(4);
    setMessage({});
    setBusy(tr("Checking your card..."));
    const bool bankCard = parsed.card->walkUp;
    m_backend->lookupMember(cardHash, guarded(this, [this, bankCard, cardHash](MemberLookupResult r) {
                                setBusy({});
                                if (m_screen != Screen::SignIn)
                                    return;
                                if (bankCard && !r.member && r.failure == Failure::UnknownCard) {
                                    // A card the network has not seen: a first-time walk-up customer.
                                    MemberInfo fresh;
                                    fresh.cardHash = cardHash;
                                    fresh.allowed = true;
                                    fresh.source = QStringLiteral("redbox");
                                    r.member = fresh;
                                }
                                onMemberFound(r, bankCard);
                            }));
}

void KioskController::onMemberFound(const MemberLookupResult &r, bool bankCard)
{
    if (!r.member) {
        if (bankCard && r.failure == Failure::Offline)
            setMessage(tr("Cards without a Redbox membership need the network, which this kiosk cannot reach right now. "
                          "Please try again in a few minutes."));
        else
            setMessage(failureText(r.failure, r.message));
        return;
    }
    if (!r.member->allowed) {
        setMessage(tr("This account is on hold. Please contact member services."));
        return;
    }
    if (r.member->lockedUntil.isValid() && r.member->lockedUntil > m_clock()) {
        setMessage(lockedText(r.member->lockedUntil));
        return;
    }
    m_member = r.member;
    m_member->walkUp = bankCard;
    m_pinOk = false;
    m_pin.clear();
    m_zipDeclines = 0;
    emit memberChanged();
    emit pinChanged();
    setScreen(Screen::Pin);
}

void KioskController::pinDigit(int digit)
{
    touch();
    if (m_screen != Screen::Pin || digit < 0 || digit > 9 || m_pin.size() >= (walkUp() ? 5 : 4) || busy())
        return;
    m_pin += QChar(u'0' + digit);
    emit pinChanged();
}

void KioskController::pinBackspace()
{
    touch();
    if (!m_pin.isEmpty()) {
        m_pin.chop(1);
        emit pinChanged();
    }
}

void KioskController::pinEnter()
{
    touch();
    if (m_screen != Screen::Pin || !m_member || busy())
        return;
    if (m_member->walkUp) {
        zipEnter();
        return;
    }
    if (!memberPinWellFormed(m_pin)) {
        setMessage(tr("Your PIN has 4 digits."));
        return;
    }
    const QString pin = m_pin;
    m_pin.clear();
    emit pinChanged();
    setBusy(tr("Checking your PIN..."));
    const MemberInfo member = *m_member;
    m_backend->signIn(member, pin, guarded(this, [this](SignInResult r) { signedInWith(r); }));
}

void KioskController::zipEnter()
{
    if (!billingZipWellFormed(m_pin)) {
        setMessage(tr("Your billing ZIP code has 5 digits."));
        return;
    }
    m_billingZip = m_pin;
    m_pin.clear();
    emit pinChanged();
    setBusy(tr("Checking your card..."));
    m_backend->walkUpSignIn(*m_member, guarded(this, [this](SignInResult r) {
        if (r.outcome == SignInOutcome::Failed && r.failure == Failure::Offline) {
            setBusy({});
            m_member.reset();
            emit memberChanged();
            setMessage(tr("Cards without a Redbox membership need the network, which this kiosk cannot "
                          "reach right now. Please try again in a few minutes."));
            setScreen(Screen::SignIn);
            return;
        }
        signedInWith(r);
    }));
}

void KioskController::signedInWith(const SignInResult &r)
{
    setBusy({});
    if (m_screen != Screen::Pin)
        return;
    m_triesLeft = r.triesLeft;
    switch (r.outcome) {
        case SignInOutcome::Ok: {
            // The member as the server that checked the PIN knows them, with its ticket.
            if (r.member) {
                const bool walkUp = m_member && m_member->walkUp;
                m_member = r.member;
                m_member->walkUp = walkUp;
            }
            m_pinOk = true;
            emit memberChanged();
            setMessage({});
            // Only what the member may still rent stays in the cart (the last rentals go; a disc
            // to buy counts against no limit).
            const int room = allowance();
            if (m_cart.rentals() > room) {
                for (int row = m_cart.rowCount() - 1; row >= 0 && m_cart.rentals() > room; --row)
                    if (!m_cart.items().at(row).purchase)
                        m_cart.removeAt(row);
                setMessage(tr("Your plan allows %n more disc(s) now; your cart was shortened.", nullptr, room));
            }
            refreshSummary();
            setScreen(m_cart.rowCount() > 0 ? Screen::Summary : Screen::Browse);
            return;
        }
        case SignInOutcome::WrongPin: setMessage(tr("Wrong PIN. %n tries left.", nullptr, r.triesLeft)); return;
        case SignInOutcome::Locked:
            m_member.reset();
            emit memberChanged();
            setMessage(lockedText(r.lockedUntil));
            setScreen(Screen::SignIn);
            return;
        case SignInOutcome::Unverifiable:
            m_member.reset();
            emit memberChanged();
            setMessage(tr("We cannot check your PIN right now: this kiosk is offline and has not seen your card "
                          "before. Please try again later or at another kiosk."));
            setScreen(Screen::SignIn);
            return;
        case SignInOutcome::Failed: setMessage(failureText(r.failure, r.message)); return;
    }
}

QString KioskController::lockedText(const QDateTime &until) const
{
    const int minutes = until.isValid() ? std::max(1, static_cast<int>((m_clock().secsTo(until) + 59) / 60)) : 15;
    return tr("This card is locked after too many wrong PINs. Try again in %n minute(s).", nullptr, minutes);
}

}   // namespace redbox
