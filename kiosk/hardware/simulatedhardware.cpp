// Simulated kiosk hardware (see simulatedhardware.h).
#include "hardware/simulatedhardware.h"

#include <QDateTime>
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

void SimulatedHardware::dispense(int slot, const QString &barcode)
{
    if (!begin())
        return;
    later(
        [this, slot, barcode] {
            auto fail = [this, slot](const QString &why) { answer([this, slot, why] { emit dispenseFailed(slot, why); }); };
            if (m_jams > 0) {
                --m_jams;
                fail(QStringLiteral("the picker jammed at slot %1").arg(slot));
                return;
            }
            if (!m_slots.contains(slot)) {
                fail(QStringLiteral("no disc in slot %1").arg(slot));
                return;
            }
            const QString disc = m_slots.take(slot);
            touched(slot);
            if (std::exchange(m_smudged, false)) {
                m_retained << disc;
                fail(QStringLiteral("the exit reader could not read the disc from slot %1: kept inside").arg(slot));
                return;
            }
            if (disc != barcode && !m_noExitCheck) {
                m_retained << disc;
                fail(QStringLiteral("wrong disc at the exit: %1 from slot %2, not %3: kept inside").arg(disc).arg(slot).arg(barcode));
                return;
            }
            ++m_dispensedCount;
            answer([this, slot, disc] { emit dispensed(slot, disc); });
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
            if (m_slots.contains(slot)) {
                answer([this, slot] { emit storeFailed(slot, QStringLiteral("slot %1 is occupied").arg(slot)); });
                return;
            }
            m_slots.insert(slot, m_returnSlot);
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
    m_movedAt.insert(slot, QDateTime::currentMSecsSinceEpoch());
}

int SimulatedHardware::beginCacheSnapshot()
{
    const int id = ++m_nextSnapshot;
    m_snapshots.insert(id, {});
    return id;
}

void SimulatedHardware::applyCacheSnapshot(int snapshot, const Contents &inSlots)
{
    QSet<int> moved = m_snapshots.take(snapshot);
    // How far the kiosk's records may lag the carousel: a return is recorded after its store.
    constexpr qint64 recordLagMs = 10'000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_movedAt.begin(); it != m_movedAt.end();) {
        if (now - it.value() > recordLagMs) {
            it = m_movedAt.erase(it);
        } else {
            moved.insert(it.key());
            ++it;
        }
    }
    Contents next;
    for (auto it = inSlots.cbegin(); it != inSlots.cend(); ++it)
        if (!moved.contains(it.key()))
            next.insert(it.key(), it.value());
    for (int slot : moved)
        if (m_slots.contains(slot))
            next.insert(slot, m_slots.value(slot));
    m_slots = next;
}

void SimulatedHardware::followRecords(ContentsSource source)
{
    m_records = std::move(source);
    refreshFromRecords();
}

void SimulatedHardware::refreshFromRecords()
{
    if (!m_records)
        return;
    const int snapshot = beginCacheSnapshot();
    m_records([self = QPointer<SimulatedHardware>(this), snapshot](Contents inSlots) {
        if (self)
            self->applyCacheSnapshot(snapshot, inSlots);
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
