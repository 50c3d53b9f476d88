// The customer's kiosk, taking a disc back: read its barcode, pick a free
// slot, write the return in the store journal, store the disc, then record
// the return (a disc the kiosk could not take in is not returned; a return
// the records refuse is given back out of the door; a kiosk that stops
// between storing and recording records it when it starts again). See
// kioskcontroller.h.
#include "controllers/kioskcontroller.h"

#include "core/cards.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcKiosk)

namespace redbox {

void KioskController::startReturn()
{
    touch();
    resetSession();
    if (!returnsOpen()) {
        setScreen(Screen::OutOfOrder);
        return;
    }
    setMessage(tr("Insert the disc into the return slot, label up."));
    setScreen(Screen::ReturnInsert);
}

void KioskController::onDiscInserted(const QString &barcode)
{
    if (m_screen == Screen::Maintenance)
        return;   // loading discs, or a reader test
    touch();
    if (m_screen != Screen::ReturnInsert || busy()) {
        m_hw->ejectReturn();   // not expecting a disc now: give it back
        return;
    }
    const auto parsed = parseDiscBarcode(barcode);
    if (!parsed) {
        m_hw->ejectReturn();
        setMessage(tr("This disc could not be read, or it is not one of ours. Please take it back."));
        emit returnFinished(false);
        return;
    }
    m_returnBarcode = barcode;
    m_returnedAt = m_clock();
    setBusy(tr("Taking your disc in..."));
    m_backend->freeSlot(guarded(this, [this](int slot) {
        if (slot == 0) {
            setBusy({});
            m_hw->ejectReturn();
            setMessage(tr("This kiosk is full. Please return the disc at another kiosk."));
            emit returnFinished(false);
            return;
        }
        // First the disc goes into its slot; only a disc that is in is recorded as returned.
        m_returnSlot = slot;
        ReturnRequest req;
        req.barcode = m_returnBarcode;
        req.slot = slot;
        req.returnedAt = m_returnedAt;
        m_returnId = req.returnId;
        m_backend->beginReturn(req, guarded(this, [this, slot](bool journaled) {
                                   if (!journaled) {
                                       setBusy({});
                                       m_hw->ejectReturn();
                                       setMessage(tr("This kiosk cannot take returns right now. Please take your disc back and return it "
                                                     "at another kiosk."));
                                       emit returnFinished(false);
                                       return;
                                   }
                                   m_returnStep = ReturnStep::Storing;
                                   m_hw->store(slot);
                               }));
    }));
}

void KioskController::onStored(int slot)
{
    if (m_returnStep != ReturnStep::Storing || slot != m_returnSlot)
        return;   // a technician's load, or not ours
    m_returnStep = ReturnStep::Recording;
    ReturnRequest req;
    req.returnId = m_returnId;
    req.barcode = m_returnBarcode;
    req.slot = slot;
    req.returnedAt = m_returnedAt;
    m_backend->returnDisc(req, guarded(this, [this](ReturnResult r) {
                              if (r.failure != Failure::None) {
                                  handBackReturn(failureText(r.failure, r.message));
                                  return;
                              }
                              m_backend->endReturn(m_returnId);
                              m_returnStep = ReturnStep::None;
                              setBusy({});
                              m_returned.show(r);
                              setMessage({});
                              setScreen(Screen::ReturnResult);
                              emit returnFinished(true);
                          }));
}

void KioskController::onStoreFailed(int slot, const QString &reason)
{
    if (m_returnStep != ReturnStep::Storing || slot != m_returnSlot)
        return;
    // Nothing was recorded: the rental stays open, and the customer keeps the disc.
    qCWarning(lcKiosk) << "storing a returned disc in slot" << slot << "failed:" << reason;
    m_backend->endReturn(m_returnId);
    m_returnStep = ReturnStep::None;
    setBusy({});
    m_hw->ejectReturn();
    setMessage(tr("The kiosk could not take your disc in, so it is not returned yet. Please take it back and try again, or return it at "
                  "another kiosk."));
    emit returnFinished(false);
}

void KioskController::handBackReturn(const QString &why)
{
    m_returnStep = ReturnStep::HandingBack;
    m_handBackWhy = why;
    setBusy(tr("Giving your disc back..."));
    m_hw->dispense(m_returnSlot, m_returnBarcode);
}

void KioskController::onHandedBack(bool ok)
{
    m_backend->endReturn(m_returnId);   // refused: not a return, whether or not the disc came back out
    m_returnStep = ReturnStep::None;
    setBusy({});
    if (ok) {
        setMessage(m_handBackWhy + QLatin1Char(' ') + tr("Please take your disc from the door."));
    } else {
        // The disc stays inside, recorded nowhere: HQ and the technician are told where it is.
        m_watch.discLeftInside(m_returnBarcode, m_returnSlot, m_handBackWhy);
        setMessage(m_handBackWhy + QLatin1Char(' ') +
                   tr("The kiosk could not give your disc back: it is kept safe inside for a technician."));
    }
    emit returnFinished(false);
}

void KioskController::onDiscUnreadable()
{
    if (m_screen == Screen::Maintenance)
        return;
    touch();
    m_hw->ejectReturn();
    if (m_screen == Screen::ReturnInsert)
        setMessage(tr("This disc could not be read. Please take it back, wipe the label and try again."));
    emit returnFinished(false);
}

}   // namespace redbox
