// The simulated carousel against snapshots of the kiosk's cache that arrive
// late: a slot the carousel itself emptied or filled after the snapshot was
// asked for keeps what the carousel did; every other slot follows the cache.
#include "carousel.h"
#include "hardware/simulatedhardware.h"

#include <QSignalSpy>
#include <QTest>

using namespace redbox;

using redbox::test::carousel;
using redbox::test::slotDisc;

class TstSimulatedHardware : public QObject {
    Q_OBJECT

private slots:
    void lateSnapshotDoesNotUndoAStore()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.setContents(carousel({1, 2}));
        const int snap = hw.beginCacheSnapshot();   // read before the return below is recorded
        QSignalSpy stored(&hw, &KioskHardware::stored);
        hw.insertDisc(QStringLiteral("D000010000001"));
        hw.store(3);
        QVERIFY(stored.wait(2000));
        hw.applyCacheSnapshot(snap, carousel({1, 2}));   // the cache did not know slot 3 yet
        QVERIFY(hw.occupied(3));
        QVERIFY(hw.occupied(1) && hw.occupied(2));
    }

    void lateSnapshotDoesNotRefillADispensedSlot()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.setContents(carousel({1, 2}));
        const int snap = hw.beginCacheSnapshot();
        QSignalSpy dispensed(&hw, &KioskHardware::dispensed);
        hw.dispense(2, slotDisc(2));
        QVERIFY(dispensed.wait(2000));
        hw.applyCacheSnapshot(snap, carousel({1, 2}));   // still shows slot 2 in
        QVERIFY(!hw.occupied(2));
        QSignalSpy failed(&hw, &KioskHardware::dispenseFailed);
        hw.dispense(2, slotDisc(2));
        QVERIFY(failed.wait(2000));
        QVERIFY(failed.first().at(1).toString().contains(QLatin1String("no disc")));
    }

    void snapshotAddsAndRemovesUntouchedSlots()
    {
        SimulatedHardware hw;
        hw.setContents(carousel({1, 2}));
        const int snap = hw.beginCacheSnapshot();
        hw.applyCacheSnapshot(snap, carousel({2, 7}));   // a technician loaded 7; 1 went elsewhere
        QVERIFY(!hw.occupied(1));
        QVERIFY(hw.occupied(2));
        QVERIFY(hw.occupied(7));
    }

    void overlappingSnapshotsEachKeepTheirMoves()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.setContents(carousel({1}));
        const int older = hw.beginCacheSnapshot();
        QSignalSpy stored(&hw, &KioskHardware::stored);
        hw.insertDisc(QStringLiteral("D000010000002"));
        hw.store(4);
        QVERIFY(stored.wait(2000));
        const int newer = hw.beginCacheSnapshot();   // asked for after the store: knows slot 4
        hw.applyCacheSnapshot(newer, carousel({1, 4}));
        hw.applyCacheSnapshot(older, carousel({1}));   // arrives last, but slot 4 moved after it was asked for
        QVERIFY(hw.occupied(4));
        QVERIFY(hw.occupied(1));
    }

    void theExitReaderLetsOnlyTheDiscAskedFor()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.setContents(carousel({1, 2}));
        QSignalSpy dispensed(&hw, &KioskHardware::dispensed);
        QSignalSpy failed(&hw, &KioskHardware::dispenseFailed);
        hw.dispense(1, slotDisc(1));
        QVERIFY(dispensed.wait(2000));
        QCOMPARE(dispensed.first().at(1).toString(), slotDisc(1));   // what the exit reader read

        hw.putDisc(2, QStringLiteral("D000077000001"));   // a disc put back in the wrong slot by hand
        hw.dispense(2, slotDisc(2));
        QVERIFY(failed.wait(2000));
        QVERIFY2(failed.last().at(1).toString().contains(QLatin1String("wrong disc")), qPrintable(failed.last().at(1).toString()));
        QCOMPARE(hw.retained(), QStringList{QStringLiteral("D000077000001")});   // kept inside for a technician
        QVERIFY(!hw.occupied(2));
        QCOMPARE(dispensed.size(), 1);
    }

    void anUnreadableLabelAtTheExitIsKeptInside()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.setContents(carousel({3}));
        QSignalSpy failed(&hw, &KioskHardware::dispenseFailed);
        hw.smudgeNextExitLabel();
        hw.dispense(3, slotDisc(3));
        QVERIFY(failed.wait(2000));
        QVERIFY(failed.first().at(1).toString().contains(QLatin1String("could not read")));
        QCOMPARE(hw.retained(), QStringList{slotDisc(3)});
    }

    void firmwareWithoutTheCheckSaysWhatItLetOut()
    {
        SimulatedHardware hw;
        hw.setLatencyMs(1);
        hw.putDisc(4, QStringLiteral("D000077000002"));
        hw.skipExitCheck(true);
        QSignalSpy dispensed(&hw, &KioskHardware::dispensed);
        hw.dispense(4, slotDisc(4));
        QVERIFY(dispensed.wait(2000));
        QCOMPARE(dispensed.first().at(1).toString(), QStringLiteral("D000077000002"));   // the kiosk compares
    }
};

QTEST_GUILESS_MAIN(TstSimulatedHardware)
#include "tst_simulatedhardware.moc"
