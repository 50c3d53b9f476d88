// What the kiosk's mechanisms can still do, from what they answered: the
// dispenser (rentals; the card reader too, as nothing can be paid without it)
// and the carousel's store (returns). A lane goes down after two failures in
// a row, at once when its device stopped answering or let the wrong disc
// out, and comes back when a technician's jam clearing or self-test passes
// (or the mechanism works again for the technician). Each change goes to the
// alert handler, which records it for HQ. The customer's screens follow it:
// an out-of-order screen while rentals are down, returns still taken if the
// carousel works, and the reverse.
#pragma once

#include "hardware/kioskhardware.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace redbox {

class DeviceWatch : public QObject {
    Q_OBJECT
public:
    explicit DeviceWatch(KioskHardware *hardware, QObject *parent = nullptr);

    static constexpr int FailuresInARow = 2;

    bool rentalsOpen() const { return !m_rentals.down; }
    bool returnsOpen() const { return !m_returns.down; }
    QString rentalsFault() const { return m_rentals.reason; }
    QString returnsFault() const { return m_returns.reason; }

    // ACTION (device_fault | device_restored | disc_left_inside) and its detail, for HQ's audit log.
    using AlertHandler = std::function<void(const QString &action, const QJsonObject &detail)>;
    void setAlertHandler(AlertHandler h) { m_alert = std::move(h); }

    // The dispenser let out a disc that was not the one asked for: down at once.
    void dispenserMisbehaved(const QString &why);
    // A returned disc the records refused that could not be given back: it stays in SLOT,
    // recorded nowhere, for a technician to take out (an alert for HQ; the lanes stay as they are).
    void discLeftInside(const QString &barcode, int slot, const QString &why);

signals:
    void changed();

private:
    struct Lane {
        const char *name;   // rentals | returns
        bool down = false;
        int failures = 0;
        QString reason;
    };
    void failed(Lane &lane, const QString &why, bool atOnce);
    void worked(Lane &lane);
    void restore(const QString &why);

    Lane m_rentals{"rentals", false, 0, {}};
    Lane m_returns{"returns", false, 0, {}};
    AlertHandler m_alert;
};

class MaintenanceBackend;
// Alerts as the kiosk's audit entries (kiosk_audit, or the outbox while offline): they reach HQ's
// audit log like a technician's actions.
DeviceWatch::AlertHandler auditAlerts(MaintenanceBackend *audit);

}   // namespace redbox
