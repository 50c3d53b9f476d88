// The customer's kiosk, taking a disc back: read its barcode, pick a free
// slot, record the return, store the disc. See kioskcontroller.h.
#include "controllers/kioskcontroller.h"

#include "core/cards.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcKiosk)

namespace redbox {

void KioskController::startReturn()
{
    touch();
    resetSession();
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
    setBusy(tr("Reading your disc..."));
    m_backend->freeSlot(guarded(this, [this, barcode](int slot) {
        if (slot == 0) {
            setBusy({});
            m_hw->ejectReturn();
            setMessage(tr("This kiosk is full. Please return the disc at another kiosk."));
            emit returnFinished(false);
            return;
        }
        m_returnSlot = slot;
        ReturnRequest req;
        req.barcode = barcode;
        req.slot = slot;
        req.returnedAt = m_clock();
        m_backend->returnDisc(req, guarded(this, [this](ReturnResult r) {
                                  setBusy({});
                                  if (r.failure != Failure::None) {
                                      m_hw->ejectReturn();
                                      setMessage(failureText(r.failure, r.message) + QLatin1Char(' ') + tr("Please take your disc back."));
                                      emit returnFinished(false);
                                      return;
                                  }
                                  m_hw->store(m_returnSlot);
                                  m_returned.show(r);
                                  setMessage({});
                                  setScreen(Screen::ReturnResult);
                                  emit returnFinished(true);
                              }));
    }));
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
