// The device end of the serial line protocol, backed by SimulatedHardware:
// it answers a SerialHardware over a file descriptor (a pseudo-terminal in
// the tests). Used to test the serial driver against the simulated device.
#pragma once

#include "hardware/lineprotocol.h"
#include "hardware/simulatedhardware.h"

#include <QSocketNotifier>

namespace redbox {

class DeviceSimulator : public QObject {
    Q_OBJECT
public:
    // FD is the pseudo-terminal's master side (owned by the caller).
    DeviceSimulator(int fd, QObject *parent = nullptr);
    SimulatedHardware &hardware() { return m_hw; }
    void sendRaw(const QByteArray &bytes);   // for tests: arbitrary bytes to the kiosk

private:
    void onReadable();
    void write(const proto::Message &m);

    int m_fd;
    SimulatedHardware m_hw;
    QSocketNotifier m_notifier;
    QByteArray m_buffer;
};

}   // namespace redbox
