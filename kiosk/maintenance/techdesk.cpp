// What the pages of maintenance mode share (see techdesk.h).
#include "maintenance/techdesk.h"

#include "core/crossthread.h"

#include <QPointer>
#include <QThread>

#include <atomic>

namespace redbox {

TechDesk::TechDesk(KioskBackend *kiosk, MaintenanceBackend *backend, KioskHardware *hardware, QObject *parent)
    : QObject(parent), m_kiosk(kiosk), m_backend(backend), m_hw(hardware)
{}

struct TechDesk::BusyToken::Hold {
    QPointer<TechDesk> desk;
    std::atomic<bool> released{false};
    void end()
    {
        if (released.exchange(true))
            return;
        QPointer<TechDesk> d = desk;
        if (!d)
            return;
        if (d->thread() == QThread::currentThread())
            d->endBusy();
        else
            postTo(d, [d] {
                if (d)
                    d->endBusy();
            });
    }
    ~Hold() { end(); }
};

void TechDesk::BusyToken::release() const
{
    if (m_hold)
        m_hold->end();
}

TechDesk::BusyToken TechDesk::hold()
{
    if (m_busy++ == 0)
        emit busyChanged();
    BusyToken t;
    t.m_hold = std::make_shared<BusyToken::Hold>();
    t.m_hold->desk = this;
    return t;
}

void TechDesk::endBusy()
{
    if (--m_busy == 0)
        emit busyChanged();
}

void TechDesk::say(const QString &text, bool error)
{
    m_message = text;
    m_messageIsError = error;
    emit messageChanged();
}

void TechDesk::finish(const QString &action, bool ok, const QString &message, bool sayIt)
{
    if (sayIt)
        say(message, !ok);
    emit actionDone(action, ok, message);
}

void TechDesk::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    emit modeChanged();
}

void TechDesk::setTechnician(std::optional<TechnicianInfo> t)
{
    m_technician = std::move(t);
    emit technicianChanged();
}

void TechDesk::setSignedIn(bool in)
{
    if (m_signedIn == in)
        return;
    m_signedIn = in;
    emit technicianChanged();
}

void TechDesk::audit(const QString &action, const QString &barcode, const QJsonObject &detail)
{
    AuditEntry e;
    e.technicianId = technicianId();
    e.session = m_technician ? m_technician->session : QString();
    e.action = action;
    e.barcode = barcode;
    e.detail = detail;   // e.at: the real time (a test's clock only moves the lockout)
    m_backend->audit(e);
}

bool TechDesk::needSession()
{
    touch();
    if (m_signedIn)
        return true;
    say(tr("Sign in first."), true);
    return false;
}

bool TechDesk::idleFor(const QString &action)
{
    if (!needSession())
        return false;
    if (!busy())
        return true;
    say(tr("Wait for the current action to finish."), true);
    finish(action, false, m_message);
    return false;
}

}   // namespace redbox
