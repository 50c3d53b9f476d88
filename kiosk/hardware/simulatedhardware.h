// Simulated kiosk hardware: a carousel of slots, a card reader, a return slot
// reader and a payment processor, with delays, and faults to order: a jam,
// a misread, a declined card. Customers' actions (swipe, insert a disc) are
// methods. Used in development, in the tests and by the simulator.
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

    bool discInReturnSlot() const { return !m_returnSlot.isEmpty(); }
    int dispensedCount() const { return m_dispensedCount; }
    int jamsPending() const { return m_jams; }

private:
    template <typename F>
    void later(F &&f);
    void touched(int slot);

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
};

}   // namespace redbox
