// Simulated kiosk hardware: a carousel of slots, a card reader, a return slot
// reader and a payment processor, with delays, and faults to order: a jam,
// a misread, a declined card, a lost answer, a controller that stopped.
// Customers' actions (swipe, insert a disc) are methods. Used in development,
// in the tests and by the simulator.
#pragma once

#include "hardware/kioskhardware.h"

#include <QHash>
#include <QSet>
#include <QTimer>

#include <functional>

namespace redbox {

class SimulatedHardware : public KioskHardware {
    Q_OBJECT
public:
    explicit SimulatedHardware(QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("simulated"); }
    void dispense(int slot) override;
    void store(int slot) override;
    void ejectReturn() override;
    void authorize(int amountCents, const QString &billingZip) override;
    void selfTest(int slotCount) override;
    void clearJam() override;
    void queryStatus() override;

    // The carousel's contents (slots holding a disc).
    void setOccupied(const QSet<int> &filled) { m_occupied = filled; }
    // Keeps the carousel's contents as the kiosk's records say: SOURCE answers (asynchronously)
    // with the filled slots; asked now and at each refreshFromRecords().
    using OccupiedSource = std::function<void(std::function<void(QSet<int>)>)>;
    void followRecords(OccupiedSource source);
    void refreshFromRecords();
    // A snapshot of the cache's filled slots, read at some point before it arrives: applied to every
    // slot except those the carousel itself moved a disc in or out of since (the snapshot is older).
    int beginCacheSnapshot();
    void applyCacheSnapshot(int snapshot, const QSet<int> &filled);
    bool occupied(int slot) const { return m_occupied.contains(slot); }

    // Customer actions. A bank card's BILLINGZIP is what its issuer has on file (the
    // authorization that follows checks the ZIP typed at the kiosk against it).
    void swipeCard(const QByteArray &track, const QString &billingZip = {});
    void insertDisc(const QString &barcode);

    // Faults to order.
    void jamNextDispense(int count = 1) { m_jams += count; }
    void misreadNextDisc() { m_misread = true; }
    void declineNextPayment() { m_decline = true; }
    void setLatencyMs(int ms) { m_latencyMs = ms; }
    void setStuckSlot(int slot) { m_stuckSlot = slot; }
    // The next COUNT answers never reach the kiosk (the request is done; STATUS sends its answer again).
    void loseNextAnswers(int count = 1) { m_lostAnswers += count; }
    // A controller that has stopped: requests are not carried out, nothing answers, not even STATUS.
    void setUnresponsive(bool on) { m_unresponsive = on; }
    // The next COUNT request lines never reach the device (nothing is done; STATUS tells).
    void loseNextRequests(int count = 1) { m_lostRequests += count; }
    // The next request takes MS longer (a slow mechanism; STATUS meanwhile answers BUSY).
    void slowNextRequest(int ms) { m_slowMs = ms; }

    bool discInReturnSlot() const { return !m_returnSlot.isEmpty(); }
    int dispensedCount() const { return m_dispensedCount; }
    int jamsPending() const { return m_jams; }

private:
    template <typename F>
    void later(F &&f, int extraMs = 0);
    void touched(int slot);
    bool begin();   // a request starts (false: the controller is not answering)
    int slowness();   // the extra time the request starting now takes (once)
    void answer(std::function<void()> emitIt);   // its answer: sent, and kept for STATUS

    QSet<int> m_occupied;
    OccupiedSource m_records;
    QHash<int, QSet<int>> m_snapshots;   // snapshot under way -> slots moved since it was asked for
    int m_nextSnapshot = 0;
    QString m_returnSlot;
    QString m_cardZip;   // the last swiped card's billing ZIP on file (empty: none)
    int m_jams = 0;
    bool m_misread = false;
    bool m_decline = false;
    int m_latencyMs = 50;
    int m_stuckSlot = 0;
    int m_dispensedCount = 0;
    int m_working = 0;   // requests not answered yet
    int m_lostAnswers = 0;
    int m_lostRequests = 0;
    int m_slowMs = 0;
    bool m_unresponsive = false;
    std::function<void()> m_lastAnswer;
};

}   // namespace redbox
