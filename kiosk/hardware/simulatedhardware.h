// Simulated kiosk hardware: a carousel of slots, a card reader, a return slot
// reader and a payment processor, with delays, and faults to order: a jam,
// a misread, a declined card, a lost answer, a controller that stopped.
// Customers' actions (swipe, insert a disc) are methods. Used in development,
// in the tests and by the simulator.
#pragma once

#include "hardware/kioskhardware.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace redbox {

class SimulatedHardware : public KioskHardware {
    Q_OBJECT
public:
    explicit SimulatedHardware(QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("simulated"); }
    void dispense(int slot, const QString &barcode) override;
    void store(int slot) override;
    void ejectReturn() override;
    void authorize(int amountCents, const QString &billingZip) override;
    void selfTest(int slotCount) override;
    void clearJam() override;
    void queryStatus() override;

    // The carousel's contents: slot -> the barcode of the disc in it.
    using Contents = QHash<int, QString>;
    void setContents(const Contents &inSlots) { m_slots = inSlots; }
    // Keeps the carousel's contents as the kiosk's records say: SOURCE answers (asynchronously)
    // with the filled slots; asked now and at each refreshFromRecords().
    using ContentsSource = std::function<void(std::function<void(Contents)>)>;
    void followRecords(ContentsSource source);
    void refreshFromRecords();
    // A snapshot of the cache's filled slots, read at some point before it arrives: applied to every
    // slot except those the carousel itself moved a disc in or out of since (the snapshot is older),
    // or within the last few seconds (a returned disc is stored first and recorded after).
    int beginCacheSnapshot();
    void applyCacheSnapshot(int snapshot, const Contents &inSlots);
    bool occupied(int slot) const { return m_slots.contains(slot); }
    QString discIn(int slot) const { return m_slots.value(slot); }
    // Discs the exit reader kept inside (not the disc asked for, or a label it could not read).
    QStringList retained() const { return m_retained; }

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
    // A disc put in SLOT by hand, whatever the records say (a misplaced disc).
    void putDisc(int slot, const QString &barcode) { m_slots.insert(slot, barcode); }
    // The exit reader cannot read the next dispensed disc's label.
    void smudgeNextExitLabel() { m_smudged = true; }
    // Firmware that lets any disc out without comparing it to the one asked for.
    void skipExitCheck(bool on) { m_noExitCheck = on; }
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

    Contents m_slots;
    QStringList m_retained;
    ContentsSource m_records;
    QHash<int, QSet<int>> m_snapshots;   // snapshot under way -> slots moved since it was asked for
    QHash<int, qint64> m_movedAt;   // slot -> when the carousel last moved a disc in or out (ms since epoch)
    int m_nextSnapshot = 0;
    QString m_returnSlot;
    QString m_cardZip;   // the last swiped card's billing ZIP on file (empty: none)
    int m_jams = 0;
    bool m_misread = false;
    bool m_smudged = false;
    bool m_noExitCheck = false;
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
