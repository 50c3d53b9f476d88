// Wrong-PIN counting with a lockout (see pinlockout.h).
#include "core/pinlockout.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace redbox {

PinLockout::PinLockout(int maxFailures, int lockMinutes, Clock clock)
    : m_max(maxFailures), m_lockMinutes(lockMinutes), m_clock(std::move(clock))
{}

bool PinLockout::locked(const QString &key) const
{
    const Entry e = m_entries.value(key);
    return e.until.isValid() && m_clock() < e.until;
}

QDateTime PinLockout::lockedUntil(const QString &key) const
{
    return locked(key) ? m_entries.value(key).until : QDateTime();
}

int PinLockout::failuresLeft(const QString &key) const
{
    return m_max - m_entries.value(key).failures;
}

bool PinLockout::fail(const QString &key)
{
    Entry &e = m_entries[key];
    ++e.failures;
    if (e.failures < m_max)
        return false;
    e.until = m_clock().addSecs(static_cast<qint64>(m_lockMinutes) * 60);
    return true;
}

void PinLockout::succeed(const QString &key)
{
    m_entries.remove(key);
}

bool PinLockout::expire(const QString &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end() || !it->until.isValid() || m_clock() < it->until)
        return false;
    m_entries.erase(it);
    return true;
}

QString PinLockout::save() const
{
    QJsonObject all;
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
        all.insert(it.key(), QJsonObject{{QStringLiteral("failures"), it->failures},
                                         {QStringLiteral("until"), it->until.isValid() ? it->until.toString(Qt::ISODate) : QString()}});
    return QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact));
}

void PinLockout::restore(const QString &saved)
{
    m_entries.clear();
    QJsonObject all = QJsonDocument::fromJson(saved.toUtf8()).object();
    if (all.contains(QStringLiteral("failures")))   // the first release kept one unkeyed count
        all = QJsonObject{{QString(), all}};
    for (auto it = all.begin(); it != all.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        Entry e;
        e.failures = o.value(QStringLiteral("failures")).toInt();
        e.until = QDateTime::fromString(o.value(QStringLiteral("until")).toString(), Qt::ISODate);
        if (e.failures > 0 || e.until.isValid())
            m_entries.insert(it.key(), e);
    }
}

}   // namespace redbox
