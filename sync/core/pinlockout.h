// Wrong-PIN counting with a lockout, one count per key (a card hash; the
// technician entry uses one key for the whole kiosk). After MAXFAILURES
// failures the key is locked for LOCKMINUTES by the injected clock; a success
// clears it. The state can be saved as JSON and restored, so a restart does
// not reset a lockout that must survive it.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <functional>

namespace redbox {

class PinLockout {
public:
    using Clock = std::function<QDateTime()>;
    PinLockout(
        int maxFailures, int lockMinutes, Clock clock = [] { return QDateTime::currentDateTimeUtc(); });

    void setClock(Clock clock) { m_clock = std::move(clock); }
    QDateTime now() const { return m_clock(); }
    int maxFailures() const { return m_max; }
    int lockMinutes() const { return m_lockMinutes; }

    bool locked(const QString &key = {}) const;
    QDateTime lockedUntil(const QString &key = {}) const;   // invalid when not locked
    int failuresLeft(const QString &key = {}) const;
    // Counts a failure; true when it locked the key.
    bool fail(const QString &key = {});
    void succeed(const QString &key = {});
    // A lock that has run out starts counting afresh; true when one did.
    bool expire(const QString &key = {});

    QString save() const;
    void restore(const QString &saved);

private:
    struct Entry {
        int failures = 0;
        QDateTime until;
    };
    int m_max;
    int m_lockMinutes;
    Clock m_clock;
    QHash<QString, Entry> m_entries;
};

}   // namespace redbox
