// Maintenance mode for field technicians, as the maintenance screens see it
// (QML only shows these objects' state and forwards taps). Entry is a long
// press on the help screen's hidden corner, then a technician card and PIN
// (TechSession). Signed in, the technician moves between four pages, each
// its own object: Health, Slots, Hardware and Repair. While maintenance mode
// is open the customers' controller ignores the card reader and the return
// slot; they come here and go to the page the mode says. Every action is
// audited. Nothing here leads out of the app: there is no desktop or shell.
#pragma once

#include "backend/kioskbackend.h"
#include "backend/maintenancebackend.h"
#include "hardware/kioskhardware.h"
#include "maintenance/techdesk.h"
#include "maintenance/techhardware.h"
#include "maintenance/techhealth.h"
#include "maintenance/techrepair.h"
#include "maintenance/techsession.h"
#include "maintenance/techslots.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace redbox {

class KioskController;

class MaintenanceController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Page page READ page NOTIFY pageChanged)
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY pageChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool messageIsError READ messageIsError NOTIFY messageChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(redbox::TechDesk::Mode mode READ mode NOTIFY modeChanged)
    Q_PROPERTY(redbox::TechSession *session READ session CONSTANT)
    Q_PROPERTY(redbox::TechHealth *healthPage READ healthPage CONSTANT)
    Q_PROPERTY(redbox::TechSlots *slotsPage READ slotsPage CONSTANT)
    Q_PROPERTY(redbox::TechHardware *hardwarePage READ hardwarePage CONSTANT)
    Q_PROPERTY(redbox::TechRepair *repairPage READ repairPage CONSTANT)

public:
    enum class Page { Closed, Card, Pin, Health, Slots, Hardware, Repair };
    Q_ENUM(Page)
    using Mode = TechDesk::Mode;

    MaintenanceController(KioskBackend *kiosk, MaintenanceBackend *backend, KioskHardware *hardware, KioskController *customers,
                          QObject *parent = nullptr);

    static void setInstance(MaintenanceController *c) { s_instance = c; }
    static MaintenanceController *create(QQmlEngine *, QJSEngine *);

    Page page() const { return m_page; }
    bool signedIn() const { return m_desk.signedIn(); }
    QString message() const { return m_desk.message(); }
    bool messageIsError() const { return m_desk.messageIsError(); }
    bool busy() const { return m_desk.busy(); }
    Mode mode() const { return m_desk.mode(); }
    TechSession *session() { return &m_session; }
    TechHealth *healthPage() { return &m_health; }
    TechSlots *slotsPage() { return &m_slots; }
    TechHardware *hardwarePage() { return &m_hardware; }
    TechRepair *repairPage() { return &m_repair; }
    qint64 technicianId() const { return m_desk.technicianId(); }

    void setIdleTimeoutMs(int ms) { m_session.setIdleTimeoutMs(ms); }
    void setClock(std::function<QDateTime()> clock) { m_session.setClock(std::move(clock)); }

    Q_INVOKABLE void requestEntry();   // the long press on the help screen
    Q_INVOKABLE void swipeForTest(const QString &cardNumber);   // tests: a technician card through the reader path
    Q_INVOKABLE void cancelEntry();
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void touch();
    Q_INVOKABLE void showPage(int page);
    Q_INVOKABLE void stopMode();

signals:
    void pageChanged();
    void messageChanged();
    void busyChanged();
    void modeChanged();
    // For tests and the simulator: an action finished (ok or refused), with its words.
    void actionDone(const QString &action, bool ok, const QString &message);

private:
    void setPage(Page p);
    void onCard(const QByteArray &track);
    void onDisc(const QString &barcode);
    void onDiscUnreadable();
    void onSessionStep();

    KioskController *m_customers;
    TechDesk m_desk;
    TechSession m_session;
    TechHealth m_health;
    TechHardware m_hardware;
    TechSlots m_slots;
    TechRepair m_repair;
    Page m_page = Page::Closed;

    static inline MaintenanceController *s_instance = nullptr;
};

}   // namespace redbox
