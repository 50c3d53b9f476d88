// A kiosk backend for the screen-flow tests that need no servers: the
// kiosk's records (a small catalog, its discs in slots), its members and
// technicians, and what the red box would answer, all in memory. Calls answer
// asynchronously, as the real EngineBridge does, and follow the same rules
// the red box keeps (PINs checked and counted by the "server", 5 wrong lock a
// card for 15 minutes; offline, only cards signed in before; plan limits, a
// disc out once, returns priced by the shared pricing rules). Tests set
// faults: the red box offline, the next rental refused, its answer lost.
#pragma once

#include "backend/kioskbackend.h"
#include "backend/maintenancebackend.h"
#include "core/pinlockout.h"

#include <QHash>
#include <QSet>
#include <QTemporaryDir>

#include <functional>

namespace redbox::test {

class FakeBackend : public KioskBackend, public MaintenanceBackend {
    Q_OBJECT
public:
    struct Member {
        MemberInfo info;
        QString pin;
    };
    struct Technician {
        TechnicianInfo info;
        QString pin;
    };
    struct Rental {
        QUuid id;
        qint64 memberId = 0;
        QString barcode;
        QDateTime rentedAt;
        QString status = QStringLiteral("open");   // open | returned | void | bought (a purchase: no disc out)
    };

    explicit FakeBackend(QObject *parent = nullptr);

    // The kiosk: KIOSK-01, 40 slots, three titles with two discs each, two members, one technician.
    static QString memberCard(int i);   // card numbers of the members (0, 1)
    static QString memberPin(int i);
    static QString technicianCard();
    static QString technicianPin();
    static QString discOf(int movieId, int copy);   // barcodes of the discs

    // Faults and clock.
    void setOffline(bool offline);
    // The kiosk's clock skew as the red box's greeting measured it (the server's time minus the kiosk's).
    void setClockSkewMs(std::optional<qint64> skew);
    void refuseNextRental(Failure f, const QString &message) { m_refuseNext = {f, message}; }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    void setHealth(const MaintenanceHealth &h) { m_maintenanceHealth = h; }
    void rentOutElsewhere(const QString &barcode);   // a disc of this kiosk, rented by someone else
    // Promo codes as HQ would answer them: kPromoCode takes kPromoCents off, once per card.
    static constexpr const char *kPromoCode = "FREENIGHT";
    static constexpr int kPromoCents = 1000;
    int promoReleases() const { return m_promoReleases; }
    void expireNextGrant() { m_expireNextGrant = true; }   // the next rental carrying a grant: refused for it

    // What happened (for the tests' checks).
    const QList<Rental> &rentals() const { return m_rentals; }
    QList<Rental> openRentals() const;
    const QList<AuditEntry> &audits() const { return m_audits; }
    QStringList auditActions() const;
    int discsIn() const;
    // The store journal: returns taken in and not settled yet (barcodes).
    QStringList storing() const { return m_storing.values(); }
    void failStoreJournal(bool fail) { m_storeJournalFails = fail; }   // the kiosk's storage cannot write it
    QString conditionOf(const QString &barcode) const;   // good | suspect | damaged; empty: not a disc of ours

    // KioskBackend
    const KioskConfig &config() const override { return m_config; }
    KioskHealth health() const override { return m_health; }
    QString cardHashFor(const QString &cardNumber) const override;
    void lookupMember(const QString &cardHash, std::function<void(MemberLookupResult)> done) override;
    void signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> done) override;
    void walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> done) override;
    void rent(const RentRequest &request, std::function<void(RentResult)> done) override;
    void dispensed(const QUuid &rentalId) override;
    void redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> done) override;
    void releasePromo(const QUuid &grantId) override;
    void voidRental(const VoidRequest &request, std::function<void(bool)> done) override;
    void beginReturn(const ReturnRequest &request, std::function<void(bool)> done) override;
    void returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done) override;
    void endReturn(const QUuid &returnId) override { m_storing.remove(returnId); }
    void emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, const QString &address,
                      std::function<void(QString)> done) override;
    void receiptStatus(const QUuid &receiptId, std::function<void(QString)> done) override;
    void searchCatalog(const CatalogQuery &query, std::function<void(CatalogPage)> done) override;
    void pickDisc(int movieId, const QStringList &excluded, std::function<void(std::optional<CachedDisc>)> done) override;
    void freeSlot(std::function<void(int)> done) override;
    void slotContents(std::function<void(QHash<int, QString>)> done) override;
    void facts(std::function<void(KioskFacts)> done) override;
    void loadMeta(const QString &key, std::function<void(QString)> done) override;
    void saveMeta(const QString &key, const QString &value) override;

    // MaintenanceBackend
    void techSignIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done) override;
    void techSignOut(const TechnicianInfo &technician) override;
    void discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot, const QString &reason,
                    std::function<void(TechAnswer)> done) override;
    void kioskDiscs(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) override;
    void retryParked(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) override;
    void maintenanceHealth(const TechnicianInfo &technician, std::function<void(MaintenanceHealth)> done) override;
    void switchover(const TechnicianInfo &technician, bool back, std::function<void(TechAnswer)> done) override;
    void exportDiagnostics(const TechnicianInfo &technician, std::function<void(TechAnswer)> done) override;
    void resyncCache() override;
    void audit(const AuditEntry &entry) override { m_audits.append(entry); }

    bool techSessionOpen() const { return !m_techSessions.isEmpty(); }
    // How many wrong PINs a card has left at the "server" (the count every kiosk shares).
    int triesLeft(const QString &cardHash) const { return m_pins.failuresLeft(cardHash); }

private:
    struct Disc {
        QString barcode;
        int movieId = 0;
        int slot = 0;   // 0: out
        QString condition = QStringLiteral("good");
    };
    template <typename R>
    void answer(std::function<void(R)> done, R value);
    Disc *disc(const QString &barcode);
    Member *memberByHash(const QString &cardHash);
    int discsOutOf(qint64 memberId) const;
    QList<TechDisc> techDiscs() const;

    KioskConfig m_config;
    KioskHealth m_health;
    QList<Title> m_titles;
    QList<Disc> m_discs;
    QList<Member> m_members;
    QList<Technician> m_technicians;
    QList<Rental> m_rentals;
    QList<AuditEntry> m_audits;
    QHash<QString, QString> m_meta;
    QHash<QUuid, QString> m_receipts;
    QHash<QUuid, QString> m_storing;
    bool m_storeJournalFails = false;
    std::optional<std::pair<Failure, QString>> m_refuseNext;
    QHash<QString, QUuid> m_promoGrants;   // card hash -> the grant it holds of kPromoCode
    QSet<QUuid> m_promoUsed;
    int m_promoReleases = 0;
    bool m_expireNextGrant = false;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    MaintenanceHealth m_maintenanceHealth;
    QTemporaryDir m_exports;
    PinLockout m_pins{5, 15, [this] { return m_clock(); }};   // the "server's" count, per card
    QSet<QString> m_seen;   // cards signed in online here: the kiosk's own verifiers, for offline
    QSet<QString> m_techSessions;
};

}   // namespace redbox::test
