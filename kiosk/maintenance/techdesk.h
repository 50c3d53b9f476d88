// What the pages of maintenance mode share: the backend and the hardware,
// who is signed in, the one message line, what the kiosk is doing with the
// return slot and the card reader (the mode), and whether an action is under
// way. "Busy" is counted by tokens: an action holds one for as long as it
// runs (in its callback's captures, or in a member while it waits for the
// hardware) and it ends when the token is released or its last copy is gone,
// so no path forgets to end it.
#pragma once

#include "backend/kioskbackend.h"
#include "backend/maintenancebackend.h"
#include "hardware/kioskhardware.h"

#include <QJsonObject>
#include <QObject>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>
#include <optional>

namespace redbox {

class TechDesk : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns the desk")
public:
    // What the return slot and the card reader are for right now.
    enum class Mode { None, Load, CardTest, BarcodeTest };
    Q_ENUM(Mode)

    TechDesk(KioskBackend *kiosk, MaintenanceBackend *backend, KioskHardware *hardware, QObject *parent = nullptr);

    KioskBackend &kiosk() { return *m_kiosk; }
    MaintenanceBackend &backend() { return *m_backend; }
    KioskHardware &hardware() { return *m_hw; }

    // Busy while any token is held. Copies share one hold; release() ends it early (in the
    // desk's thread); a hold whose last copy goes away elsewhere ends in the desk's thread.
    class BusyToken {
    public:
        void release() const;

    private:
        friend class TechDesk;
        struct Hold;
        std::shared_ptr<Hold> m_hold;
    };
    BusyToken hold();
    bool busy() const { return m_busy > 0; }

    const QString &message() const { return m_message; }
    bool messageIsError() const { return m_messageIsError; }
    void say(const QString &text, bool error = false);
    // An action ended: its words are said and announced (actionDone).
    void finish(const QString &action, bool ok, const QString &message, bool sayIt = false);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);

    const std::optional<TechnicianInfo> &technician() const { return m_technician; }
    // The signed-in technician (with the red box's session, if it made one), or an empty one.
    TechnicianInfo current() const { return m_technician.value_or(TechnicianInfo{}); }
    qint64 technicianId() const { return m_technician ? m_technician->technicianId : 0; }
    void setTechnician(std::optional<TechnicianInfo> t);
    bool signedIn() const { return m_signedIn; }
    void setSignedIn(bool in);

    // A time as the kiosk's people read it (the kiosk's time zone).
    void setTimeFormat(std::function<QString(const QDateTime &)> format) { m_format = std::move(format); }
    QString localTime(const QDateTime &t) const { return m_format ? m_format(t) : t.toString(Qt::ISODate); }

    // Every action a technician takes is audited (who, what, when, kiosk, disc).
    void audit(const QString &action, const QString &barcode = {}, const QJsonObject &detail = {});
    // The session's idle timer restarts.
    void touch() { emit touched(); }
    // Signed in (else says so); and, for ACTION, nothing else under way (else announces the refusal).
    bool needSession();
    bool idleFor(const QString &action);

signals:
    void busyChanged();
    void messageChanged();
    void modeChanged();
    void technicianChanged();
    void touched();
    void actionDone(const QString &action, bool ok, const QString &message);

private:
    void endBusy();

    KioskBackend *m_kiosk;
    MaintenanceBackend *m_backend;
    KioskHardware *m_hw;
    int m_busy = 0;
    QString m_message;
    bool m_messageIsError = false;
    Mode m_mode = Mode::None;
    std::optional<TechnicianInfo> m_technician;
    bool m_signedIn = false;
    std::function<QString(const QDateTime &)> m_format;
};

}   // namespace redbox
