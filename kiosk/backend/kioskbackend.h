// Everything the kiosk's screens ask of the network and the kiosk's own
// records, as one interface: the real one is EngineBridge (the sync engine on
// its thread), tests may hand in a fake. Every call is asynchronous and
// answers in the caller's thread; none blocks. A call that fails answers with
// its failure (never throws into the caller's event loop).
#pragma once

#include "core/kiosktypes.h"
#include "kioskcore/kioskconfig.h"

#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <optional>

namespace redbox {

// CALLBACK, run only while OWNER is alive: an answer that arrives after the
// screen (or page) that asked is gone is dropped, not delivered to a dead object.
template <typename Callback>
auto guarded(QObject *owner, Callback callback)
{
    return [owner = QPointer<QObject>(owner), callback = std::move(callback)](auto &&...args) {
        if (owner)
            callback(std::forward<decltype(args)>(args)...);
    };
}

struct MemberLookupResult {
    std::optional<MemberInfo> member;
    Failure failure = Failure::None;
    QString message;
};

class KioskBackend : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~KioskBackend() override = default;

    virtual const KioskConfig &config() const = 0;
    virtual KioskHealth health() const = 0;
    // The card's keyed hash (a pure computation: it answers at once).
    virtual QString cardHashFor(const QString &cardNumber) const = 0;

    // Customers.
    virtual void lookupMember(const QString &cardHash, std::function<void(MemberLookupResult)> done) = 0;
    // The member's PIN, checked by the server that found the card (offline: by the kiosk).
    virtual void signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> done) = 0;
    // A walk-up card (a bank card): no PIN; the server that found it (or the red box, for a card
    // new to the network) answers with its count, plan and ticket.
    virtual void walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> done) = 0;
    virtual void rent(const RentRequest &request, std::function<void(RentResult)> done) = 0;
    virtual void dispensed(const QUuid &rentalId) = 0;
    // A promo code for this card and transaction (GRANTID), checked online at HQ; its grant goes
    // with one rental of the transaction, or back (releasePromo) when none used it.
    virtual void redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> done) = 0;
    virtual void releasePromo(const QUuid &grantId) = 0;
    virtual void voidRental(const VoidRequest &request, std::function<void(bool)> done) = 0;
    // A return in two phases (KioskEngine::beginReturn): the store journal takes the request
    // before the disc goes into its slot (DONE(false): it cannot, the disc must not be taken);
    // returnDisc records it once the disc is in; endReturn once the return is settled.
    virtual void beginReturn(const ReturnRequest &request, std::function<void(bool)> done) = 0;
    virtual void returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done) = 0;
    virtual void endReturn(const QUuid &returnId) = 0;
    // ADDRESS: where to (a walk-up card, which has none on file); empty: the member's address on file.
    virtual void emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, const QString &address,
                              std::function<void(QString state)> done) = 0;
    virtual void receiptStatus(const QUuid &receiptId, std::function<void(QString state)> done) = 0;

    // The kiosk's own records (its cache).
    virtual void searchCatalog(const CatalogQuery &query, std::function<void(CatalogPage)> done) = 0;
    virtual void pickDisc(int movieId, const QStringList &excluded, std::function<void(std::optional<CachedDisc>)> done) = 0;
    virtual void freeSlot(std::function<void(int slot)> done) = 0;   // 0: the kiosk is full
    virtual void slotContents(std::function<void(QHash<int, QString>)> done) = 0;   // slot -> barcode
    virtual void facts(std::function<void(KioskFacts)> done) = 0;
    // Small facts kept across restarts (a lockout).
    virtual void loadMeta(const QString &key, std::function<void(QString)> done) = 0;
    virtual void saveMeta(const QString &key, const QString &value) = 0;

signals:
    void healthChanged(const redbox::KioskHealth &health);
    void cacheSynced();
    // Titles, this kiosk's discs or its own facts changed (emitted before cacheSynced).
    void catalogChanged();
    void cacheProgress(qint64 done, qint64 total);
};

}   // namespace redbox
