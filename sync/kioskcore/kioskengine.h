// One kiosk's engine: everything between the kiosk's screens (or the
// simulator's scripted customers) and the network. It lives in one thread
// and never blocks it on the network: the red box link (rentals, returns,
// member lookups, in-doubt resolution), the cache link (incremental sync of
// the SQLite cache, woken by LISTEN/NOTIFY and a timer), escalation of
// unknown cards to the coast and HQ, and the durable offline outbox with its
// replay. Results come back through callbacks run in the engine's thread.
#pragma once

#include "cache/cachestore.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/link.h"
#include "kioskcore/types.h"
#include "outbox/offlineoutbox.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace redbox {

class MaintenanceService;

class KioskEngine : public QObject {
    Q_OBJECT
public:
    explicit KioskEngine(KioskConfig config, QObject *parent = nullptr);
    ~KioskEngine() override;

    // Opens the cache (rebuilding a corrupted one) and the outbox, starts the links.
    // Throws ConfigError / CacheError / std::runtime_error when storage is unusable.
    void start();
    void stop();

    const KioskConfig &config() const { return m_config; }
    CacheStore &cache() { return *m_cache; }
    OfflineOutbox &outbox() { return *m_outbox; }
    KioskHealth health() const { return m_health; }
    bool isReplaying() const { return m_replaying; }

    QString cardHashFor(const QString &cardNumber) const;

    using MemberCallback = std::function<void(std::optional<MemberInfo>, Failure, QString message)>;
    void lookupMember(const QString &cardHash, MemberCallback callback);
    // PBKDF2 check of a PIN (4 digits) against the member's salted hash: slow by design.
    static bool checkPin(const MemberInfo &member, const QString &pin);
    static bool pinWellFormed(const QString &pin);

    // A rental: recorded in the dispense journal first, then at the red box (or, offline, in the
    // durable outbox). Call dispensed() when the disc came out, voidRental() when it did not.
    void rent(RentRequest request, std::function<void(RentResult)> callback);
    void dispensed(const QUuid &rentalId);
    void voidRental(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &reason,
                    std::function<void(bool ok, QString message)> callback);
    void returnDisc(ReturnRequest request, std::function<void(ReturnResult)> callback);
    void syncNow();
    // Empties the cache and fetches everything again (a technician's repair); cacheProgress reports it.
    void resyncCache();
    // Records what a technician did at the red box (kiosk_audit); kept in the durable outbox and
    // replayed when the red box cannot take it now. CALLBACK: true when the red box has it already.
    void audit(const AuditEntry &entry, std::function<void(bool atRedbox)> callback = {});
    MaintenanceService &maintenance() { return *m_maintenance; }
    // E-mail a receipt for these rentals (the coast holds the address). "queued", then "sent".
    void emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, std::function<void(QString state)> callback);
    void receiptStatus(const QUuid &receiptId, std::function<void(QString state)> callback);

    // For tests: drop the red box connection right after the next write is sent
    // (the answer is lost; the write may have committed), to exercise in-doubt resolution.
    void loseNextAnswerForTesting() { m_loseNextAnswer = true; }

signals:
    void healthChanged(const redbox::KioskHealth &health);
    void cacheProgress(qint64 done, qint64 total);
    void cacheSynced();
    // A sync round changed titles, this kiosk's discs or its own facts (emitted before cacheSynced).
    void catalogChanged();
    void outboxReplayed(int count);

private:
    void onRedboxUp();
    void pollHealth();
    void setLink(LinkStatus status);
    void refreshOutboxHealth();

    void rentOnline(RentRequest request, std::function<void(RentResult)> callback);
    void rentOffline(const RentRequest &request, std::function<void(RentResult)> callback, const QString &why);
    void resolveRent(RentRequest request, std::function<void(RentResult)> callback, int attempt);
    void returnOnline(ReturnRequest request, std::function<void(ReturnResult)> callback);
    void returnOffline(const ReturnRequest &request, std::function<void(ReturnResult)> callback, const QString &why);
    void keepVoidOffline(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &why,
                         const std::function<void(bool, QString)> &callback);
    void endDispense(const QUuid &rentalId);   // the journal forgets a rental: its disc came out, or it was voided
    void escalate(const QString &cardHash, MemberCallback callback, int stage);
    void pumpReplay();
    // Runs `online` once the outbox has drained; when older actions are queued and
    // the red box is unreachable, runs `offline` at once (it queues behind them).
    void afterReplay(std::function<void()> online, std::function<void()> offline);
    // Voids what the dispense journal holds that no rental in progress owns (after a crash,
    // or when the journal could not be cleared): olderThanS = 0 at start.
    void recoverDispenses(qint64 olderThanS);
    // Runs a write (or read) on the kiosk's own storage; a failure (disk full, I/O error) is
    // logged and shown in the health, never thrown into the event loop. True when it worked.
    bool guardStorage(const char *what, const std::function<void()> &work, bool write = true);

    void scheduleSync(int delayMs);
    void syncStep();

    KioskConfig m_config;
    QByteArray m_cardKey;
    QByteArray m_kioskKey;
    std::unique_ptr<CacheStore> m_cache;
    std::unique_ptr<OfflineOutbox> m_outbox;
    std::unique_ptr<MaintenanceService> m_maintenance;
    Link *m_redbox = nullptr;
    Link *m_cacheLink = nullptr;
    QTimer m_healthTimer;
    QTimer m_syncTimer;
    QTimer m_periodicSync;
    KioskHealth m_health;
    bool m_syncing = false;
    bool m_syncAgain = false;
    bool m_fullResync = false;
    bool m_roundTouchedCatalog = true;   // true at start: the first round always tells the screens
    bool m_replaying = false;
    int m_replayedInRun = 0;
    std::vector<std::function<void()>> m_afterReplay;
    QSet<QUuid> m_dispensing;     // rentals in progress in this process (journal entries they own)
    bool m_loseNextAnswer = false;
    bool m_started = false;
};

// Maps a red box refusal (SQLSTATE RBxxx / 22xxx) to what a screen shows.
Failure failureFor(const pg::DbError &error);

} // namespace redbox
