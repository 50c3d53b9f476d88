// Deadlines on the hardware's requests (GuardedHardware) over the simulated
// device and over the serial line protocol: every answer lost and found
// again by STATUS (once, no fault), a slow mechanism that answers BUSY, a
// request line lost (IDLE), a controller that stopped (each request ends
// failed, with a fault), and an answer after its request was ended (a fault,
// never passed on).
#include "carousel.h"
#include "hardware/devicesimulator.h"
#include "hardware/guardedhardware.h"
#include "hardware/serialhardware.h"
#include "hardware/simulatedhardware.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

using namespace redbox;

namespace {

DeviceDeadlines shortDeadlines()
{
    DeviceDeadlines d;
    d.dispenseMs = d.storeMs = d.ejectMs = d.paymentMs = d.selfTestMs = d.clearJamMs = 200;
    d.statusMs = 150;
    return d;
}

// Every answer the guard passes on, and every fault, in order.
struct Recorder {
    QStringList answers;
    QStringList faults;

    explicit Recorder(KioskHardware *hw)
    {
        auto add = [this](const QString &a) { answers << a; };
        QObject::connect(hw, &KioskHardware::dispensed, hw, [add](int s, const QString &) { add(QStringLiteral("dispensed %1").arg(s)); });
        QObject::connect(hw, &KioskHardware::dispenseFailed, hw,
                         [add](int s, const QString &why) { add(QStringLiteral("dispense-failed %1: %2").arg(s).arg(why)); });
        QObject::connect(hw, &KioskHardware::stored, hw, [add](int s) { add(QStringLiteral("stored %1").arg(s)); });
        QObject::connect(hw, &KioskHardware::storeFailed, hw,
                         [add](int s, const QString &why) { add(QStringLiteral("store-failed %1: %2").arg(s).arg(why)); });
        QObject::connect(hw, &KioskHardware::ejected, hw, [add] { add(QStringLiteral("ejected")); });
        QObject::connect(hw, &KioskHardware::authorized, hw,
                         [add](const QString &, const QString &) { add(QStringLiteral("authorized")); });
        QObject::connect(hw, &KioskHardware::declined, hw, [add](const QString &why) { add(QStringLiteral("declined: ") + why); });
        QObject::connect(hw, &KioskHardware::selfTestDone, hw,
                         [add](bool ok, const QString &) { add(ok ? QStringLiteral("selftest ok") : QStringLiteral("selftest fail")); });
        QObject::connect(hw, &KioskHardware::jamCleared, hw,
                         [add](bool ok, const QString &) { add(ok ? QStringLiteral("cleared ok") : QStringLiteral("cleared fail")); });
        QObject::connect(hw, &KioskHardware::fault, hw, [this](const QString &why) { faults << why; });
    }
};

}   // namespace

class TestGuardedHardware : public QObject {
    Q_OBJECT
    std::unique_ptr<SimulatedHardware> device;
    std::unique_ptr<GuardedHardware> guard;

    // Each request as the kiosk makes it, and the answer it gets when all goes well.
    static void requests()
    {
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("failed");   // what it ends as when the device does not answer
        QTest::newRow("dispense") << "dispense"
                                  << "dispensed 2"
                                  << "dispense-failed 2: the dispenser did not answer";
        QTest::newRow("a jam") << "jam"
                               << "dispense-failed 2: the picker jammed at slot 2"
                               << "dispense-failed 2: the dispenser did not answer";
        QTest::newRow("store") << "store"
                               << "stored 9"
                               << "store-failed 9: the carousel did not answer";
        QTest::newRow("authorize") << "authorize"
                                   << "authorized"
                                   << "declined: the card reader did not answer";
        QTest::newRow("a decline") << "decline"
                                   << "declined: the card was declined"
                                   << "declined: the card reader did not answer";
        QTest::newRow("self-test") << "selftest"
                                   << "selftest ok"
                                   << "selftest fail";
        QTest::newRow("clear a jam") << "clear"
                                     << "cleared ok"
                                     << "cleared fail";
        QTest::newRow("eject") << "eject"
                               << "ejected"
                               << "";
    }

    void ask(KioskHardware &hw, const QString &request)
    {
        if (request == QLatin1String("dispense") || request == QLatin1String("jam")) {
            if (request == QLatin1String("jam"))
                device->jamNextDispense();
            hw.dispense(2, test::slotDisc(2));
        } else if (request == QLatin1String("store")) {
            device->insertDisc(QStringLiteral("RB0001"));
            QTest::qWait(50);
            hw.store(9);
        } else if (request == QLatin1String("authorize") || request == QLatin1String("decline")) {
            if (request == QLatin1String("decline"))
                device->declineNextPayment();
            hw.authorize(199, {});
        } else if (request == QLatin1String("selftest")) {
            hw.selfTest(10);
        } else if (request == QLatin1String("clear")) {
            hw.clearJam();
        } else {
            hw.ejectReturn();
        }
    }

private slots:
    void init()
    {
        device = std::make_unique<SimulatedHardware>();
        device->setLatencyMs(10);
        device->setContents(test::carousel({1, 2, 3}));
        guard = std::make_unique<GuardedHardware>(device.get(), shortDeadlines());
    }

    void cleanup()
    {
        guard.reset();
        device.reset();
    }

    void anAnswerInTimePassesThrough_data() { requests(); }
    void anAnswerInTimePassesThrough()
    {
        QFETCH(QString, request);
        QFETCH(QString, answer);
        Recorder r(guard.get());
        ask(*guard, request);
        QTRY_COMPARE_WITH_TIMEOUT(r.answers, QStringList{answer}, 2000);
        QTest::qWait(500);   // past every deadline: nothing more
        QCOMPARE(r.answers, QStringList{answer});
        QCOMPARE(r.faults, QStringList{});
    }

    // The answer line never arrives: at the deadline STATUS brings it again, once, and no fault.
    void aLostAnswerIsFoundByStatus_data() { requests(); }
    void aLostAnswerIsFoundByStatus()
    {
        QFETCH(QString, request);
        QFETCH(QString, answer);
        Recorder r(guard.get());
        device->loseNextAnswers();
        QElapsedTimer t;
        t.start();
        ask(*guard, request);
        QTRY_COMPARE_WITH_TIMEOUT(r.answers, QStringList{answer}, 2000);
        QVERIFY2(t.elapsed() >= 190, "found only after the deadline");
        QTest::qWait(500);
        QCOMPARE(r.answers, QStringList{answer});
        QCOMPARE(r.faults, QStringList{});
    }

    // A controller that stopped answers nothing, STATUS included: the request ends failed, with a
    // fault naming the device, within the deadline and the status wait.
    void aSilentDeviceEndsTheRequestAsFailed_data() { requests(); }
    void aSilentDeviceEndsTheRequestAsFailed()
    {
        QFETCH(QString, request);
        QFETCH(QString, failed);
        Recorder r(guard.get());
        QSignalSpy silent(guard.get(), &KioskHardware::unanswered);
        device->setUnresponsive(true);
        QElapsedTimer t;
        t.start();
        ask(*guard, request);
        QTRY_COMPARE_WITH_TIMEOUT(r.faults.size(), 1, 2000);
        QCOMPARE(silent.size(), 1);   // which device: the watch takes its lane down at once
        QVERIFY2(r.faults.at(0).contains(silent.first().first().toString()), qPrintable(r.faults.at(0)));
        QVERIFY(t.elapsed() >= 340 && t.elapsed() < 1500);
        QVERIFY2(r.faults.at(0).contains(QLatin1String("did not answer")), qPrintable(r.faults.at(0)));
        QCOMPARE(r.answers, failed.isEmpty() ? QStringList{} : QStringList{failed});
        QTest::qWait(400);
        QCOMPARE(r.faults.size(), 1);
    }

    // A slow mechanism answers BUSY: the deadline is extended (twice at most), and the answer
    // that comes then is taken. Slower still, the request ends, and its late answer is a fault.
    void aBusyDeviceGetsMoreTimeThenIsGivenUp()
    {
        Recorder r(guard.get());
        device->slowNextRequest(450);
        guard->dispense(2, test::slotDisc(2));
        QTRY_COMPARE_WITH_TIMEOUT(r.answers, QStringList{QStringLiteral("dispensed 2")}, 3000);
        QCOMPARE(r.faults, QStringList{});

        Recorder late(guard.get());
        device->slowNextRequest(1500);
        guard->dispense(3, test::slotDisc(3));
        QTRY_COMPARE_WITH_TIMEOUT(late.answers.size(), 1, 3000);
        QCOMPARE(late.answers.at(0), QStringLiteral("dispense-failed 3: the dispenser did not answer"));
        // The disc did come out after all, once the request was ended: a fault, not an answer.
        QTRY_COMPARE_WITH_TIMEOUT(late.faults.size(), 2, 3000);
        QVERIFY2(late.faults.at(1).contains(QLatin1String("after its deadline")), qPrintable(late.faults.at(1)));
        QCOMPARE(late.answers.size(), 1);
    }

    // The request line is lost: the device has done nothing. STATUS says IDLE (nothing since it
    // started) or sends the previous request's answer again (another slot): either way the
    // request ends failed, and the older answer is not taken for it.
    void aLostRequestEndsFailedAndAnOldAnswerIsNotTakenForIt()
    {
        Recorder r(guard.get());
        device->loseNextRequests();
        guard->dispense(2, test::slotDisc(2));
        QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 1, 2000);
        QCOMPARE(r.answers.at(0), QStringLiteral("dispense-failed 2: the dispenser did not answer"));
        QVERIFY(device->occupied(2));

        guard->dispense(1, test::slotDisc(1));
        QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 2, 2000);
        device->loseNextRequests();
        guard->dispense(3, test::slotDisc(3));
        QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 3, 2000);
        QCOMPARE(r.answers, (QStringList{QStringLiteral("dispense-failed 2: the dispenser did not answer"), QStringLiteral("dispensed 1"),
                                         QStringLiteral("dispense-failed 3: the dispenser did not answer")}));
        QVERIFY(device->occupied(3));
    }

    // What the customer does is never held back.
    void cardsAndDiscsPassStraightThrough()
    {
        QSignalSpy card(guard.get(), &KioskHardware::cardSwiped);
        QSignalSpy disc(guard.get(), &KioskHardware::discInserted);
        device->swipeCard(";7000000000000001=3012?");
        device->insertDisc(QStringLiteral("RB0002"));
        QTRY_COMPARE(card.count(), 1);
        QTRY_COMPARE(disc.count(), 1);
    }

    // The same over the serial line protocol: STATUS, and IDLE and BUSY, on the wire.
    void overTheSerialLine()
    {
        int master = -1, slave = -1;
        char name[256] = {};
        termios raw{};
        cfmakeraw(&raw);
        QCOMPARE(openpty(&master, &slave, name, &raw, nullptr), 0);
        {
            DeviceSimulator sim(master);
            sim.hardware().setContents(test::carousel({1, 2, 3}));
            SerialHardware serial(QString::fromLocal8Bit(name));
            QString error;
            QVERIFY2(serial.open(&error), qPrintable(error));
            GuardedHardware g(&serial, shortDeadlines());
            Recorder r(&g);
            QSignalSpy idle(&serial, &KioskHardware::idle);
            QSignalSpy busy(&serial, &KioskHardware::busy);

            sim.hardware().loseNextRequests();   // nothing since power-on: IDLE
            g.dispense(1, test::slotDisc(1));
            QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 1, 3000);
            QCOMPARE(r.answers.at(0), QStringLiteral("dispense-failed 1: the dispenser did not answer"));
            QCOMPARE(idle.count(), 1);

            sim.hardware().loseNextAnswers();
            g.dispense(1, test::slotDisc(1));
            QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 2, 3000);
            QCOMPARE(r.answers.at(1), QStringLiteral("dispensed 1"));

            sim.hardware().slowNextRequest(300);
            g.dispense(2, test::slotDisc(2));
            QTRY_COMPARE_WITH_TIMEOUT(r.answers.size(), 3, 3000);
            QCOMPARE(r.answers.at(2), QStringLiteral("dispensed 2"));
            QVERIFY(busy.count() >= 1);
            QCOMPARE(r.faults, QStringList{QStringLiteral("the dispenser did not answer")});
        }
        ::close(slave);
        ::close(master);
    }
};

QTEST_GUILESS_MAIN(TestGuardedHardware)
#include "tst_guardedhardware.moc"
