// Simulated kiosk hardware (see simulatedhardware.h).
#include "hardware/simulatedhardware.h"

#include <QPointer>
#include <QRandomGenerator>

#include <algorithm>
#include <utility>

namespace redbox {

SimulatedHardware::SimulatedHardware(QObject *parent) : KioskHardware(parent) {}

template <typename F>
void SimulatedHardware::later(F &&f, int extraMs)
{
    QTimer::singleShot(m_latencyMs + extraMs, this, std::forward<F>(f));
}

void SimulatedHardware::answer(std::function<void()> emitIt)
{
    m_working = std::max(0, m_working - 1);
    m_lastAnswer = emitIt;
    if (m_lostAnswers > 0) {
        --m_lostAnswers;   // the line never reaches the kiosk; STATUS sends it again
        return;
    }
    emitIt();
}

bool SimulatedHardware::begin()
{
    if (m_unresponsive)
        return false;   // a controller that has stopped: nothing moves, nothing answers
    if (m_lostRequests > 0) {
        --m_lostRequests;
        return false;
    }
    ++m_working;
    return true;
}

int SimulatedHardware::slowness()
{
    return std::exchange(m_slowMs, 0);
}

void SimulatedHardware::queryStatus()
{
    if (m_unresponsive)
        return;
    later([this] {
        if (m_working > 0)
            emit busy();
        else if (m_lastAnswer)
            m_lastAnswer();
        else
            emit idle();
    });
}

void SimulatedHardware::dispense(int slot)
{
    if (!begin())
        return;
    later(
        [this, slot] {
            if (m_jams > 0) {
                --m_jams;
                answer([this, slot] { emit dispenseFailed(slot, QStringLiteral("the picker jammed at slot %1").arg(slot)); });
                return;
            }
            if (!m_occupied.contains(slot)) {
                answer([this, slot] { emit dispenseFailed(slot, QStringLiteral("no disc in slot %1").arg(slot)); });
                return;
            }
            m_occupied.remove(slot);
            touched(slot);
            ++m_dispensedCount;
            answer([this, slot] { emit dispensed(slot); });
        },
        slowness());
}

void SimulatedHardware::store(int slot)
{
    if (!begin())
        return;
    later(
        [this, slot] {
            if (m_returnSlot.isEmpty()) {
                answer([this, slot] { emit storeFailed(slot, QStringLiteral("no disc in the return slot")); });
                return;
            }
            if (m_occupied.contains(slot)) {
                answer([this, slot] { emit storeFailed(slot, QStringLiteral("slot %1 is occupied").arg(slot)); });
                return;
            }
            m_occupied.insert(slot);
            touched(slot);
            m_returnSlot.clear();
            answer([this, slot] { emit stored(slot); });
        },
        slowness());
}

void SimulatedHardware::ejectReturn()
{
    if (!begin())
        return;
    later(
        [this] {
            m_returnSlot.clear();
            answer([this] { emit ejected(); });
        },
        slowness());
}

void SimulatedHardware::authorize(int amountCents, const QString &billingZip)
{
    if (!begin())
        return;
    later(
        [this, amountCents, billingZip] {
            if (m_decline || amountCents <= 0) {
                m_decline = false;
                const QString why = amountCents <= 0 ? QStringLiteral("nothing to authorize") : QStringLiteral("the card was declined");
                answer([this, why] { emit declined(why); });
                return;
            }
            if (!billingZip.isEmpty() && !m_cardZip.isEmpty() && billingZip != m_cardZip) {
                answer([this] { emit declined(QStringLiteral("billing ZIP does not match")); });
                return;
            }
            const QString token = (QStringLiteral("tok_sim") + QString::number(QRandomGenerator::global()->generate64(), 36)).left(40);
            answer([this, token] { emit authorized(token, QStringLiteral("4242")); });
        },
        slowness());
}

void SimulatedHardware::selfTest(int slotCount)
{
    if (!begin())
        return;
    later(
        [this, slotCount] {
            QStringList problems;
            if (m_stuckSlot >= 1 && m_stuckSlot <= slotCount)
                problems << QStringLiteral("slot %1 does not turn").arg(m_stuckSlot);
            const QString report = problems.isEmpty() ? QStringLiteral("visited %1 slots").arg(slotCount)
                                                      : problems.join(QStringLiteral("; "));
            answer([this, ok = problems.isEmpty(), report] { emit selfTestDone(ok, report); });
        },
        slowness());
}

void SimulatedHardware::clearJam()
{
    if (!begin())
        return;
    later(
        [this] {
            const int cleared = m_jams;
            m_jams = 0;
            if (m_stuckSlot > 0) {
                const QString why = QStringLiteral("slot %1 does not turn: the carousel needs a service visit").arg(m_stuckSlot);
                answer([this, why] { emit jamCleared(false, why); });
                return;
            }
            const QString report = cleared > 0 ? QStringLiteral("the picker is free") : QStringLiteral("no jam found; the picker is free");
            answer([this, report] { emit jamCleared(true, report); });
        },
        slowness());
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
