// The simulated hardware's panel (see devicepanel.h).
#include "app/devicepanel.h"

#include "core/cards.h"
#include "kioskcore/kioskconfig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace redbox {

namespace {

constexpr int kDiscsShown = 6;

}   // namespace

DevicePanel::DevicePanel(SimulatedHardware *device, QVariantList testCards, QObject *parent)
    : QObject(parent), m_device(device), m_cards(std::move(testCards))
{
    connect(m_device, &KioskHardware::dispensed, this, [this](int, const QString &barcode) {
        m_discsOut.removeAll(barcode);
        m_discsOut.prepend(barcode);
        while (m_discsOut.size() > kDiscsShown)
            m_discsOut.removeLast();
        emit discsOutChanged();
    });
}

QVariantList DevicePanel::loadTestCards(const QString &tryItJson)
{
    QFile f(tryItJson);
    if (!f.open(QIODevice::ReadOnly))
        throw ConfigError(QStringLiteral("--device-panel: cannot read the test cards %1: %2").arg(tryItJson, f.errorString()));
    QJsonParseError err{};
    const QJsonObject o = QJsonDocument::fromJson(f.read(1 << 20), &err).object();
    if (err.error != QJsonParseError::NoError || !o.value(QStringLiteral("members")).isArray())
        throw ConfigError(QStringLiteral("--device-panel: %1 is not a network's try-it.json (no \"members\" list)").arg(tryItJson));
    QVariantList cards;
    const auto add = [&](const QJsonValue &v, const QString &label) {
        const QString card = v.toObject().value(QStringLiteral("card")).toString();
        const QString pin = v.toObject().value(QStringLiteral("pin")).toString();
        static const QRegularExpression digits(QStringLiteral("^[0-9]{4,8}$"));
        if (card.size() < 12 || card.size() > 19 || !luhnValid(card) || !digits.match(pin).hasMatch())
            throw ConfigError(QStringLiteral("--device-panel: %1: %2 has no card number with a PIN (4 to 8 digits)").arg(tryItJson, label));
        cards.append(QVariantMap{{QStringLiteral("label"), label}, {QStringLiteral("card"), card}, {QStringLiteral("pin"), pin}});
    };
    for (const QJsonValue v : o.value(QStringLiteral("members")).toArray())
        add(v, QStringLiteral("%1 member %2")
                   .arg(v.toObject().value(QStringLiteral("coast")).toString())
                   .arg(v.toObject().value(QStringLiteral("member_id")).toInteger()));
    for (const QJsonValue v : o.value(QStringLiteral("technicians")).toArray())
        add(v, QStringLiteral("technician %1").arg(v.toObject().value(QStringLiteral("technician_id")).toInteger()));
    return cards;
}

void DevicePanel::swipe(int index)
{
    if (index < 0 || index >= m_cards.size())
        return;
    const QVariantMap card = m_cards[index].toMap();
    // ISO 7813 track 2, expiring December 2030, as the printed cards are.
    m_device->swipeCard(";" + card.value(QStringLiteral("card")).toString().toLatin1() + "=3012?");
    say(QStringLiteral("Swiped %1 (PIN %2)")
            .arg(card.value(QStringLiteral("label")).toString(), card.value(QStringLiteral("pin")).toString()));
}

void DevicePanel::insertDisc(const QString &barcode)
{
    if (!parseDiscBarcode(barcode)) {
        say(QStringLiteral("%1 is not a disc barcode (D and 12 digits)").arg(barcode.left(20)));
        return;
    }
    m_discsOut.removeAll(barcode);
    emit discsOutChanged();
    m_device->insertDisc(barcode);
    say(QStringLiteral("Put %1 into the return slot").arg(barcode));
}

void DevicePanel::jamNextDispense()
{
    m_device->jamNextDispense();
    say(QStringLiteral("The next dispense will jam"));
}

void DevicePanel::declineNextPayment()
{
    m_device->declineNextPayment();
    say(QStringLiteral("The next payment will be declined"));
}

void DevicePanel::setUnplugged(bool on)
{
    if (on == m_unplugged)
        return;
    m_unplugged = on;
    m_device->setUnresponsive(on);
    emit unpluggedChanged();
    say(on ? QStringLiteral("Device unplugged: it answers nothing") : QStringLiteral("Device plugged back in"));
}

void DevicePanel::say(const QString &status)
{
    m_status = status;
    emit statusChanged();
}

}   // namespace redbox
