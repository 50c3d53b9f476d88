// The kiosk's own disk: its keys, the SQLite cache of its red box's partition
// and the durable offline outbox with the dispense journal. Every read or
// write the engine makes goes through guard(), so a failing disk (full,
// damaged) is reported in the kiosk's health and never thrown into an event
// loop; the first write that works again clears the fault.
#pragma once

#include "cache/cachestore.h"
#include "outbox/offlineoutbox.h"

#include <QByteArray>

#include <functional>
#include <memory>

namespace redbox {

struct KioskConfig;
class HealthState;

class KioskStorage {
public:
    KioskStorage(const KioskConfig &config, HealthState &health);
    ~KioskStorage();

    // Reads the keys and opens the cache (rebuilding a corrupted one) and the outbox (carrying
    // what a damaged one still holds into a new one). Files sealed under a kiosk key that has gone
    // missing are set aside. What was found stays in the health's storage fault until a restart.
    // Throws ConfigError / CacheError / std::runtime_error when storage is unusable.
    void open();
    bool isOpen() const { return m_cache != nullptr; }

    CacheStore &cache() { return *m_cache; }
    OfflineOutbox &outbox() { return *m_outbox; }

    QString cardHashFor(const QString &cardNumber) const;

    // Runs WORK on the kiosk's storage; a failure is logged and shown in the health.
    // True when it worked. A WRITE that works clears an earlier fault.
    bool guard(const char *what, const std::function<void()> &work, bool write = true);

    // Brings the health's outbox depth and oldest age up to date.
    void refreshOutboxHealth();

private:
    const KioskConfig &m_config;
    HealthState &m_health;
    QByteArray m_cardKey;
    QByteArray m_kioskKey;
    QString m_startupFault;
    std::unique_ptr<CacheStore> m_cache;
    std::unique_ptr<OfflineOutbox> m_outbox;
};

}   // namespace redbox
