// The kiosk's own disk (see kioskstorage.h).
#include "kioskcore/kioskstorage.h"

#include "core/logging.h"
#include "crypto/crypto.h"
#include "crypto/keyfile.h"
#include "kioskcore/enginestate.h"
#include "kioskcore/kioskconfig.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace redbox {

namespace {

// Moves an SQLite file, with its -wal and -shm, to PATH.WHY-<time>, where a technician finds it
// (opened there, it still holds what its write-ahead log held).
QString setAside(const QString &path, const char *why)
{
    QString aside = QStringLiteral("%1.%2-%3")
                        .arg(path, QLatin1String(why), QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss")));
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        if (QFile::exists(path + suffix))
            QFile::rename(path + suffix, aside + suffix);
    return aside;
}

}   // namespace

KioskStorage::KioskStorage(const KioskConfig &config, HealthState &health) : m_config(config), m_health(health) {}

KioskStorage::~KioskStorage() = default;

void KioskStorage::open()
{
    const QDir dir(m_config.storageDir);
    const QString cachePath = dir.filePath(QStringLiteral("cache.db"));
    const QString outboxPath = dir.filePath(QStringLiteral("outbox.db"));
    QStringList faults;
    try {
        m_cardKey = crypto::readHexKey(m_config.cardKeyFile);
        if (!QFileInfo::exists(m_config.kioskKeyFile)) {
            // The kiosk key seals the cache's members and the outbox's actions: files made under a
            // key that is gone can never be opened again. They are set aside (for a technician, who
            // may still find the key) and the kiosk starts afresh under a new key.
            for (const QString &path : {cachePath, outboxPath})
                if (QFile::exists(path))
                    faults << QStringLiteral("the kiosk key was missing: %1 was sealed under it and is set aside as %2")
                                  .arg(QFileInfo(path).fileName(), setAside(path, "lost-key"));
        }
        m_kioskKey = crypto::loadOrCreateKey(m_config.kioskKeyFile);
    } catch (const std::runtime_error &e) {
        throw ConfigError(QString::fromStdString(e.what()));
    }
    m_cache = std::make_unique<CacheStore>(cachePath, m_kioskKey, m_config.kioskId);
    try {
        m_outbox = std::make_unique<OfflineOutbox>(outboxPath, m_kioskKey);
    } catch (const OutboxDamaged &e) {
        // A damaged outbox never stops the kiosk (a restart would only find it again): what can
        // still be read is carried into a new one, in order, and the file is kept for a technician.
        const QString aside = setAside(outboxPath, "damaged");
        m_outbox = std::make_unique<OfflineOutbox>(outboxPath, m_kioskKey);
        const int saved = m_outbox->salvageFrom(aside);
        faults << QStringLiteral("%1: %2 waiting action(s) were carried into a new outbox; the file is kept as %3")
                      .arg(QString::fromUtf8(e.what()))
                      .arg(saved)
                      .arg(aside);
    }
    if (!faults.isEmpty()) {
        m_startupFault = faults.join(QStringLiteral("; "));
        qCCritical(lcClient).noquote() << "kiosk storage:" << m_startupFault;
        m_health.update([&](KioskHealth &h) { h.storageFault = m_startupFault; });
    }
    const QDateTime lastSync = m_cache->cursor().lastSync;
    m_health.update([&](KioskHealth &h) { h.lastCacheSync = lastSync; });
    refreshOutboxHealth();
}

QString KioskStorage::cardHashFor(const QString &cardNumber) const
{
    return crypto::cardHash(m_cardKey, cardNumber);
}

bool KioskStorage::guard(const char *what, const std::function<void()> &work, bool write)
{
    try {
        work();
        if (write && m_health.value().storageFault != m_startupFault) {
            qCInfo(lcClient) << "kiosk storage works again";
            m_health.update([this](KioskHealth &h) { h.storageFault = m_startupFault; });   // what start found stays shown
        }
        return true;
    } catch (const std::exception &e) {
        const QString fault = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(e.what()));
        qCCritical(lcClient) << "kiosk storage failed:" << fault;
        m_health.update([&](KioskHealth &h) { h.storageFault = fault; });
        return false;
    }
}

void KioskStorage::refreshOutboxHealth()
{
    int depth = 0;
    qint64 age = 0;
    if (!guard(
            "outbox",
            [&] {
                depth = m_outbox->depth();
                age = m_outbox->oldestAgeSeconds();
            },
            false))
        return;
    m_health.update([&](KioskHealth &h) {
        h.outboxDepth = depth;
        h.outboxOldestAgeS = age;
    });
}

}   // namespace redbox
