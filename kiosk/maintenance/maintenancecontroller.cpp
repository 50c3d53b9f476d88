// Maintenance mode for field technicians (see maintenancecontroller.h).
#include "maintenance/maintenancecontroller.h"

#include "controllers/kioskcontroller.h"

#include <QQmlEngine>

namespace redbox {

MaintenanceController::MaintenanceController(KioskBackend *kiosk, MaintenanceBackend *backend, KioskHardware *hardware,
                                             KioskController *customers, QObject *parent)
    : QObject(parent),
      m_customers(customers),
      m_desk(kiosk, backend, hardware),
      m_session(m_desk),
      m_health(m_desk),
      m_hardware(m_desk),
      m_slots(m_desk, m_hardware),
      m_repair(m_desk)
{
    m_desk.setTimeFormat([customers](const QDateTime &t) { return customers->localTime(t); });
    connect(&m_desk, &TechDesk::busyChanged, this, &MaintenanceController::busyChanged);
    connect(&m_desk, &TechDesk::messageChanged, this, &MaintenanceController::messageChanged);
    connect(&m_desk, &TechDesk::modeChanged, this, &MaintenanceController::modeChanged);
    connect(&m_desk, &TechDesk::actionDone, this, &MaintenanceController::actionDone);
    connect(&m_session, &TechSession::stepChanged, this, &MaintenanceController::onSessionStep);
    connect(hardware, &KioskHardware::cardSwiped, this, &MaintenanceController::onCard);
    connect(hardware, &KioskHardware::discInserted, this, &MaintenanceController::onDisc);
    connect(hardware, &KioskHardware::discUnreadable, this, &MaintenanceController::onDiscUnreadable);
}

MaintenanceController *MaintenanceController::create(QQmlEngine *, QJSEngine *)
{
    QQmlEngine::setObjectOwnership(s_instance, QQmlEngine::CppOwnership);
    return s_instance;
}

void MaintenanceController::setPage(Page p)
{
    if (m_page == p)
        return;
    m_page = p;
    emit pageChanged();
}

void MaintenanceController::onSessionStep()
{
    switch (m_session.step()) {
        case TechSession::Step::Closed:
            if (m_desk.mode() != Mode::None)
                m_desk.hardware().ejectReturn();
            m_desk.setMode(Mode::None);
            m_hardware.clear();
            m_slots.clear();
            m_health.clear();
            m_desk.say({});
            setPage(Page::Closed);
            m_customers->leaveMaintenance();
            break;
        case TechSession::Step::Card: setPage(Page::Card); break;
        case TechSession::Step::Pin: setPage(Page::Pin); break;
        case TechSession::Step::SignedIn:
            setPage(Page::Health);
            m_health.refresh();
            break;
    }
}

void MaintenanceController::requestEntry()
{
    // Only from the help screen's hidden corner: never in the middle of a customer's visit.
    if (m_page != Page::Closed || m_customers->screen() != KioskController::Screen::Help)
        return;
    m_customers->enterMaintenance();
    m_session.open();
}

void MaintenanceController::swipeForTest(const QString &cardNumber)
{
    onCard(";" + cardNumber.toLatin1() + "=3012?");
}

void MaintenanceController::cancelEntry()
{
    if (!signedIn())
        m_session.close(QStringLiteral("cancelled"));
}

void MaintenanceController::signOut()
{
    m_session.close(QStringLiteral("signed out"));
}

void MaintenanceController::touch()
{
    m_session.touch();
}

void MaintenanceController::showPage(int page)
{
    touch();
    const auto p = static_cast<Page>(page);
    if (!signedIn() || p < Page::Health || p > Page::Repair)
        return;
    stopMode();
    m_desk.say({});
    setPage(p);
    if (p == Page::Health)
        m_health.refresh();
    else if (p == Page::Slots)
        m_slots.refresh();
}

void MaintenanceController::stopMode()
{
    if (m_desk.mode() == Mode::Load)
        m_slots.stopLoading();
    else
        m_desk.setMode(Mode::None);
}

void MaintenanceController::onCard(const QByteArray &track)
{
    if (m_page == Page::Closed)
        return;
    touch();
    if (m_desk.mode() == Mode::CardTest) {
        m_hardware.cardRead(track, m_session.now().date());
        return;
    }
    m_session.card(track);
}

void MaintenanceController::onDisc(const QString &barcode)
{
    if (m_page == Page::Closed)
        return;
    touch();
    if (m_desk.mode() == Mode::BarcodeTest) {
        m_hardware.discRead(barcode);
        return;
    }
    if (m_desk.mode() == Mode::Load && signedIn()) {
        m_slots.discInserted(barcode);
        return;
    }
    m_desk.hardware().ejectReturn();   // not expecting a disc now: give it back
}

void MaintenanceController::onDiscUnreadable()
{
    if (m_page == Page::Closed)
        return;
    m_desk.hardware().ejectReturn();
    if (m_desk.mode() == Mode::BarcodeTest) {
        m_hardware.discUnreadable();
        return;
    }
    m_desk.say(tr("That disc's barcode could not be read; it was given back."), true);
}

}   // namespace redbox
