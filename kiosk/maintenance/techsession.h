// Signing a technician in and out: a technician card, then the PIN, checked
// by the red box (which counts wrong PINs per card at every kiosk, and opens
// a short-lived session for the technician's calls); when it does not answer,
// by the coast; offline, by the kiosk against its own verifier of a
// technician it saw sign in before. Five failed sign-ins at this kiosk also
// lock its maintenance entry for 15 minutes, kept across restarts in the
// kiosk's records; five minutes untouched end the session.
#pragma once

#include "core/pinlockout.h"
#include "maintenance/techdesk.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace redbox {

class TechSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns the session")
    Q_PROPERTY(int pinLength READ pinLength NOTIFY pinChanged)
    Q_PROPERTY(bool locked READ locked NOTIFY lockChanged)
    Q_PROPERTY(QDateTime lockedUntil READ lockedUntil NOTIFY lockChanged)
    Q_PROPERTY(int failuresLeft READ failuresLeft NOTIFY lockChanged)
    Q_PROPERTY(QString technicianName READ technicianName NOTIFY signedInChanged)
    Q_PROPERTY(QString source READ source NOTIFY signedInChanged)
public:
    static constexpr int MaxFailures = 5;
    static constexpr int LockMinutes = 15;
    static constexpr int IdleMinutes = 5;
    static constexpr auto LockKey = "maintenance_lock";

    enum class Step { Closed, Card, Pin, SignedIn };

    explicit TechSession(TechDesk &desk, QObject *parent = nullptr);

    Step step() const { return m_step; }
    int pinLength() const { return static_cast<int>(m_pin.size()); }
    bool locked() const { return m_lockout.locked(); }
    QDateTime lockedUntil() const { return m_lockout.lockedUntil(); }
    int failuresLeft() const { return m_lockout.failuresLeft(); }
    QString technicianName() const;
    QString source() const { return m_source; }

    void setIdleTimeoutMs(int ms) { m_idle.setInterval(ms); }
    void setClock(PinLockout::Clock clock) { m_lockout.setClock(std::move(clock)); }
    QDateTime now() const { return m_lockout.now(); }

    void open();   // the entry's first screen: swipe a card
    void card(const QByteArray &track);
    Q_INVOKABLE void pinDigit(int digit);
    Q_INVOKABLE void pinBackspace();
    Q_INVOKABLE void pinEnter();
    void close(const QString &why);
    void touch();

signals:
    void stepChanged();
    void pinChanged();
    void lockChanged();
    void signedInChanged();
    void closed();

private:
    void setStep(Step s);
    void failed(const QString &why);
    void backToCard();
    void signedIn(const TechnicianInfo &t);
    void saveLock();

    TechDesk &m_desk;
    Step m_step = Step::Closed;
    QString m_cardHash;   // card read, PIN not yet checked
    QString m_source;
    QString m_pin;
    PinLockout m_lockout{MaxFailures, LockMinutes};
    QTimer m_idle;
};

}   // namespace redbox
