// One kiosk's engine: everything between the kiosk's screens (or the
// simulator's scripted customers) and the network. It lives in one thread
// and never blocks it on the network; results come back through callbacks
// run in the engine's thread. This class is the front; the work is done by
// its parts, each in its own file:
//   KioskStorage  the kiosk's disk: keys, SQLite cache, offline outbox
//   MemberLookup  a card at the red box, the cache, then the coast and HQ
//   SignInDesk    the PIN, checked by a server (offline: the kiosk's own verifiers)
//   RentalDesk    rentals, voids, the dispense journal, in-doubt answers
//   PromoDesk     promo codes, checked online at HQ
//   ReturnDesk    returns
//   OutboxReplay  the offline outbox sent once the red box answers
//   CacheSync     the cache kept in step with the red box
// plus the red box link's health, receipts and the technicians' audit.
#pragma once

#include "cache/cachestore.h"
#include "core/kiosktypes.h"
#include "kioskcore/enginestate.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/redboxapi.h"
#include "outbox/offlineoutbox.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace redbox {

class CacheSync;
class KioskStorage;
class Link;
class MemberLookup;
class OutboxReplay;
class PromoDesk;
class RentalDesk;
class ReturnDesk;
class SignInDesk;

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
    KioskHealth health() const;
    bool isReplaying() const;

    QString cardHashFor(const QString &cardNumber) const;
    // Now on the red box's clock, as well as the kiosk can tell (its clock, the measured skew applied).
    QDateTime serverNow() const;

    using MemberCallback = std::function<void(std::optional<MemberInfo>, Failure, QString message)>;
    void lookupMember(const QString &cardHash, MemberCallback callback);
    // The member's PIN, checked by the server that found the card (offline: by the kiosk, for a
    // card it saw signed in before). On Ok the member carries the server's ticket for renting.
    void signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> callback);
    // For maintenance: the kiosk's own check of a card when no server can be asked, and the
    // verifier it keeps of a card a server found right (SignInDesk).
    // A walk-up card: no PIN; online only (SignInDesk::walkUp).
    void walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> callback);
    SignInResult signInOffline(const QString &cardHash, const QString &pin, bool technician);
    void rememberPin(const QString &cardHash, const QString &pin);

    // A rental: recorded in the dispense journal first, then at the red box (or, offline, in the
    // durable outbox). Call dispensed() when the disc came out, voidRental() when it did not.
    void rent(RentRequest request, std::function<void(RentResult)> callback);
    void dispensed(const QUuid &rentalId);
    // A promo code for this card and transaction (GRANTID), checked online at HQ; the grant goes
    // with one of the transaction's rentals (RentRequest::promoGrant), or back with releasePromo.
    void redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> callback);
    void releasePromo(const QUuid &grantId);
    void voidRental(const VoidRequest &request, std::function<void(bool ok, QString message)> callback);
    // A return in two phases: beginReturn() writes the request in the store journal before the
    // disc goes into its slot (false: it cannot, and the disc must not be taken), returnDisc()
    // records it once the disc is in, endReturn() forgets it once the return is settled.
    bool beginReturn(const ReturnRequest &request);
    void returnDisc(ReturnRequest request, std::function<void(ReturnResult)> callback);
    void endReturn(const QUuid &returnId);
    void syncNow();
    // Empties the cache and fetches everything again (a technician's repair); cacheProgress reports it.
    void resyncCache();
    // Records what a technician did at the red box (kiosk_audit); kept in the durable outbox and
    // replayed when the red box cannot take it now. CALLBACK: true when the red box has it already.
    void audit(const AuditEntry &entry, std::function<void(bool atRedbox)> callback = {});
    // E-mail a receipt for these rentals (the coast holds the address). "queued", then "sent".
    void emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, const QString &address,
                      std::function<void(QString state)> callback);
    void receiptStatus(const QUuid &receiptId, std::function<void(QString state)> callback);

    // What the kiosk's own records say (its cache; read in the engine's thread). A storage
    // failure is reported in the health and answers as if nothing were there.
    CatalogPage searchCatalog(const CatalogQuery &query);
    std::optional<Title> title(int movieId);
    // The first rentable copy of MOVIEID not in EXCLUDED (discs already picked for this cart).
    std::optional<CachedDisc> pickDisc(int movieId, const QStringList &excluded);
    QList<CachedDisc> rentableDiscs(int movieId);
    std::optional<CachedDisc> disc(const QString &barcode);
    QList<CachedDisc> discs();
    int freeSlot();   // 0: the kiosk is full
    QList<int> freeSlots();
    QHash<int, QString> slotContents();   // slot -> the barcode the records put in it
    KioskFacts facts();
    std::optional<TechnicianInfo> cachedTechnician(const QString &cardHash);
    std::optional<MemberInfo> cachedMember(const QString &cardHash);
    SyncCursor cacheCursor();
    // Small facts kept across restarts (the maintenance entry's lockout).
    QString kioskMeta(const QString &key);
    bool setKioskMeta(const QString &key, const QString &value);
    OutboxStatus outboxStatus();
    QList<OutboxEntry> parkedActions();
    CacheCounts cacheCounts();

    // For tests: drop the red box connection right after the next write is sent
    // (the answer is lost; the write may have committed), to exercise in-doubt resolution.
    void loseNextAnswerForTesting();

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
    void sendHeartbeat();
    void setLink(LinkStatus status);
    LinkStatus linkStatusFor(LinkStatus wanted) const;
    template <typename R>
    R read(const char *what, R fallback, const std::function<R()> &work);

    KioskConfig m_config;
    HealthState m_health;
    std::unique_ptr<KioskStorage> m_storage;
    Link *m_redbox = nullptr;
    Link *m_cacheLink = nullptr;
    OutboxReplay *m_replay = nullptr;
    MemberLookup *m_lookup = nullptr;
    PromoDesk *m_promos = nullptr;
    SignInDesk *m_signIn = nullptr;
    RentalDesk *m_rentals = nullptr;
    ReturnDesk *m_returns = nullptr;
    CacheSync *m_sync = nullptr;
    QTimer m_healthTimer;
    QTimer m_heartbeatTimer;
    bool m_started = false;
};

}   // namespace redbox
