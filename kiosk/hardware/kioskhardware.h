// The kiosk's hardware behind one interface: the disc carousel and picker
// (dispense a slot, store a returned disc, eject a disc back), the card reader
// (member and bank cards; payment authorization with the billing ZIP), and the return slot's barcode
// reader. Implementations: SimulatedHardware (development, tests, the
// simulator) and SerialHardware (a device speaking the line protocol of
// lineprotocol.h over a serial port). Every answer is a signal. A request's
// answer may be lost (a line garbled, a controller reset): queryStatus()
// asks the device for its last request's answer again; GuardedHardware puts
// a deadline on every request and resolves a lost answer that way.
#pragma once

#include <QObject>
#include <QString>

namespace redbox {

class KioskHardware : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString name() const = 0;
    // The disc in SLOT out to the customer. BARCODE is the disc the records put there: the exit
    // reader checks the disc against it before letting it go, and keeps a disc that is not it
    // (or whose label it cannot read) inside for a technician -> dispensed | dispenseFailed
    virtual void dispense(int slot, const QString &barcode) = 0;
    virtual void store(int slot) = 0;   // the disc in the return slot into SLOT -> stored | storeFailed
    virtual void ejectReturn() = 0;   // give the disc in the return slot back -> ejected
    // The payment card: AMOUNTCENTS held on it -> authorized | declined. BILLINGZIP (5 digits, or
    // empty for a member card) goes with the authorization for the acquirer's address check; a
    // ZIP that does not match the card's is a decline.
    virtual void authorize(int amountCents, const QString &billingZip) = 0;
    virtual void selfTest(int slotCount) = 0;   // visit every slot -> selfTestDone
    virtual void clearJam() = 0;   // free the picker after a jam -> jamCleared
    // The last request's answer, sent again (its signal once more) -> that signal | busy | idle
    virtual void queryStatus() = 0;

signals:
    void dispensed(int slot, const QString &barcode);   // BARCODE: what the exit reader read
    // A jam, no disc in the slot, or a disc at the exit that is not the one asked for
    void dispenseFailed(int slot, const QString &reason);
    void stored(int slot);
    void storeFailed(int slot, const QString &reason);
    void ejected();
    void cardSwiped(const QByteArray &track);   // raw track data, parsed strictly by the caller
    void discInserted(const QString &barcode);   // raw barcode from the return slot reader
    void discUnreadable();
    void authorized(const QString &token, const QString &last4);
    void declined(const QString &reason);
    void selfTestDone(bool ok, const QString &report);
    void jamCleared(bool ok, const QString &report);
    void fault(const QString &message);
    // A request went past its deadline and a status query without an answer: DEVICE
    // (dispenser, carousel, return slot, card reader, picker) stopped answering. The request's
    // failure follows. Sent by GuardedHardware, which keeps the deadlines.
    void unanswered(const QString &device);
    void busy();   // status: the last request is still being worked on
    void idle();   // status: no request since the device started
};

}   // namespace redbox
