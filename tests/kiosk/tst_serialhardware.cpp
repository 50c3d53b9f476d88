// The serial hardware driver against the simulated device over a
// pseudo-terminal: every request and event of the line protocol, a jam, a
// declined card, and garbage on the line.
#include "carousel.h"
#include "hardware/devicesimulator.h"
#include "hardware/lineprotocol.h"
#include "hardware/serialhardware.h"

#include <QSignalSpy>
#include <QTest>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

using namespace redbox;

class TestSerialHardware : public QObject {
    Q_OBJECT
    int master = -1;
    int slave = -1;
    QString slaveName;
    std::unique_ptr<DeviceSimulator> device;
    std::unique_ptr<SerialHardware> serial;

private slots:
    void init()
    {
        char name[256] = {};
        termios raw{};
        cfmakeraw(&raw);
        QCOMPARE(openpty(&master, &slave, name, &raw, nullptr), 0);
        slaveName = QString::fromLocal8Bit(name);
        device = std::make_unique<DeviceSimulator>(master);
        device->hardware().setContents(test::carousel({1, 2, 3}));
        serial = std::make_unique<SerialHardware>(slaveName);
        QString error;
        QVERIFY2(serial->open(&error), qPrintable(error));
    }

    void cleanup()
    {
        serial.reset();
        device.reset();
        ::close(slave);
        ::close(master);
    }

    void pingIsAnswered()
    {
        QSignalSpy pong(serial.get(), &SerialHardware::pong);
        serial->ping();
        QVERIFY(pong.wait(3000));
    }

    void dispenseStoreAndJam()
    {
        QSignalSpy dispensed(serial.get(), &KioskHardware::dispensed);
        QSignalSpy failed(serial.get(), &KioskHardware::dispenseFailed);
        serial->dispense(2, test::slotDisc(2));
        QVERIFY(dispensed.wait(3000));
        QCOMPARE(dispensed.first().first().toInt(), 2);
        QCOMPARE(dispensed.first().at(1).toString(), test::slotDisc(2));   // the exit reader's barcode, on the wire
        serial->dispense(2, test::slotDisc(2));   // now empty
        QVERIFY(failed.wait(3000));
        QVERIFY(failed.last().at(1).toString().contains(QLatin1String("no disc")));
        device->hardware().jamNextDispense();
        serial->dispense(3, test::slotDisc(3));
        QVERIFY(failed.wait(3000));
        QCOMPARE(failed.last().at(0).toInt(), 3);
        QVERIFY(failed.last().at(1).toString().contains(QLatin1String("jammed")));
        QSignalSpy disc(serial.get(), &KioskHardware::discInserted);
        device->hardware().insertDisc(QStringLiteral("D000140000019"));
        QVERIFY(disc.wait(3000));
        QCOMPARE(disc.first().first().toString(), QStringLiteral("D000140000019"));
        QSignalSpy stored(serial.get(), &KioskHardware::stored);
        serial->store(2);
        QVERIFY(stored.wait(3000));
        QCOMPARE(stored.first().first().toInt(), 2);
    }

    void paymentsAndCards()
    {
        QSignalSpy authorized(serial.get(), &KioskHardware::authorized);
        QSignalSpy declined(serial.get(), &KioskHardware::declined);
        serial->authorize(161, {});
        QVERIFY(authorized.wait(3000));
        QVERIFY(authorized.first().at(0).toString().startsWith(QLatin1String("tok_")));
        QCOMPARE(authorized.first().at(1).toString(), QStringLiteral("4242"));
        device->hardware().declineNextPayment();
        serial->authorize(161, {});
        QVERIFY(declined.wait(3000));
        QSignalSpy card(serial.get(), &KioskHardware::cardSwiped);
        device->hardware().swipeCard(";7000000000000047=3012?");
        QVERIFY(card.wait(3000));
        QCOMPARE(card.first().first().toByteArray(), QByteArray(";7000000000000047=3012?"));
        // A bank card's billing ZIP travels with the authorization: the issuer's ZIP passes, another is declined.
        device->hardware().swipeCard(";4242424242424242=3012?", QStringLiteral("97201"));
        QVERIFY(card.wait(3000));
        serial->authorize(398, QStringLiteral("97201"));
        QVERIFY(authorized.wait(3000));
        serial->authorize(398, QStringLiteral("10001"));
        QVERIFY(declined.wait(3000));
        QVERIFY(declined.last().first().toString().contains(QLatin1String("ZIP")));
        QSignalSpy unreadable(serial.get(), &KioskHardware::discUnreadable);
        device->hardware().misreadNextDisc();
        device->hardware().insertDisc(QStringLiteral("D000140000019"));
        QVERIFY(unreadable.wait(3000));
        QSignalSpy test(serial.get(), &KioskHardware::selfTestDone);
        device->hardware().setStuckSlot(7);
        serial->selfTest(720);
        QVERIFY(test.wait(3000));
        QCOMPARE(test.first().at(0).toBool(), false);
        QVERIFY(test.first().at(1).toString().contains(QLatin1String("slot 7")));
    }

    void garbageFromTheDeviceIsAFaultNotAnEvent()
    {
        QSignalSpy fault(serial.get(), &KioskHardware::fault);
        QSignalSpy dispensed(serial.get(), &KioskHardware::dispensed);
        device->sendRaw("DISPENSED 0 D1\nDISPENSED -1 D1\nDISPENSED 12abc D1\nDISPENSED 5\nDISPENSED 5 d'1\nHELLO\n\x01\x02\nDISC d'; "
                        "DROP\nAUTHORIZED tok_x 42\n");
        device->sendRaw(QByteArray(300, 'A') + '\n');
        QVERIFY(QTest::qWaitFor([&] { return fault.count() >= 10; }, 3000));
        QCOMPARE(dispensed.count(), 0);
        device->sendRaw("DISPENSED 5 D000010000001\n");
        QVERIFY(dispensed.wait(3000));
        QCOMPARE(dispensed.first().first().toInt(), 5);
        QCOMPARE(dispensed.first().at(1).toString(), QStringLiteral("D000010000001"));
    }

    void protocolParsersAreStrict()
    {
        QCOMPARE(proto::parseRequestLine("DISPENSE 12 D000010000001")->word, QStringLiteral("D000010000001"));
        QVERIFY(!proto::parseRequestLine("DISPENSE 12").has_value());   // the disc it is for is part of the request
        QVERIFY(!proto::parseRequestLine("DISPENSE 012 D1").has_value());
        QVERIFY(!proto::parseRequestLine("DISPENSE 10000 D1").has_value());
        QVERIFY(!proto::parseRequestLine("DISPENSE  12 D1").has_value());
        QVERIFY(!proto::parseRequestLine("DISPENSE 12 d0001").has_value());
        QVERIFY(!proto::parseRequestLine("DISPENSE 12 D1 D2").has_value());
        QVERIFY(!proto::parseRequestLine("AUTH 0").has_value());
        QCOMPARE(proto::parseRequestLine("AUTH 398 97201")->word, QStringLiteral("97201"));
        QVERIFY(!proto::parseRequestLine("AUTH 398 9720").has_value());
        QVERIFY(!proto::parseRequestLine("AUTH 398 97201 x").has_value());
        QVERIFY(!proto::parseRequestLine("STORE 12 D1").has_value());
        QVERIFY(proto::parseDeviceLine("SELFTEST OK visited 720 slots").has_value());
        QVERIFY(!proto::parseDeviceLine("SELFTEST MAYBE x").has_value());
        QVERIFY(!proto::parseDeviceLine("CARD " + QByteArray(41, '1')).has_value());
        QVERIFY(!proto::parseDeviceLine("DISPENSED 5 ").has_value());
        QVERIFY(!proto::parseDeviceLine("DISPENSED 5").has_value());
        QVERIFY(!proto::parseDeviceLine("DISPENSED 5 " + QByteArray(21, 'D')).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSerialHardware)
#include "tst_serialhardware.moc"
