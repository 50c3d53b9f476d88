// The kiosk hardware controller on a serial port, speaking the line protocol
// of lineprotocol.h through Qt Serial Port. Lines that do not parse are
// reported as faults and otherwise ignored.
#pragma once

#include "hardware/kioskhardware.h"

#include <QSerialPort>

namespace redbox {

class SerialHardware : public KioskHardware {
    Q_OBJECT
public:
    explicit SerialHardware(const QString &portName, QObject *parent = nullptr);
    bool open(QString *error = nullptr);

    QString name() const override { return QStringLiteral("serial:") + m_port.portName(); }
    void dispense(int slot, const QString &barcode) override;
    void store(int slot) override;
    void ejectReturn() override;
    void authorize(int amountCents, const QString &billingZip) override;
    void selfTest(int slotCount) override;
    void clearJam() override;
    void queryStatus() override;
    void ping();

signals:
    void pong();

private:
    void send(const QByteArray &line);
    void onReadyRead();
    void handle(const QByteArray &line);

    QSerialPort m_port;
    QByteArray m_buffer;
};

}   // namespace redbox
