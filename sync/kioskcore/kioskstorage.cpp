// The kiosk's own disk (see kioskstorage.h).
#include "kioskcore/kioskstorage.h"

#include "core/logging.h"
#include "crypto/crypto.h"
#include "crypto/keyfile.h"
#include "kioskcore/enginestate.h"
#include "kioskcore/kioskconfig.h"

#include <QDir>

namespace redbox {

KioskStorage::KioskStorage(const KioskConfig &config, HealthState &health) : m_config(config), m_health(health) {}

KioskStorage::~KioskStorage() = default;

void KioskStorage::open()
{
    try {
        m_cardKey = crypto::readHexKey(m_config.cardKeyFile);
        m_kioskKey = crypto::loadOrCreateKey(m_config.kioskKeyFile);
    } catch (const std::runtime_error &e) {
        throw ConfigError(QString::fromStdString(e.what()));
    }
    const QDir dir(m_config.storageDir);
    m_cache = std::make_unique<CacheStore>(dir.filePath(QStringLiteral("cache.db")), m_kioskKey, m_config.kioskId);
    m_outbox = std::make_unique<OfflineOutbox>(dir.filePath(QStringLiteral("outbox.db")), m_kioskKey);
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
        if (write && !m_health.value().storageFault.isEmpty()) {
            qCInfo(lcClient) << "kiosk storage works again";
            m_health.update([](KioskHealth &h) { h.storageFault.clear(); });
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
