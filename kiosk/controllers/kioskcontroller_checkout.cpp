// The customer's kiosk, checking out: the summary and the payment, renting
// and dispensing each disc (a disc that does not come out is voided, never
// charged), and the e-mailed receipt. See kioskcontroller.h.
#include "controllers/kioskcontroller.h"

#include "core/cards.h"
#include "core/pricing.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcKiosk)

namespace redbox {

void KioskController::onAuthorized(const QString &token, const QString &last4)
{
    if (m_screen != Screen::Paying)
        return;
    m_cardToken = token;
    m_cardLast4 = last4;
    setBusy({});
    setScreen(Screen::Dispensing);
    m_current = -1;
    rentNext();
}

void KioskController::onDeclined(const QString &reason)
{
    if (m_screen != Screen::Paying)
        return;
    m_paying = false;
    setBusy({});
    if (walkUp()) {
        // The billing ZIP goes with the authorization, so a walk-up customer may type it again,
        // three times in all.
        if (++m_zipDeclines >= 3) {
            resetSession();
            setMessage(tr("Payment declined: %1. Nothing was charged. Please use another card.").arg(reason));
            setScreen(Screen::Browse);
            return;
        }
        m_pinOk = false;
        emit memberChanged();
        setMessage(tr("Payment declined: %1. Nothing was charged. Check your billing ZIP code and enter it again.").arg(reason));
        setScreen(Screen::Pin);
        return;
    }
    setMessage(tr("Payment declined: %1. Nothing was charged.").arg(reason));
    setScreen(Screen::Summary);
}

void KioskController::onDispensed(int slot, const QString &barcode)
{
    if (m_returnStep == ReturnStep::HandingBack && slot == m_returnSlot) {
        onHandedBack(barcode == m_returnBarcode);
        return;
    }
    if (m_screen != Screen::Dispensing || m_current < 0)
        return;
    CartModel::Item &item = m_cart.items()[m_current];
    if (item.slot != slot)
        return;
    if (barcode != item.barcode) {
        // The exit reader should have kept it inside; a device that let another disc go is faulty.
        const QString why =
            QStringLiteral("the dispenser let disc %1 out of slot %2 instead of %3").arg(barcode.left(20)).arg(slot).arg(item.barcode);
        m_watch.dispenserMisbehaved(why);
        onDispenseFailed(slot, why);
        return;
    }
    item.state = CartModel::State::Done;
    m_backend->dispensed(item.rentalId);
    item.message = item.offline ? tr("Take your disc (saved offline)") : tr("Take your disc");
    m_cart.changed(m_current);
    emit progressChanged();
    rentNext();
}

void KioskController::onDispenseFailed(int slot, const QString &reason)
{
    if (m_returnStep == ReturnStep::HandingBack && slot == m_returnSlot) {
        onHandedBack(false);
        return;
    }
    if (m_screen != Screen::Dispensing || m_current < 0)
        return;
    const int row = m_current;
    CartModel::Item &item = m_cart.items()[row];
    if (item.slot != slot)
        return;
    qCWarning(lcKiosk) << "dispense failed at slot" << slot << ":" << reason << "- voiding rental" << item.rentalId;
    // A disc that did not come out is never charged: void the rental. The slot is suspect until
    // a technician has looked (what the picker left there is not known).
    m_backend->voidRental({item.rentalId, item.barcode, slot, false, QStringLiteral("dispense failed: ") + reason, true},
                          guarded(this, [this, row](bool) {
                              CartModel::Item &it = m_cart.items()[row];
                              it.state = CartModel::State::Failed;
                              it.message = tr("This disc could not be dispensed. You were not charged for it.");
                              m_cart.changed(row);
                              emit progressChanged();
                              rentNext();
                          }));
}

void KioskController::pollReceipt()
{
    if (m_receiptId.isNull() || ++m_receiptPolls > 60) {
        m_receiptPoll.stop();
        return;
    }
    const QUuid id = m_receiptId;
    m_backend->receiptStatus(id, guarded(this, [this, id](QString state) {
                                 if (id != m_receiptId)
                                     return;
                                 if (state == QLatin1String("sent") || state == QLatin1String("failed")) {
                                     m_receiptPoll.stop();
                                     setReceiptState(state);
                                 }
                             }));
}

int KioskController::pricePerNight() const
{
    return m_member ? m_member->dailyRateCents : 0;
}

int KioskController::nightPriceOf(int extraCents) const
{
    const int base = m_member ? m_member->dailyRateCents : m_facts.lowestNightCents;
    return base > 0 ? base + std::max(0, extraCents) : 0;
}

int KioskController::cardCheckCents() const
{
    return pricing::kFreeNightHoldCents;
}

void KioskController::pay()
{
    touch();
    if (m_screen != Screen::Summary || !signedIn() || m_cart.rowCount() == 0 || m_paying)
        return;
    m_paying = true;
    setMessage({});
    setScreen(Screen::Paying);
    setBusy(tr("Swipe or tap your payment card..."));
    // One night per disc is authorized now; late days are charged on return. A night a promo
    // made free still checks the card, with the small hold the coast will take too.
    m_hw->authorize(m_summary.total() > 0 ? m_summary.total() : cardCheckCents(), walkUp() ? m_billingZip : QString());
}

void KioskController::applyPromo(const QString &typed)
{
    touch();
    if (m_screen != Screen::Summary || !signedIn() || m_paying || m_promoChecking)
        return;
    if (m_promo.grant) {
        setMessage(tr("One promo code per rental: %1 is applied already.").arg(m_promo.code));
        return;
    }
    if (typed.trimmed().isEmpty()) {
        setMessage(tr("Type the promo code first."));
        return;
    }
    m_promoChecking = true;
    setMessage({});
    setBusy(tr("Checking the promo code..."));
    const QUuid grantId = QUuid::createUuid();
    m_backend->redeemPromo(typed, m_member->cardHash, grantId, guarded(this, [this](PromoResult r) {
                               m_promoChecking = false;
                               setBusy({});
                               if (!signedIn() || m_screen != Screen::Summary) {
                                   if (r.grant)
                                       m_backend->releasePromo(r.grantId);   // the customer moved on
                                   return;
                               }
                               switch (r.failure) {
                                   case Failure::None:
                                       m_promo = std::move(r);
                                       m_promoUsed = false;
                                       qCInfo(lcKiosk) << "promo code applied:" << m_promo.centsOff << "cents off";
                                       refreshSummary();
                                       emit promoChanged();
                                       setMessage(
                                           tr("Promo code %1 applied: %2 off one night.").arg(m_promo.code, money(m_summary.discount())));
                                       break;
                                   case Failure::Offline:
                                       setMessage(tr("Promo codes are checked online, and the kiosk cannot reach the "
                                                     "network right now. You can still rent without one."));
                                       break;
                                   case Failure::BadInput: setMessage(promoRefusalText(r)); break;
                                   default: setMessage(tr("The promo code could not be checked. You can still rent without one.")); break;
                               }
                           }));
}

QString KioskController::promoRefusalText(const PromoResult &r) const
{
    if (r.outcome == QLatin1String("unknown"))
        return tr("%1 is not a promo code. Check it and try again.").arg(r.code);
    if (r.outcome == QLatin1String("expired"))
        return tr("Promo code %1 cannot be used today.").arg(r.code);
    if (r.outcome == QLatin1String("used"))
        return tr("This card has already used promo code %1.").arg(r.code);
    if (r.outcome == QLatin1String("throttled"))
        return tr("Too many promo codes did not work at this kiosk. Please try again in a few minutes.");
    return tr("Type the promo code as printed: 4 to 16 letters and digits.");
}

void KioskController::removePromo()
{
    touch();
    if (m_screen != Screen::Summary || m_paying)
        return;
    dropPromo();
    setMessage({});
}

void KioskController::dropPromo()
{
    if (!m_promo.grant && m_promo.code.isEmpty())
        return;
    if (m_promo.grant && !m_promoUsed)
        m_backend->releasePromo(m_promo.grantId);
    m_promo = {};
    m_promoUsed = false;
    refreshSummary();
    emit promoChanged();
}

void KioskController::rentNext()
{
    // Next disc: rent it (the red box, or offline the durable outbox, must have it) then dispense it.
    ++m_current;
    if (m_current >= m_cart.rowCount()) {
        finishDispensing();
        return;
    }
    const int row = m_current;
    CartModel::Item &item = m_cart.items()[row];
    item.state = CartModel::State::Renting;
    m_cart.changed(row);
    QStringList taken;
    for (const CartModel::Item &i : m_cart.items())
        if (!i.barcode.isEmpty())
            taken << i.barcode;
    m_backend->pickDisc(item.movieId, taken, guarded(this, [this, row](std::optional<CachedDisc> pick) {
                            CartModel::Item &it = m_cart.items()[row];
                            if (!pick) {
                                it.state = CartModel::State::Failed;
                                it.message = tr("No copy is left in this kiosk. You were not charged for it.");
                                m_cart.changed(row);
                                rentNext();
                                return;
                            }
                            it.barcode = pick->barcode;
                            it.slot = pick->slot;
                            RentRequest req;
                            req.barcode = pick->barcode;
                            req.slot = pick->slot;
                            req.rentedAt = m_clock();
                            req.member = *m_member;
                            req.cardToken = m_cardToken;
                            req.cardLast4 = m_cardLast4;
                            req.purchase = it.purchase;
                            // The promo goes with the first disc the red box rents; one refused passes it on.
                            // (It takes a night off: never off a disc bought.)
                            const bool withPromo = m_promo.grant && !m_promoUsed && !it.purchase;
                            if (withPromo)
                                req.promoGrant = m_promo.grant;
                            m_backend->rent(req, guarded(this, [this, row, withPromo](RentResult r) {
                                                CartModel::Item &i = m_cart.items()[row];
                                                if (withPromo && (r.failure == Failure::None || r.failure == Failure::InDoubt))
                                                    m_promoUsed = true;
                                                if (withPromo && r.failure == Failure::PromoRefused) {
                                                    // The red box would not take the grant (it expired while the
                                                    // customer waited): this disc is rented again, without it.
                                                    qCWarning(lcKiosk) << "promo grant refused by the red box:" << r.message;
                                                    dropPromo();
                                                    setMessage(tr("The promo code could not be used; your discs are rented without it."));
                                                    i.barcode.clear();
                                                    i.slot = 0;
                                                    --m_current;
                                                    rentNext();
                                                    return;
                                                }
                                                if (r.failure != Failure::None) {
                                                    i.state = CartModel::State::Failed;
                                                    i.message = failureText(r.failure, r.message) + QLatin1Char(' ') +
                                                                tr("You were not charged for it.");
                                                    m_cart.changed(row);
                                                    emit progressChanged();
                                                    rentNext();
                                                    return;
                                                }
                                                i.rentalId = r.rentalId;
                                                i.due = r.dueAt;
                                                i.amountCents = r.amountCents;
                                                i.taxCents = r.taxCents;
                                                i.offline = r.offline;
                                                i.state = CartModel::State::Dispensing;
                                                m_cart.changed(row);
                                                if (m_member && !m_member->away)
                                                    m_member->discsOut = r.discsOut;
                                                refreshSummary();
                                                m_hw->dispense(i.slot, i.barcode);
                                            }));
                        }));
}

int KioskController::dispensedCount() const
{
    int n = 0;
    for (const CartModel::Item &i : m_cart.items())
        if (i.state == CartModel::State::Done)
            ++n;
    return n;
}

void KioskController::finishDispensing()
{
    m_paying = false;
    m_current = -1;
    int rented = 0, failed = 0;
    for (const CartModel::Item &i : m_cart.items())
        (i.state == CartModel::State::Done ? rented : failed)++;
    qCInfo(lcKiosk) << "rental finished:" << rented << "dispensed," << failed << "not";
    refreshSummary();
    setScreen(Screen::Receipt);
    emit rentalFinished(rented, failed);
}

void KioskController::setReceiptState(const QString &state)
{
    if (state == m_receiptState)
        return;
    m_receiptState = state;
    emit receiptStateChanged();
}

void KioskController::emailReceipt(const QString &address)
{
    touch();
    if (m_screen != Screen::Receipt || !m_receiptId.isNull())
        return;
    const QString to = address.trimmed();
    if (walkUp() && !emailAddressWellFormed(to)) {
        setMessage(to.isEmpty() ? tr("Type your e-mail address to get the receipt by e-mail.")
                                : tr("That does not look like an e-mail address: check it and try again."));
        return;
    }
    QList<QUuid> rentals;
    for (const CartModel::Item &i : m_cart.items())
        if (i.state == CartModel::State::Done && !i.offline)
            rentals << i.rentalId;
    if (rentals.isEmpty()) {
        setMessage(tr("There is nothing to e-mail: this screen is your receipt."));
        return;
    }
    m_receiptId = QUuid::createUuid();
    m_receiptPolls = 0;
    setReceiptState(QStringLiteral("queued"));
    const QUuid id = m_receiptId;
    m_backend->emailReceipt(id, rentals, walkUp() ? to : QString(), guarded(this, [this, id](QString state) {
                                if (id != m_receiptId)
                                    return;
                                if (state == QLatin1String("queued")) {
                                    m_receiptPoll.start();
                                } else {
                                    setReceiptState(state);
                                    if (state == QLatin1String("offline"))
                                        setMessage(
                                            tr("The receipt cannot be e-mailed while the kiosk is offline; this screen is your receipt."));
                                }
                            }));
}

}   // namespace redbox
