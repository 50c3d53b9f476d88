// The simulated hardware's panel: a second window beside the kiosk's
// (--device-panel FILE), for a person trying the kiosk at a desktop. What the
// screen cannot do, it does to the simulated device: swipe one of the
// network's printed test cards (FILE is the network's try-it.json), put a
// disc dispensed earlier back into the return slot, jam the next dispense,
// decline the next payment, unplug the device (it stops answering, as a
// cable pulled out) and plug it back. Any other card or disc can be typed
// (--card-reader keyboard), as USB readers do.
#pragma once

#include "hardware/simulatedhardware.h"

#include <QObject>
#include <QStringList>
#include <QVariantList>

namespace redbox {

class DevicePanel : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList testCards READ testCards CONSTANT)
    Q_PROPERTY(QStringList discsOut READ discsOut NOTIFY discsOutChanged)
    Q_PROPERTY(bool unplugged READ unplugged NOTIFY unpluggedChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
public:
    // Each test card: {label, card, pin}.
    DevicePanel(SimulatedHardware *device, QVariantList testCards, QObject *parent = nullptr);
    // The members and technicians of a network's try-it.json; throws ConfigError naming what is wrong.
    static QVariantList loadTestCards(const QString &tryItJson);

    QVariantList testCards() const { return m_cards; }
    QStringList discsOut() const { return m_discsOut; }   // out of the door, the latest first
    bool unplugged() const { return m_unplugged; }
    QString status() const { return m_status; }

    Q_INVOKABLE void swipe(int index);
    Q_INVOKABLE void insertDisc(const QString &barcode);
    Q_INVOKABLE void jamNextDispense();
    Q_INVOKABLE void declineNextPayment();
    Q_INVOKABLE void setUnplugged(bool on);

signals:
    void discsOutChanged();
    void unpluggedChanged();
    void statusChanged();

private:
    void say(const QString &status);

    SimulatedHardware *m_device;
    QVariantList m_cards;
    QStringList m_discsOut;
    bool m_unplugged = false;
    QString m_status;
};

}   // namespace redbox
