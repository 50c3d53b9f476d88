// A deadline on every request to the kiosk's hardware. GuardedHardware sits
// between the kiosk and its device (simulated, or a controller on a serial
// port) and passes requests and answers through. A request not answered by
// its deadline is asked about: STATUS makes the device send its last answer
// again (or BUSY: the deadline is extended, twice at most; or IDLE: it never
// got the request). A request still unresolved then ends as failed, with a
// fault: dispenseFailed, storeFailed, declined, selfTestDone(false),
// jamCleared(false); an eject only raises the fault, as nothing waits on it.
// So no screen waits on a device for ever. An answer that arrives after its
// request was ended is reported as a fault, never passed on as an answer.
#pragma once

#include "hardware/kioskhardware.h"

#include <QTimer>

#include <array>
#include <optional>

namespace redbox {

struct DeviceDeadlines {
    int dispenseMs = 20'000;
    int storeMs = 20'000;
    int ejectMs = 10'000;
    int paymentMs = 90'000;   // the customer presents the card, and its bank answers
    int selfTestMs = 600'000;
    int clearJamMs = 60'000;
    int statusMs = 3'000;   // for the answer to STATUS
};

class GuardedHardware : public KioskHardware {
    Q_OBJECT
public:
    GuardedHardware(KioskHardware *device, DeviceDeadlines deadlines, QObject *parent = nullptr);

    KioskHardware *device() const { return m_device; }
    const DeviceDeadlines &deadlines() const { return m_deadlines; }

    QString name() const override { return m_device->name(); }
    void dispense(int slot, const QString &barcode) override;
    void store(int slot) override;
    void ejectReturn() override;
    void authorize(int amountCents, const QString &billingZip) override;
    void selfTest(int slotCount) override;
    void clearJam() override;
    void queryStatus() override { m_device->queryStatus(); }

private:
    enum class Op { Dispense, Store, Eject, Authorize, SelfTest, ClearJam };
    static constexpr std::size_t OpCount = 6;
    static constexpr int MaxBusyExtensions = 2;
    struct Pending {
        bool active = false;
        int slot = 0;   // dispense and store: the slot it is for
        int statusAsks = 0;
        int busyExtensions = 0;
        std::optional<int> endedSlot;   // a request ended by its deadline (a late answer is a fault)
        QTimer timer;
    };

    Pending &pending(Op op) { return m_pending[static_cast<std::size_t>(op)]; }
    int deadlineOf(Op op) const;
    static QString deviceOf(Op op);
    void start(Op op, int slot = 0);
    // True when an answer for OP (and SLOT, where it has one) ends its pending request.
    bool answered(Op op, int slot = 0);
    void onDeadline(Op op);
    void giveUp(Op op);

    KioskHardware *m_device;
    DeviceDeadlines m_deadlines;
    std::array<Pending, OpCount> m_pending;
    std::optional<Op> m_asking;   // the request the last STATUS was sent for
};

}   // namespace redbox
