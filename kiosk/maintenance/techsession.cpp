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
    m_cardHash.clear();
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
    // A swipe on the PIN page starts again with that card.
    if ((m_step != Step::Card && m_step != Step::Pin) || m_desk.busy())
        return;
    if (locked()) {
        m_desk.say(tr("Maintenance sign-in is locked until %1.").arg(m_desk.localTime(lockedUntil())), true);
        return;
    }
    const TrackResult parsed = parseCardTrack(track, now().date());
    if (!parsed.card || !parsed.card->technician) {
        failed(parsed.card ? tr("This is not a technician card.") : tr("The card could not be read. Swipe it again."));
        return;
    }
    // The card alone proves nothing: the red box checks it with the PIN.
    m_cardHash = m_desk.kiosk().cardHashFor(parsed.card->number);
    m_desk.say(tr("Enter your PIN."));
    setStep(Step::Pin);
}

void TechSession::failed(const QString &why)
{
    m_desk.audit(QStringLiteral("login_failed"), {}, {{QStringLiteral("why"), why.left(200)}});
    m_pin.clear();
    emit pinChanged();
    if (m_lockout.fail()) {
        m_desk.audit(QStringLiteral("lockout"), {}, {{QStringLiteral("until"), lockedUntil().toString(Qt::ISODate)}});
        saveLock();
        m_cardHash.clear();
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
    if (m_step != Step::Pin || m_desk.busy() || m_cardHash.isEmpty())
        return;
    if (m_pin.size() < 4) {
        m_desk.say(tr("A technician PIN has 4 to 8 digits."), true);
        return;
    }
    auto busy = m_desk.hold();
    m_desk.say(tr("Checking your PIN..."));
    const QString pin = m_pin;
    m_pin.clear();
    emit pinChanged();
    // The red box checks it (the coast when the red box does not answer; offline, the kiosk's own
    // verifier of a technician it saw sign in before).
    m_desk.backend().techSignIn(
        m_cardHash, pin, guarded(this, [this, busy](SignInResult r) {
            busy.release();
            if (m_step != Step::Pin)
                return;
            switch (r.outcome) {
                case SignInOutcome::Ok: signedIn(*r.technician); return;
                case SignInOutcome::WrongPin: failed(tr("Wrong PIN.")); return;
                case SignInOutcome::Locked:
                    failed(tr("This card is locked after too many wrong PINs, until %1.").arg(m_desk.localTime(r.lockedUntil)));
                    return;
                case SignInOutcome::Unverifiable:
                    failed(tr("The network cannot check this card now and this kiosk has not seen it signed in "
                              "before."));
                    backToCard();
                    return;
                case SignInOutcome::Failed:
                    failed(r.failure == Failure::UnknownCard ? tr("This card may not open maintenance mode.") : r.message);
                    if (r.failure == Failure::UnknownCard)
                        backToCard();
                    return;
            }
        }));
}

void TechSession::backToCard()
{
    // No PIN will open this card here: the next swipe is a new card.
    m_cardHash.clear();
    setStep(Step::Card);
}

void TechSession::signedIn(const TechnicianInfo &t)
{
    m_cardHash.clear();
    m_lockout.succeed();
    saveLock();
    m_source = t.checkedBy;
    m_desk.setTechnician(t);
    m_desk.audit(QStringLiteral("login"), {}, {{QStringLiteral("source"), m_source}});
    setStep(Step::SignedIn);
    QString how;
    if (t.checkedBy == QLatin1String("kiosk"))
        how = tr(" Offline: checked by this kiosk; changes at the red box need a new sign-in once it answers.");
    else if (t.session.isEmpty())
        how = tr(" Checked by the coast: changes at the red box need a new sign-in once it answers.");
    m_desk.finish(QStringLiteral("login"), true, tr("Signed in as %1.").arg(t.name) + how, true);
}

void TechSession::close(const QString &why)
{
    if (m_step == Step::Closed)
        return;
    if (m_desk.technician())
        m_desk.audit(QStringLiteral("logout"), {}, {{QStringLiteral("why"), why}});
    m_idle.stop();
    m_cardHash.clear();
    m_pin.clear();
    emit pinChanged();
    m_desk.backend().techSignOut(m_desk.current());
    m_desk.setTechnician(std::nullopt);
    setStep(Step::Closed);
    emit closed();
}

}   // namespace redbox
