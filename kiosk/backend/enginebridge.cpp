// The real backend of the kiosk's screens (see enginebridge.h).
#include "backend/enginebridge.h"

#include "core/crossthread.h"
#include "maintenance/maintenanceservice.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcBridge, "redbox.kiosk.bridge", QtInfoMsg)

namespace redbox {

EngineBridge::EngineBridge(KioskEngine *engine, QObject *parent)
    : KioskBackend(parent), m_engine(engine), m_config(engine->config()), m_health(engine->health())
{
    connect(engine, &KioskEngine::healthChanged, this, [this](const KioskHealth &h) {
        m_health = h;
        emit healthChanged(h);
    });
    connect(engine, &KioskEngine::cacheSynced, this, &EngineBridge::cacheSynced);
    connect(engine, &KioskEngine::catalogChanged, this, &EngineBridge::catalogChanged);
    connect(engine, &KioskEngine::cacheProgress, this, &EngineBridge::cacheProgress);
    auto make = [this, engine] { m_maintenance = new MaintenanceService(engine); };
    if (engine->thread() == QThread::currentThread())
        make();
    else
        postTo(engine, make, Qt::BlockingQueuedConnection);
}

EngineBridge::~EngineBridge() = default;   // the service goes with the engine, its parent

template <typename R>
void EngineBridge::answer(std::function<void(R)> done, R result)
{
    QPointer<EngineBridge> self(this);
    postTo(this, [self, done, result]() {
        if (self)
            done(result);
    });
}

template <typename R>
void EngineBridge::run(std::function<R(KioskEngine &)> work, std::function<void(R)> done, R failed)
{
    QPointer<EngineBridge> self(this);
    QPointer<KioskEngine> engine(m_engine);
    postTo(m_engine, [self, engine, work, done, failed]() {
        if (!engine)
            return;
        R result = failed;
        try {
            result = work(*engine);
        } catch (const std::exception &e) {
            qCCritical(lcBridge) << "the engine failed a call from the screens:" << e.what();
        }
        if (self)
            self->answer(done, result);
    });
}

template <typename R>
void EngineBridge::async(std::function<void(KioskEngine &, std::function<void(R)>)> op, std::function<void(R)> done, R failed)
{
    QPointer<EngineBridge> self(this);
    QPointer<KioskEngine> engine(m_engine);
    postTo(m_engine, [self, engine, op, done, failed]() {
        if (!engine)
            return;
        try {
            op(*engine, [self, done](R result) {
                if (self)
                    self->answer(done, result);
            });
        } catch (const std::exception &e) {
            qCCritical(lcBridge) << "the engine failed a call from the screens:" << e.what();
            if (self)
                self->answer(done, failed);
        }
    });
}

QString EngineBridge::cardHashFor(const QString &cardNumber) const
{
    return m_engine->cardHashFor(cardNumber);   // pure computation with a key read at start
}

// ---- customers ---------------------------------------------------------------------------

void EngineBridge::lookupMember(const QString &cardHash, std::function<void(MemberLookupResult)> done)
{
    const QUuid id = QUuid::createUuid();
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("lookup"), id, QStringLiteral("invoked"), {}, {}, {}, 0, false, 0});
    async<MemberLookupResult>(
        [cardHash](KioskEngine &e, std::function<void(MemberLookupResult)> cb) {
            e.lookupMember(cardHash, [cb](std::optional<MemberInfo> m, Failure f, QString msg) {
                cb(MemberLookupResult{std::move(m), f, std::move(msg)});
            });
        },
        [this, id, t, done](MemberLookupResult r) {
            record({QStringLiteral("lookup"),
                    id,
                    r.member ? QStringLiteral("ok") : QStringLiteral("failed"),
                    failureName(r.failure),
                    r.member ? r.member->source : r.message,
                    {},
                    r.member ? r.member->memberId : 0,
                    false,
                    t.elapsed()});
            done(std::move(r));
        },
        MemberLookupResult{std::nullopt, Failure::Internal, QStringLiteral("the kiosk could not look the card up")});
}

void EngineBridge::signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> done)
{
    SignInResult failed;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not check the PIN");
    async<SignInResult>([member, pin](KioskEngine &e, std::function<void(SignInResult)> cb) { e.signIn(member, pin, cb); }, std::move(done),
                        failed);
}

void EngineBridge::walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> done)
{
    SignInResult failed;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not check the card");
    async<SignInResult>([member](KioskEngine &e, std::function<void(SignInResult)> cb) { e.walkUpSignIn(member, cb); }, std::move(done),
                        failed);
}

void EngineBridge::rent(const RentRequest &request, std::function<void(RentResult)> done)
{
    QElapsedTimer t;
    t.start();
    const qint64 member = request.member.memberId;
    record({QStringLiteral("rent"), request.rentalId, QStringLiteral("invoked"), {}, {}, request.barcode, member, false, 0});
    RentResult failed;
    failed.rentalId = request.rentalId;
    failed.barcode = request.barcode;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not start the rental");
    async<RentResult>([request](KioskEngine &e, std::function<void(RentResult)> cb) { e.rent(request, cb); },
                      [this, request, member, t, done](RentResult r) {
                          const QString phase = r.failure == Failure::None      ? QStringLiteral("ok")
                                                : r.failure == Failure::InDoubt ? QStringLiteral("unknown")
                                                                                : QStringLiteral("failed");
                          record({QStringLiteral("rent"), request.rentalId, phase, failureName(r.failure), r.message, request.barcode,
                                  member, r.offline, t.elapsed()});
                          done(std::move(r));
                      },
                      failed);
}

void EngineBridge::dispensed(const QUuid &rentalId)
{
    record({QStringLiteral("dispense"), rentalId, QStringLiteral("ok"), {}, {}, {}, 0, false, 0});
    run<bool>(
        [rentalId](KioskEngine &e) {
            e.dispensed(rentalId);
            return true;
        },
        [](bool) {}, false);
}

void EngineBridge::redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> done)
{
    PromoResult failed;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not check the promo code");
    async<PromoResult>(
        [code, cardHash, grantId](KioskEngine &e, std::function<void(PromoResult)> cb) { e.redeemPromo(code, cardHash, grantId, cb); },
        std::move(done), failed);
}

void EngineBridge::releasePromo(const QUuid &grantId)
{
    run<bool>(
        [grantId](KioskEngine &e) {
            e.releasePromo(grantId);
            return true;
        },
        [](bool) {}, false);
}

void EngineBridge::voidRental(const VoidRequest &request, std::function<void(bool)> done)
{
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("void"), request.rentalId, QStringLiteral("invoked"), {}, request.reason, request.barcode, 0, false, 0});
    using Answer = std::pair<bool, QString>;
    async<Answer>(
        [request](KioskEngine &e, std::function<void(Answer)> cb) { e.voidRental(request, [cb](bool ok, QString msg) {
                                                                        cb({ok, msg});
                                                                    }); },
        [this, request, t, done](Answer r) {
            record({QStringLiteral("void"),
                    request.rentalId,
                    r.first ? QStringLiteral("ok") : QStringLiteral("failed"),
                    {},
                    r.second,
                    request.barcode,
                    0,
                    r.second == QLatin1String("kept offline"),
                    t.elapsed()});
            done(r.first);
        },
        Answer{false, QStringLiteral("the kiosk could not void the rental")});
}

void EngineBridge::beginReturn(const ReturnRequest &request, std::function<void(bool)> done)
{
    run<bool>([request](KioskEngine &e) { return e.beginReturn(request); }, std::move(done), false);
}

void EngineBridge::endReturn(const QUuid &returnId)
{
    run<bool>(
        [returnId](KioskEngine &e) {
            e.endReturn(returnId);
            return true;
        },
        [](bool) {}, false);
}

void EngineBridge::returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done)
{
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("return"), request.returnId, QStringLiteral("invoked"), {}, {}, request.barcode, 0, false, 0});
    ReturnResult failed;
    failed.returnId = request.returnId;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not take the return");
    async<ReturnResult>([request](KioskEngine &e, std::function<void(ReturnResult)> cb) { e.returnDisc(request, cb); },
                        [this, request, t, done](ReturnResult r) {
                            record({QStringLiteral("return"), request.returnId,
                                    r.failure == Failure::None ? QStringLiteral("ok") : QStringLiteral("failed"), failureName(r.failure),
                                    r.rentalId.isNull() ? r.message : r.rentalId.toString(QUuid::WithoutBraces), request.barcode, 0,
                                    r.offline, t.elapsed()});
                            done(std::move(r));
                        },
                        failed);
}

void EngineBridge::emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, const QString &address,
                                std::function<void(QString)> done)
{
    async<QString>([receiptId, rentalIds, address](KioskEngine &e,
                                                   std::function<void(QString)> cb) { e.emailReceipt(receiptId, rentalIds, address, cb); },
                   std::move(done), QStringLiteral("failed"));
}

void EngineBridge::receiptStatus(const QUuid &receiptId, std::function<void(QString)> done)
{
    async<QString>([receiptId](KioskEngine &e, std::function<void(QString)> cb) { e.receiptStatus(receiptId, cb); }, std::move(done),
                   QStringLiteral("queued"));
}

// ---- the kiosk's own records ----------------------------------------------------------------

void EngineBridge::searchCatalog(const CatalogQuery &query, std::function<void(CatalogPage)> done)
{
    run<CatalogPage>([query](KioskEngine &e) { return e.searchCatalog(query); }, std::move(done), {});
}

void EngineBridge::pickDisc(int movieId, const QStringList &excluded, std::function<void(std::optional<CachedDisc>)> done)
{
    run<std::optional<CachedDisc>>([movieId, excluded](KioskEngine &e) { return e.pickDisc(movieId, excluded); }, std::move(done),
                                   std::nullopt);
}

void EngineBridge::freeSlot(std::function<void(int)> done)
{
    run<int>([](KioskEngine &e) { return e.freeSlot(); }, std::move(done), 0);
}

void EngineBridge::slotContents(std::function<void(QHash<int, QString>)> done)
{
    run<QHash<int, QString>>([](KioskEngine &e) { return e.slotContents(); }, std::move(done), {});
}

void EngineBridge::facts(std::function<void(KioskFacts)> done)
{
    run<KioskFacts>([](KioskEngine &e) { return e.facts(); }, std::move(done), {});
}

void EngineBridge::loadMeta(const QString &key, std::function<void(QString)> done)
{
    run<QString>([key](KioskEngine &e) { return e.kioskMeta(key); }, std::move(done), {});
}

void EngineBridge::saveMeta(const QString &key, const QString &value)
{
    run<bool>([key, value](KioskEngine &e) { return e.setKioskMeta(key, value); }, [](bool) {}, false);
}

// ---- technicians ------------------------------------------------------------------------------

void EngineBridge::techSignIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    SignInResult failed;
    failed.failure = Failure::Internal;
    failed.message = QStringLiteral("the kiosk could not check the card");
    async<SignInResult>(
        [m, cardHash, pin](KioskEngine &, std::function<void(SignInResult)> cb) {
            if (m)
                m->signIn(cardHash, pin, cb);
        },
        std::move(done), failed);
}

void EngineBridge::techSignOut(const TechnicianInfo &technician)
{
    QPointer<MaintenanceService> m(m_maintenance);
    run<bool>(
        [m, technician](KioskEngine &) {
            if (m)
                m->signOut(technician);
            return true;
        },
        [](bool) {}, false);
}

void EngineBridge::discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot,
                              const QString &reason, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    async<TechAnswer>(
        [m, technician, action, barcode, slot, reason](KioskEngine &, std::function<void(TechAnswer)> cb) {
            if (m)
                m->discAction(technician, action, barcode, slot, reason, cb);
        },
        std::move(done), TechAnswer::failed(QStringLiteral("the kiosk could not send the action")));
}

void EngineBridge::kioskDiscs(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    async<TechAnswer>(
        [m, technician](KioskEngine &, std::function<void(TechAnswer)> cb) {
            if (m)
                m->kioskDiscs(technician, cb);
        },
        std::move(done), TechAnswer::failed(QStringLiteral("the kiosk could not ask for its discs")));
}

void EngineBridge::retryParked(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    async<TechAnswer>(
        [m, technician](KioskEngine &, std::function<void(TechAnswer)> cb) {
            if (m)
                m->retryParked(technician, cb);
        },
        std::move(done), TechAnswer::failed(QStringLiteral("the kiosk could not send the retry")));
}

void EngineBridge::maintenanceHealth(const TechnicianInfo &technician, std::function<void(MaintenanceHealth)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    MaintenanceHealth failed;
    failed.redboxError = QStringLiteral("the kiosk could not probe its servers");
    async<MaintenanceHealth>(
        [m, technician](KioskEngine &, std::function<void(MaintenanceHealth)> cb) {
            if (m)
                m->health(technician, cb);
        },
        std::move(done), failed);
}

void EngineBridge::switchover(const TechnicianInfo &technician, bool back, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    async<TechAnswer>(
        [m, technician, back](KioskEngine &, std::function<void(TechAnswer)> cb) {
            if (m)
                m->switchover(technician, back, cb);
        },
        std::move(done), TechAnswer::failed(QStringLiteral("the kiosk could not ask for the switchover")));
}

void EngineBridge::exportDiagnostics(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> m(m_maintenance);
    async<TechAnswer>(
        [m, technician](KioskEngine &, std::function<void(TechAnswer)> cb) {
            if (m)
                m->exportDiagnostics(technician, cb);
        },
        std::move(done), TechAnswer::failed(QStringLiteral("the kiosk could not write the bundle")));
}

void EngineBridge::resyncCache()
{
    run<bool>(
        [](KioskEngine &e) {
            e.resyncCache();
            return true;
        },
        [](bool) {}, false);
}

void EngineBridge::audit(const AuditEntry &entry)
{
    run<bool>(
        [entry](KioskEngine &e) {
            e.audit(entry);
            return true;
        },
        [](bool) {}, false);
}

}   // namespace redbox
