// The kiosk's mechanisms, watched (see devicewatch.h).
#include "controllers/devicewatch.h"

#include "backend/maintenancebackend.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcKiosk)

namespace redbox {

DeviceWatch::DeviceWatch(KioskHardware *hardware, QObject *parent) : QObject(parent)
{
    connect(hardware, &KioskHardware::dispensed, this, [this](int, const QString &) { worked(m_rentals); });
    connect(hardware, &KioskHardware::dispenseFailed, this, [this](int, const QString &why) { failed(m_rentals, why, false); });
    connect(hardware, &KioskHardware::stored, this, [this](int) { worked(m_returns); });
    connect(hardware, &KioskHardware::storeFailed, this, [this](int, const QString &why) { failed(m_returns, why, false); });
    // A device that stopped answering is down at once (its deadline already waited for it);
    // without a card reader nothing can be paid.
    connect(hardware, &KioskHardware::unanswered, this, [this](const QString &device) {
        const QString why = QStringLiteral("the %1 did not answer").arg(device);
        if (device == QLatin1String("dispenser") || device == QLatin1String("card reader"))
            failed(m_rentals, why, true);
        else if (device == QLatin1String("carousel"))
            failed(m_returns, why, true);
    });
    connect(hardware, &KioskHardware::jamCleared, this, [this](bool ok, const QString &report) {
        if (ok)
            restore(QStringLiteral("jam cleared: ") + report);
    });
    connect(hardware, &KioskHardware::selfTestDone, this, [this](bool ok, const QString &report) {
        if (ok)
            restore(QStringLiteral("self-test passed: ") + report);
    });
}

DeviceWatch::AlertHandler auditAlerts(MaintenanceBackend *audit)
{
    return [audit](const QString &action, const QJsonObject &detail) {
        AuditEntry e;
        e.action = action;
        e.barcode = detail.value(QStringLiteral("barcode")).toString();
        e.detail = detail;
        audit->audit(e);
    };
}

void DeviceWatch::dispenserMisbehaved(const QString &why)
{
    failed(m_rentals, why, true);
}

void DeviceWatch::discLeftInside(const QString &barcode, int slot, const QString &why)
{
    qCCritical(lcKiosk).noquote() << "device fault: a refused return, disc" << barcode << "in slot" << slot << "could not be given back ("
                                  << why.left(200) << "): it waits there for a technician";
    if (m_alert)
        m_alert(QStringLiteral("disc_left_inside"),
                {{QStringLiteral("barcode"), barcode}, {QStringLiteral("slot"), slot}, {QStringLiteral("reason"), why.left(200)}});
}

void DeviceWatch::failed(Lane &lane, const QString &why, bool atOnce)
{
    ++lane.failures;
    if (lane.down || (!atOnce && lane.failures < FailuresInARow))
        return;
    lane.down = true;
    lane.reason = why.left(200);
    qCCritical(lcKiosk).noquote() << lane.name << "out of order:" << lane.reason;
    if (m_alert)
        m_alert(QStringLiteral("device_fault"), {{QStringLiteral("lane"), QLatin1String(lane.name)},
                                                 {QStringLiteral("reason"), lane.reason},
                                                 {QStringLiteral("failures"), lane.failures}});
    emit changed();
}

void DeviceWatch::worked(Lane &lane)
{
    lane.failures = 0;
    if (!lane.down)
        return;
    // A technician's dispense or load went through: the mechanism works again.
    lane.down = false;
    qCInfo(lcKiosk) << lane.name << "working again";
    if (m_alert)
        m_alert(QStringLiteral("device_restored"), {{QStringLiteral("lane"), QLatin1String(lane.name)},
                                                    {QStringLiteral("reason"), QStringLiteral("worked for a technician")}});
    lane.reason.clear();
    emit changed();
}

void DeviceWatch::restore(const QString &why)
{
    bool any = false;
    for (Lane *lane : {&m_rentals, &m_returns}) {
        lane->failures = 0;
        if (!lane->down)
            continue;
        lane->down = false;
        lane->reason.clear();
        any = true;
        if (m_alert)
            m_alert(QStringLiteral("device_restored"),
                    {{QStringLiteral("lane"), QLatin1String(lane->name)}, {QStringLiteral("reason"), why.left(200)}});
    }
    if (any) {
        qCInfo(lcKiosk).noquote() << "back in order:" << why;
        emit changed();
    }
}

}   // namespace redbox
