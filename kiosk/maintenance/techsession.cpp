// Signing a technician in and out (see techsession.h).
#include "maintenance/techsession.h"

#include "core/cards.h"

namespace redbox {

TechSession::TechSession(TechDesk &desk, QObject *parent) : QObject(parent), m_desk(desk)
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(IdleMinutes * 60 * 1000);
    connect(&m_idle, &QTimer::timeout, this, [this] { close(QStringLiteral("idle")); });
    connect(&desk, &TechDesk::touched, this, &TechSession::touch);
    // The lockout survives a restart (a power cycle must not reset the count).
    desk.kiosk().loadMeta(QString::fromLatin1(LockKey), guarded(this, [this](QString saved) {
                              m_lockout.restore(saved);
                              emit lockChanged();
                          }));
}

QString TechSession::technicianName() const
{
    return m_desk.technician() ? m_desk.technician()->name : QString();
}

void TechSession::setStep(Step s)
{
    if (m_step == s)
        return;
    m_step = s;
    m_desk.setSignedIn(s == Step::SignedIn);
    emit stepChanged();
    emit signedInChanged();
}

void TechSession::saveLock()
{
    m_desk.kiosk().saveMeta(QString::fromLatin1(LockKey), m_lockout.save());
    emit lockChanged();
}

void TechSession::touch()
{
    if (m_step != Step::Closed)
        m_idle.start();
}

void TechSession::open()
{
    m_pin.clear();
    m_candidate.reset();
    emit pinChanged();
    if (locked()) {
        m_desk.say(
            tr("Maintenance sign-in is locked after %1 failed attempts, until %2.").arg(MaxFailures).arg(m_desk.localTime(lockedUntil())),
            true);
    } else {
        if (m_lockout.expire())   // a lock that ran out: start counting afresh
            saveLock();
        m_desk.say(tr("Swipe your technician card."));
    }
    setStep(Step::Card);
    m_idle.start();
}

void TechSession::card(const QByteArray &track)
{
    if (m_step != Step::Card || m_desk.busy())
        return;
    if (locked()) {
        m_desk.say(tr("Maintenance sign-in is locked until %1.").arg(m_desk.localTime(lockedUntil())), true);
        return;
    }
    const TrackResult parsed = parseCardTrack(track, now().date());
    if (!parsed.card || !parsed.card->technician) {
        failed(parsed.card ? tr("This is not a technician card.") : tr("The card could not be read. Swipe it again."), 0);
        return;
    }
    auto busy = m_desk.hold();
    m_desk.say(tr("Checking the card..."));
    const QString hash = m_desk.kiosk().cardHashFor(parsed.card->number);
    m_desk.backend().techLogin(
        hash, guarded(this, [this, busy](TechLogin r) {
            busy.release();
            if (m_step != Step::Card)
                return;
            if (!r.technician) {
                failed(r.failure == Failure::Offline ? r.message : tr("This card may not open maintenance mode."), 0);
                return;
            }
            m_candidate = r.technician;
            m_source = r.source;
            m_desk.setCandidate(r.technician->technicianId);
            m_desk.say(r.source == QLatin1String("cache") ? tr("Offline: checked against this kiosk's cached technicians. Enter your PIN.")
                                                          : tr("Enter your PIN."));
            setStep(Step::Pin);
        }));
}

void TechSession::failed(const QString &why, qint64 technicianId)
{
    m_desk.audit(QStringLiteral("login_failed"), {},
                 {{QStringLiteral("why"), why.left(200)}, {QStringLiteral("technician"), technicianId}});
    m_pin.clear();
    emit pinChanged();
    if (m_lockout.fail()) {
        m_desk.audit(QStringLiteral("lockout"), {}, {{QStringLiteral("until"), lockedUntil().toString(Qt::ISODate)}});
        saveLock();
        m_candidate.reset();
        m_desk.setCandidate(0);
        m_desk.finish(QStringLiteral("login"), false,
                      tr("Too many failed attempts: maintenance sign-in is locked until %1.").arg(m_desk.localTime(lockedUntil())), true);
        setStep(Step::Card);
        return;
    }
    saveLock();
    m_desk.finish(QStringLiteral("login"), false, tr("%1 %2 attempt(s) left.").arg(why).arg(failuresLeft()), true);
}

void TechSession::pinDigit(int digit)
{
    m_desk.touch();
    if (m_step != Step::Pin || digit < 0 || digit > 9 || m_pin.size() >= 8)
        return;
    m_pin += QChar(u'0' + digit);
    emit pinChanged();
}

void TechSession::pinBackspace()
{
    m_desk.touch();
    if (m_step != Step::Pin || m_pin.isEmpty())
        return;
    m_pin.chop(1);
    emit pinChanged();
}

void TechSession::pinEnter()
{
    m_desk.touch();
    if (m_step != Step::Pin || m_desk.busy() || !m_candidate)
        return;
    if (m_pin.size() < 4) {
        m_desk.say(tr("A technician PIN has 4 to 8 digits."), true);
        return;
    }
    auto busy = m_desk.hold();
    const TechnicianInfo t = *m_candidate;
    const QString pin = m_pin;
    // The PBKDF2 check is slow on purpose: it runs in the engine's thread.
    m_desk.backend().checkTechPin(t, pin, guarded(this, [this, t, busy](bool ok) {
                                      busy.release();
                                      if (m_step != Step::Pin)
                                          return;
                                      if (!ok) {
                                          failed(tr("Wrong PIN."), t.technicianId);
                                          return;
                                      }
                                      m_candidate.reset();
                                      m_pin.clear();
                                      m_lockout.succeed();
                                      saveLock();
                                      emit pinChanged();
                                      m_desk.setTechnician(t);
                                      m_desk.audit(QStringLiteral("login"), {}, {{QStringLiteral("source"), m_source}});
                                      m_desk.backend().beginTechSession();
                                      setStep(Step::SignedIn);
                                      m_desk.finish(QStringLiteral("login"), true, tr("Signed in as %1.").arg(t.name), true);
                                  }));
}

void TechSession::close(const QString &why)
{
    if (m_step == Step::Closed)
        return;
    if (m_desk.technician())
        m_desk.audit(QStringLiteral("logout"), {}, {{QStringLiteral("why"), why}});
    m_idle.stop();
    m_candidate.reset();
    m_pin.clear();
    emit pinChanged();
    m_desk.setTechnician(std::nullopt);
    m_desk.backend().endTechSession();
    setStep(Step::Closed);
    emit closed();
}

}   // namespace redbox
