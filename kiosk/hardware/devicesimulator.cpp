// The device end of the line protocol (see devicesimulator.h).
#include "hardware/devicesimulator.h"

#include "hardware/lineprotocol.h"

#include <unistd.h>

namespace redbox {

DeviceSimulator::DeviceSimulator(int fd, QObject *parent)
    : QObject(parent), m_fd(fd), m_notifier(static_cast<qintptr>(fd), QSocketNotifier::Read)
{
    m_hw.setLatencyMs(5);
    connect(&m_notifier, &QSocketNotifier::activated, this, &DeviceSimulator::onReadable);
    auto say = [](const QString &verb) { return proto::Message{verb, 0, {}, {}, {}, {}}; };
    connect(&m_hw, &KioskHardware::dispensed, this, [this, say](int slot, const QString &barcode) {
        auto m = say(QStringLiteral("DISPENSED"));
        m.number = slot;
        m.word = barcode;
        write(m);
    });
    connect(&m_hw, &KioskHardware::dispenseFailed, this, [this, say](int slot, const QString &why) {
        auto m = say(QStringLiteral("DISPENSE-FAILED"));
        m.number = slot;
        m.text = why;
        write(m);
    });
    connect(&m_hw, &KioskHardware::stored, this, [this, say](int slot) {
        auto m = say(QStringLiteral("STORED"));
        m.number = slot;
        write(m);
    });
    connect(&m_hw, &KioskHardware::storeFailed, this, [this, say](int slot, const QString &why) {
        auto m = say(QStringLiteral("STORE-FAILED"));
        m.number = slot;
        m.text = why;
        write(m);
    });
    connect(&m_hw, &KioskHardware::ejected, this, [this, say] { write(say(QStringLiteral("EJECTED"))); });
    connect(&m_hw, &KioskHardware::authorized, this, [this, say](const QString &token, const QString &last4) {
        auto m = say(QStringLiteral("AUTHORIZED"));
        m.word = token;
        m.last4 = last4;
        write(m);
    });
    connect(&m_hw, &KioskHardware::declined, this, [this, say](const QString &why) {
        auto m = say(QStringLiteral("DECLINED"));
        m.text = why;
        write(m);
    });
    connect(&m_hw, &KioskHardware::jamCleared, this, [this, say](bool ok, const QString &report) {
        auto m = say(QStringLiteral("CLEARED"));
        m.word = ok ? QStringLiteral("OK") : QStringLiteral("FAIL");
        m.text = report;
        write(m);
    });
    connect(&m_hw, &KioskHardware::selfTestDone, this, [this, say](bool ok, const QString &report) {
        auto m = say(QStringLiteral("SELFTEST"));
        m.word = ok ? QStringLiteral("OK") : QStringLiteral("FAIL");
        m.text = report;
        write(m);
    });
    connect(&m_hw, &KioskHardware::cardSwiped, this, [this, say](const QByteArray &track) {
        auto m = say(QStringLiteral("CARD"));
        m.track = track;
        write(m);
    });
    connect(&m_hw, &KioskHardware::discInserted, this, [this, say](const QString &b) {
        auto m = say(QStringLiteral("DISC"));
        m.word = b;
        write(m);
    });
    connect(&m_hw, &KioskHardware::discUnreadable, this, [this, say] { write(say(QStringLiteral("DISC-UNREADABLE"))); });
    connect(&m_hw, &KioskHardware::busy, this, [this, say] { write(say(QStringLiteral("BUSY"))); });
    connect(&m_hw, &KioskHardware::idle, this, [this, say] { write(say(QStringLiteral("IDLE"))); });
}

void DeviceSimulator::write(const proto::Message &m)
{
    sendRaw(proto::deviceLine(m));
}

void DeviceSimulator::sendRaw(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (n <= 0)
            return;
        done += n;
    }
}

void DeviceSimulator::onReadable()
{
    char buf[256];
    const ssize_t n = ::read(m_fd, buf, sizeof buf);
    if (n <= 0)
        return;
    m_buffer.append(buf, n);
    qsizetype nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        const auto req = proto::parseRequestLine(line);
        if (!req) {
            proto::Message f{QStringLiteral("FAULT"), 0, {}, {}, {}, QStringLiteral("unknown request")};
            write(f);
            continue;
        }
        if (req->verb == QLatin1String("DISPENSE"))
            m_hw.dispense(req->number, req->word);
        else if (req->verb == QLatin1String("STORE"))
            m_hw.store(req->number);
        else if (req->verb == QLatin1String("EJECT"))
            m_hw.ejectReturn();
        else if (req->verb == QLatin1String("AUTH"))
            m_hw.authorize(req->number, req->word);
        else if (req->verb == QLatin1String("SELFTEST"))
            m_hw.selfTest(req->number);
        else if (req->verb == QLatin1String("CLEAR"))
            m_hw.clearJam();
        else if (req->verb == QLatin1String("STATUS"))
            m_hw.queryStatus();
        else if (req->verb == QLatin1String("PING"))
            write(proto::Message{QStringLiteral("PONG"), 0, {}, {}, {}, {}});
    }
}

}   // namespace redbox
