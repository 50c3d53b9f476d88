// Deadlines on the kiosk's hardware requests (see guardedhardware.h).
#include "hardware/guardedhardware.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDeadline, "redbox.kiosk.hw.deadline", QtInfoMsg)

namespace redbox {

GuardedHardware::GuardedHardware(KioskHardware *device, DeviceDeadlines deadlines, QObject *parent)
    : KioskHardware(parent), m_device(device), m_deadlines(deadlines)
{
    for (std::size_t i = 0; i < OpCount; ++i) {
        const Op op = static_cast<Op>(i);
        m_pending[i].timer.setSingleShot(true);
        connect(&m_pending[i].timer, &QTimer::timeout, this, [this, op] { onDeadline(op); });
    }
    KioskHardware *d = device;
    connect(d, &KioskHardware::dispensed, this, [this](int slot, const QString &barcode) {
        if (answered(Op::Dispense, slot))
            emit dispensed(slot, barcode);
    });
    connect(d, &KioskHardware::dispenseFailed, this, [this](int slot, const QString &why) {
        if (answered(Op::Dispense, slot))
            emit dispenseFailed(slot, why);
    });
    connect(d, &KioskHardware::stored, this, [this](int slot) {
        if (answered(Op::Store, slot))
            emit stored(slot);
    });
    connect(d, &KioskHardware::storeFailed, this, [this](int slot, const QString &why) {
        if (answered(Op::Store, slot))
            emit storeFailed(slot, why);
    });
    connect(d, &KioskHardware::ejected, this, [this] {
        if (answered(Op::Eject))
            emit ejected();
    });
    connect(d, &KioskHardware::authorized, this, [this](const QString &token, const QString &last4) {
        if (answered(Op::Authorize))
            emit authorized(token, last4);
    });
    connect(d, &KioskHardware::declined, this, [this](const QString &why) {
        if (answered(Op::Authorize))
            emit declined(why);
    });
    connect(d, &KioskHardware::selfTestDone, this, [this](bool ok, const QString &report) {
        if (answered(Op::SelfTest))
            emit selfTestDone(ok, report);
    });
    connect(d, &KioskHardware::jamCleared, this, [this](bool ok, const QString &report) {
        if (answered(Op::ClearJam))
            emit jamCleared(ok, report);
    });
    // What the customer does, and the device's own faults, are not answers: passed on as they come.
    connect(d, &KioskHardware::cardSwiped, this, &KioskHardware::cardSwiped);
    connect(d, &KioskHardware::discInserted, this, &KioskHardware::discInserted);
    connect(d, &KioskHardware::discUnreadable, this, &KioskHardware::discUnreadable);
    connect(d, &KioskHardware::fault, this, [this](const QString &why) {
        qCWarning(lcDeadline).noquote() << "hardware fault:" << why;
        emit fault(why);
    });
    connect(d, &KioskHardware::busy, this, [this] {
        if (!m_asking || !pending(*m_asking).active)
            return;
        Pending &p = pending(*m_asking);
        if (p.busyExtensions >= MaxBusyExtensions) {
            giveUp(*m_asking);
            return;
        }
        ++p.busyExtensions;   // still at it: another full deadline, then ask again
        p.statusAsks = 0;
        p.timer.start(deadlineOf(*m_asking));
    });
    connect(d, &KioskHardware::idle, this, [this] {
        if (m_asking && pending(*m_asking).active)
            giveUp(*m_asking);   // the request never reached it: nothing was done
    });
}

int GuardedHardware::deadlineOf(Op op) const
{
    switch (op) {
        case Op::Dispense: return m_deadlines.dispenseMs;
        case Op::Store: return m_deadlines.storeMs;
        case Op::Eject: return m_deadlines.ejectMs;
        case Op::Authorize: return m_deadlines.paymentMs;
        case Op::SelfTest: return m_deadlines.selfTestMs;
        case Op::ClearJam: return m_deadlines.clearJamMs;
    }
    return m_deadlines.dispenseMs;
}

QString GuardedHardware::deviceOf(Op op)
{
    switch (op) {
        case Op::Dispense: return QStringLiteral("dispenser");
        case Op::Store: return QStringLiteral("carousel");
        case Op::Eject: return QStringLiteral("return slot");
        case Op::Authorize: return QStringLiteral("card reader");
        case Op::SelfTest:
        case Op::ClearJam: return QStringLiteral("picker");
    }
    return QStringLiteral("hardware controller");
}

void GuardedHardware::start(Op op, int slot)
{
    Pending &p = pending(op);
    p.active = true;
    p.slot = slot;
    p.statusAsks = 0;
    p.busyExtensions = 0;
    p.endedSlot.reset();
    p.timer.start(deadlineOf(op));
}

bool GuardedHardware::answered(Op op, int slot)
{
    Pending &p = pending(op);
    const bool slotted = op == Op::Dispense || op == Op::Store;
    if (p.active && (!slotted || p.slot == slot)) {
        p.active = false;
        p.timer.stop();
        if (m_asking == op)
            m_asking.reset();
        return true;
    }
    if (p.endedSlot && (!slotted || *p.endedSlot == slot)) {
        p.endedSlot.reset();
        const QString why = QStringLiteral("the %1 answered after its deadline; the request had already been ended").arg(deviceOf(op));
        qCWarning(lcDeadline).noquote() << why;
        emit fault(why);
        return false;
    }
    // No request waits for it: an answer STATUS sent again after it had come, or a stray line.
    qCDebug(lcDeadline) << "an answer no request waits for, dropped; slot" << slot;
    return false;
}

void GuardedHardware::onDeadline(Op op)
{
    Pending &p = pending(op);
    if (!p.active)
        return;
    if (p.statusAsks > 0) {
        giveUp(op);
        return;
    }
    ++p.statusAsks;
    m_asking = op;
    qCInfo(lcDeadline).noquote() << "no answer from the" << deviceOf(op) << "within" << deadlineOf(op) << "ms: asking its status";
    p.timer.start(m_deadlines.statusMs);
    m_device->queryStatus();
}

void GuardedHardware::giveUp(Op op)
{
    Pending &p = pending(op);
    p.active = false;
    p.timer.stop();
    p.endedSlot = p.slot;
    if (m_asking == op)
        m_asking.reset();
    const QString why = QStringLiteral("the %1 did not answer").arg(deviceOf(op));
    qCWarning(lcDeadline).noquote() << why << "(slot" << p.slot << "); the request is ended as failed";
    emit unanswered(deviceOf(op));
    emit fault(why);
    switch (op) {
        case Op::Dispense: emit dispenseFailed(p.slot, why); break;
        case Op::Store: emit storeFailed(p.slot, why); break;
        case Op::Eject: break;   // nothing waits on an eject: the fault is the news
        case Op::Authorize: emit declined(why); break;
        case Op::SelfTest: emit selfTestDone(false, why); break;
        case Op::ClearJam: emit jamCleared(false, why); break;
    }
}

void GuardedHardware::dispense(int slot, const QString &barcode)
{
    start(Op::Dispense, slot);
    m_device->dispense(slot, barcode);
}

void GuardedHardware::store(int slot)
{
    start(Op::Store, slot);
    m_device->store(slot);
}

void GuardedHardware::ejectReturn()
{
    start(Op::Eject);
    m_device->ejectReturn();
}

void GuardedHardware::authorize(int amountCents, const QString &billingZip)
{
    start(Op::Authorize);
    m_device->authorize(amountCents, billingZip);
}

void GuardedHardware::selfTest(int slotCount)
{
    start(Op::SelfTest);
    m_device->selfTest(slotCount);
}

void GuardedHardware::clearJam()
{
    start(Op::ClearJam);
    m_device->clearJam();
}

}   // namespace redbox
