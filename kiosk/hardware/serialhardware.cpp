// The hardware controller on a serial port (see serialhardware.h).
#include "hardware/serialhardware.h"

#include "hardware/lineprotocol.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHw, "redbox.kiosk.hw", QtInfoMsg)

namespace redbox {

SerialHardware::SerialHardware(const QString &portName, QObject *parent) : KioskHardware(parent)
{
    m_port.setPortName(portName);
    connect(&m_port, &QSerialPort::readyRead, this, &SerialHardware::onReadyRead);
    connect(&m_port, &QSerialPort::errorOccurred, this, [this](QSerialPort::SerialPortError e) {
        if (e != QSerialPort::NoError)
            emit fault(QStringLiteral("serial port %1: %2").arg(m_port.portName(), m_port.errorString()));
    });
}

bool SerialHardware::open(QString *error)
{
    m_port.setBaudRate(QSerialPort::Baud115200);
    m_port.setDataBits(QSerialPort::Data8);
    m_port.setParity(QSerialPort::NoParity);
    m_port.setStopBits(QSerialPort::OneStop);
    m_port.setFlowControl(QSerialPort::NoFlowControl);
    if (!m_port.open(QIODevice::ReadWrite)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(m_port.portName(), m_port.errorString());
        return false;
    }
    return true;
}

void SerialHardware::send(const QByteArray &line)
{
    if (m_port.write(line) != line.size())
        emit fault(QStringLiteral("serial port %1: write failed").arg(m_port.portName()));
}

void SerialHardware::dispense(int slot, const QString &barcode)
{
    send(proto::request(QStringLiteral("DISPENSE"), slot, barcode));
}
void SerialHardware::store(int slot)
{
    send(proto::request(QStringLiteral("STORE"), slot));
}
void SerialHardware::ejectReturn()
{
    send(proto::request(QStringLiteral("EJECT")));
}
void SerialHardware::authorize(int amountCents, const QString &billingZip)
{
    send(proto::request(QStringLiteral("AUTH"), amountCents, billingZip));
}
void SerialHardware::selfTest(int slotCount)
{
    send(proto::request(QStringLiteral("SELFTEST"), slotCount));
}
void SerialHardware::clearJam()
{
    send(proto::request(QStringLiteral("CLEAR"), -1));
}
void SerialHardware::queryStatus()
{
    send(proto::request(QStringLiteral("STATUS")));
}
void SerialHardware::ping()
{
    send(proto::request(QStringLiteral("PING")));
}

void SerialHardware::onReadyRead()
{
    m_buffer += m_port.readAll();
    while (true) {
        const qsizetype nl = m_buffer.indexOf('\n');
        if (nl < 0) {
            if (m_buffer.size() > proto::MaxLine) {
                emit fault(QStringLiteral("the device sent a line longer than %1 bytes; dropped").arg(proto::MaxLine));
                m_buffer.clear();
            }
            return;
        }
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        handle(line);
    }
}

void SerialHardware::handle(const QByteArray &line)
{
    const auto m = proto::parseDeviceLine(line);
    if (!m) {
        qCWarning(lcHw) << "malformed line from the device ignored:" << line.left(40).toPercentEncoding(" ");
        emit fault(QStringLiteral("malformed line from the hardware controller"));
        return;
    }
    const QString &v = m->verb;
    if (v == QLatin1String("DISPENSED"))
        emit dispensed(m->number, m->word);
    else if (v == QLatin1String("DISPENSE-FAILED"))
        emit dispenseFailed(m->number, m->text);
    else if (v == QLatin1String("STORED"))
        emit stored(m->number);
    else if (v == QLatin1String("STORE-FAILED"))
        emit storeFailed(m->number, m->text);
    else if (v == QLatin1String("EJECTED"))
        emit ejected();
    else if (v == QLatin1String("AUTHORIZED"))
        emit authorized(m->word, m->last4);
    else if (v == QLatin1String("DECLINED"))
        emit declined(m->text);
    else if (v == QLatin1String("SELFTEST"))
        emit selfTestDone(m->word == QLatin1String("OK"), m->text);
    else if (v == QLatin1String("CLEARED"))
        emit jamCleared(m->word == QLatin1String("OK"), m->text);
    else if (v == QLatin1String("PONG"))
        emit pong();
    else if (v == QLatin1String("CARD"))
        emit cardSwiped(m->track);
    else if (v == QLatin1String("DISC"))
        emit discInserted(m->word);
    else if (v == QLatin1String("DISC-UNREADABLE"))
        emit discUnreadable();
    else if (v == QLatin1String("BUSY"))
        emit busy();
    else if (v == QLatin1String("IDLE"))
        emit idle();
    else if (v == QLatin1String("FAULT"))
        emit fault(m->text);
}

}   // namespace redbox
