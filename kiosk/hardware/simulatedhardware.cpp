// Simulated kiosk hardware (see simulatedhardware.h).
#include "hardware/simulatedhardware.h"

#include <QPointer>
#include <QRandomGenerator>

namespace redbox {

SimulatedHardware::SimulatedHardware(QObject *parent) : KioskHardware(parent) {}

template <typename F>
void SimulatedHardware::later(F &&f)
{
    QTimer::singleShot(m_latencyMs, this, std::forward<F>(f));
}

void SimulatedHardware::dispense(int slot)
{
    later([this, slot] {
        if (m_jams > 0) {
            --m_jams;
            emit dispenseFailed(slot, QStringLiteral("the picker jammed at slot %1").arg(slot));
            return;
        }
        if (!m_occupied.contains(slot)) {
            emit dispenseFailed(slot, QStringLiteral("no disc in slot %1").arg(slot));
            return;
        }
        m_occupied.remove(slot);
        touched(slot);
        ++m_dispensedCount;
        emit dispensed(slot);
    });
}

void SimulatedHardware::store(int slot)
{
    later([this, slot] {
        if (m_returnSlot.isEmpty()) {
            emit storeFailed(slot, QStringLiteral("no disc in the return slot"));
            return;
        }
        if (m_occupied.contains(slot)) {
            emit storeFailed(slot, QStringLiteral("slot %1 is occupied").arg(slot));
            return;
        }
        m_occupied.insert(slot);
        touched(slot);
        m_returnSlot.clear();
        emit stored(slot);
    });
}

void SimulatedHardware::ejectReturn()
{
    later([this] {
        m_returnSlot.clear();
        emit ejected();
    });
}

void SimulatedHardware::authorize(int amountCents, const QString &billingZip)
{
    later([this, amountCents, billingZip] {
        if (m_decline || amountCents <= 0) {
            m_decline = false;
            emit declined(amountCents <= 0 ? QStringLiteral("nothing to authorize") : QStringLiteral("the card was declined"));
            return;
        }
        if (!billingZip.isEmpty() && !m_cardZip.isEmpty() && billingZip != m_cardZip) {
            emit declined(QStringLiteral("billing ZIP does not match"));
            return;
        }
        const QString token = QStringLiteral("tok_sim") + QString::number(QRandomGenerator::global()->generate64(), 36);
        emit authorized(token.left(40), QStringLiteral("4242"));
    });
}

void SimulatedHardware::selfTest(int slotCount)
{
    later([this, slotCount] {
        QStringList problems;
        if (m_stuckSlot >= 1 && m_stuckSlot <= slotCount)
            problems << QStringLiteral("slot %1 does not turn").arg(m_stuckSlot);
        emit selfTestDone(problems.isEmpty(),
                          problems.isEmpty() ? QStringLiteral("visited %1 slots").arg(slotCount) : problems.join(QStringLiteral("; ")));
    });
}

void SimulatedHardware::clearJam()
{
    later([this] {
        const int cleared = m_jams;
        m_jams = 0;
        if (m_stuckSlot > 0) {
            emit jamCleared(false, QStringLiteral("slot %1 does not turn: the carousel needs a service visit").arg(m_stuckSlot));
            return;
        }
        emit jamCleared(true, cleared > 0 ? QStringLiteral("the picker is free") : QStringLiteral("no jam found; the picker is free"));
    });
}

void SimulatedHardware::touched(int slot)
{
    for (QSet<int> &moved : m_snapshots)
        moved.insert(slot);
}

int SimulatedHardware::beginCacheSnapshot()
{
    const int id = ++m_nextSnapshot;
    m_snapshots.insert(id, {});
    return id;
}

void SimulatedHardware::applyCacheSnapshot(int snapshot, const QSet<int> &filled)
{
    const QSet<int> moved = m_snapshots.take(snapshot);
    QSet<int> next;
    for (int slot : filled)
        if (!moved.contains(slot))
            next.insert(slot);
    for (int slot : moved)
        if (m_occupied.contains(slot))
            next.insert(slot);
    m_occupied = next;
}

void SimulatedHardware::followRecords(OccupiedSource source)
{
    m_records = std::move(source);
    refreshFromRecords();
}

void SimulatedHardware::refreshFromRecords()
{
    if (!m_records)
        return;
    const int snapshot = beginCacheSnapshot();
    m_records([self = QPointer<SimulatedHardware>(this), snapshot](QSet<int> filled) {
        if (self)
            self->applyCacheSnapshot(snapshot, filled);
    });
}

void SimulatedHardware::swipeCard(const QByteArray &track, const QString &billingZip)
{
    m_cardZip = billingZip;
    later([this, track] { emit cardSwiped(track); });
}

void SimulatedHardware::insertDisc(const QString &barcode)
{
    m_returnSlot = barcode;
    later([this, barcode] {
        if (m_misread) {
            m_misread = false;
            emit discUnreadable();
            return;
        }
        emit discInserted(barcode);
    });
}

}   // namespace redbox
