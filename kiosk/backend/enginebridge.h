// The real backend of the kiosk's screens: calls hop to the engine's thread
// (where the network and disk work happens), answers hop back to the
// caller's thread. The kiosk app runs the engine on a worker thread; the
// simulator runs many engines and their bridges on one thread. Either way
// nothing the screens call ever blocks, and an exception in the engine's
// work is caught, logged and answered as a failure.
#pragma once

#include "backend/kioskbackend.h"
#include "backend/maintenancebackend.h"
#include "kioskcore/kioskengine.h"

#include <QPointer>

#include <functional>

namespace redbox {

class MaintenanceService;

class EngineBridge : public KioskBackend, public MaintenanceBackend {
    Q_OBJECT
public:
    // ENGINE has been started; its MaintenanceService is made here, in the engine's thread.
    explicit EngineBridge(KioskEngine *engine, QObject *parent = nullptr);
    ~EngineBridge() override;

    KioskEngine *engine() const { return m_engine; }
    const KioskConfig &config() const override { return m_config; }
    KioskHealth health() const override { return m_health; }
    QString cardHashFor(const QString &cardNumber) const override;

    // Every call the screens make, as it starts and as it ends, for whoever keeps a history of
    // them (the simulator traces each rental by its id). Runs in the bridge's thread.
    struct CallRecord {
        QString kind;   // lookup | rent | void | return | dispense
        QUuid id;   // the rental's, the return's (lookups: a fresh id)
        QString phase;   // invoked | ok | failed | unknown (the answer did not settle it)
        QString failure;   // failureName() when failed
        QString detail;
        QString barcode;
        qint64 memberId = 0;
        bool offline = false;   // kept in the kiosk's outbox
        qint64 latencyMs = 0;   // ended - invoked
    };
    void setRecorder(std::function<void(const CallRecord &)> recorder) { m_recorder = std::move(recorder); }

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
    void endReturn(const QUuid &returnId) override;
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
    void audit(const AuditEntry &entry) override;

private:
    // Runs WORK with the engine in its thread, then DONE with the result in ours; an exception
    // in WORK is logged and answered with FAILED.
    template <typename R>
    void run(std::function<R(KioskEngine &)> work, std::function<void(R)> done, R failed);
    // Runs an asynchronous engine operation; its callback's value comes back in our thread.
    template <typename R>
    void async(std::function<void(KioskEngine &, std::function<void(R)>)> op, std::function<void(R)> done, R failed);
    template <typename R>
    void answer(std::function<void(R)> done, R result);
    void record(const CallRecord &r) const
    {
        if (m_recorder)
            m_recorder(r);
    }

    std::function<void(const CallRecord &)> m_recorder;
    KioskEngine *m_engine;
    MaintenanceService *m_maintenance = nullptr;   // in the engine's thread, a child of the engine
    KioskConfig m_config;
    KioskHealth m_health;
};

}   // namespace redbox
