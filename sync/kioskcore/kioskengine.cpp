// One kiosk's engine, the front of its parts (see kioskengine.h).
#include "kioskcore/kioskengine.h"

#include "core/cards.h"
#include "core/logging.h"
#include "crypto/crypto.h"
#include "kioskcore/cachesync.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/memberlookup.h"
#include "kioskcore/outboxreplay.h"
#include "kioskcore/promodesk.h"
#include "kioskcore/rentaldesk.h"
#include "kioskcore/returndesk.h"
#include "kioskcore/signindesk.h"

#include <QPointer>
#include <QRegularExpression>

namespace redbox {

KioskEngine::KioskEngine(KioskConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_health(this), m_storage(std::make_unique<KioskStorage>(m_config, m_health))
{
    qRegisterMetaType<redbox::KioskHealth>();
    connect(&m_health, &HealthState::changed, this, &KioskEngine::healthChanged);
    m_healthTimer.setParent(this);   // parented, so it moves with the engine to its thread
    m_healthTimer.setInterval(10'000);
    connect(&m_healthTimer, &QTimer::timeout, this, &KioskEngine::pollHealth);
    m_heartbeatTimer.setParent(this);
    m_heartbeatTimer.setInterval(m_config.heartbeatEveryS * 1000);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &KioskEngine::sendHeartbeat);
}

KioskEngine::~KioskEngine()
{
    stop();
}

void KioskEngine::start()
{
    if (m_started)
        return;
    m_config.validate();
    m_storage->open();

    const KioskConfig &cfg = m_config;
    m_redbox = new Link(
        QStringLiteral("red box %1").arg(cfg.redboxNode), [cfg](int rotate) { return cfg.redboxConninfo(rotate); }, {}, this);
    m_cacheLink = new Link(
        QStringLiteral("cache sync %1").arg(cfg.redboxNode),
        [cfg](int rotate) { return cfg.redboxConninfo(rotate) + QStringLiteral("-cache"); }, {QStringLiteral("redbox_cache")}, this);
    m_redbox->setApiLevel(kKioskApiLevel);
    m_cacheLink->setApiLevel(kKioskApiLevel);

    EngineParts parts{m_config, *m_storage, m_health, m_redbox, nullptr};
    m_replay = new OutboxReplay(parts, this);
    parts.replay = m_replay;
    m_lookup = new MemberLookup(parts, this);
    m_promos = new PromoDesk(parts, this);
    m_signIn = new SignInDesk(parts, this);
    m_rentals = new RentalDesk(parts, this);
    m_returns = new ReturnDesk(parts, this);
    m_sync = new CacheSync(parts, *m_cacheLink, this);
    connect(m_replay, &OutboxReplay::replayed, this, &KioskEngine::outboxReplayed);
    connect(m_sync, &CacheSync::progress, this, &KioskEngine::cacheProgress);
    connect(m_sync, &CacheSync::synced, this, &KioskEngine::cacheSynced);
    connect(m_sync, &CacheSync::catalogChanged, this, &KioskEngine::catalogChanged);

    connect(m_redbox, &Link::up, this, &KioskEngine::onRedboxUp);
    connect(m_redbox, &Link::refused, this, [this](const QString &why) { m_health.update([&](KioskHealth &h) { h.refusal = why; }); });
    connect(m_redbox, &Link::down, this, [this] { setLink(LinkStatus::Connecting); });
    setLink(LinkStatus::Connecting);
    m_redbox->start();
    m_cacheLink->start();
    m_healthTimer.start();
    m_heartbeatTimer.start();
    m_sync->start();
    m_started = true;
    m_rentals->recoverDispenses(0);
    m_returns->recoverStores();
}

void KioskEngine::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_healthTimer.stop();
    m_heartbeatTimer.stop();
    m_sync->stop();
    m_redbox->stop();
    m_cacheLink->stop();
}

KioskHealth KioskEngine::health() const
{
    return m_health.value();
}

bool KioskEngine::isReplaying() const
{
    return m_replay && m_replay->isReplaying();
}

QString KioskEngine::cardHashFor(const QString &cardNumber) const
{
    return m_storage->cardHashFor(cardNumber);
}

QDateTime KioskEngine::serverNow() const
{
    return m_redbox ? m_redbox->serverNow() : QDateTime::currentDateTimeUtc();
}

// ---- health -----------------------------------------------------------------

LinkStatus KioskEngine::linkStatusFor(LinkStatus wanted) const
{
    if (m_redbox && !m_redbox->isUp() && wanted != LinkStatus::Connecting)
        return LinkStatus::Offline;
    if (wanted == LinkStatus::Connecting && m_redbox && m_redbox->downForMs() > m_config.offlineAfterMs)
        return LinkStatus::Offline;
    return wanted;
}

void KioskEngine::setLink(LinkStatus status)
{
    const LinkStatus link = linkStatusFor(status);
    const QString server = m_redbox ? m_redbox->server() : QString();
    m_health.update([&](KioskHealth &h) {
        h.link = link;
        h.server = server;
    });
}

void KioskEngine::onRedboxUp()
{
    const std::optional<qint64> skew = m_redbox->clockSkewMs();
    if (skew && std::abs(*skew) > 60'000)
        qCWarning(lcClient).noquote() << "this kiosk's clock is" << std::abs(*skew) / 1000 << (*skew < 0 ? "s ahead of" : "s behind")
                                      << "the red box's; the kiosk keeps the red box's time";
    m_health.update([&](KioskHealth &h) {
        h.refusal.clear();
        h.clockSkewMs = skew;
    });
    pollHealth();
    sendHeartbeat();
    m_replay->pump();
}

// The kiosk's health to its red box (redbox.kiosk_heartbeat), on each connection and every
// heartbeatEveryS: what operators watch a kiosk behind NAT by. The outbox figures are the
// health poll's (at most 10 s old), not read again. A beat that fails is not retried; the
// next one says it all again.
void KioskEngine::sendHeartbeat()
{
    if (!m_redbox || !m_redbox->isUp())
        return;
    const KioskHealth h = m_health.value();
    const pg::Param cacheAge = h.lastCacheSync.isValid()
                                   ? pg::Param(std::max<qint64>(0, h.lastCacheSync.secsTo(QDateTime::currentDateTimeUtc())))
                                   : pg::Param(nullptr);
    const pg::Param skew = h.clockSkewMs ? pg::Param(*h.clockSkewMs) : pg::Param(nullptr);
    m_redbox->call(
        redboxapi::kHeartbeatSql,
        {m_config.heartbeatEveryS, h.outboxDepth, h.outboxOldestAgeS, cacheAge, skew, h.storageFault.left(300),
         QStringLiteral(REDBOX_VERSION)},
        false,
        [](const pg::Result *, const pg::DbError *e) {
            if (e)
                qCDebug(lcClient) << "heartbeat not taken:" << e->message();
        },
        1000, 5000);
}

void KioskEngine::pollHealth()
{
    m_storage->refreshOutboxHealth();
    m_rentals->recoverDispenses(120);
    if (!m_redbox->isUp()) {
        setLink(LinkStatus::Connecting);
        return;
    }
    QPointer<KioskEngine> self(this);
    m_redbox->call(
        redboxapi::kHealthSql, {}, false,
        [self](const pg::Result *r, const pg::DbError *) {
            if (!self || !r || r->rows() == 0)
                return;
            const LinkStatus link = self->linkStatusFor(r->boolean(0, 3) ? LinkStatus::Online : LinkStatus::Degraded);
            const QString server = self->m_redbox->server();
            // Every poll is announced: the screens show how fresh the red box's figures are.
            self->m_health.update(
                [&](KioskHealth &h) {
                    h.coastPartitioned = r->boolean(0, 0);
                    h.pendingHops = r->int64(0, 1);
                    h.parkedHops = r->int64(0, 2);
                    h.link = link;
                    h.server = server;
                },
                true);
        },
        1000);
    if (m_health.value().outboxDepth > 0)
        m_replay->pump();
}

// ---- customers ------------------------------------------------------------------

void KioskEngine::lookupMember(const QString &cardHash, MemberCallback callback)
{
    m_lookup->lookup(cardHash, std::move(callback));
}

void KioskEngine::signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> callback)
{
    m_signIn->member(member, pin, std::move(callback));
}

void KioskEngine::walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> callback)
{
    m_signIn->walkUp(member, std::move(callback));
}

SignInResult KioskEngine::signInOffline(const QString &cardHash, const QString &pin, bool technician)
{
    return m_signIn->offline(cardHash, pin, technician);
}

void KioskEngine::rememberPin(const QString &cardHash, const QString &pin)
{
    m_signIn->remember(cardHash, pin);
}

void KioskEngine::rent(RentRequest request, std::function<void(RentResult)> callback)
{
    m_rentals->rent(std::move(request), std::move(callback));
}

void KioskEngine::redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> callback)
{
    m_promos->redeem(code, cardHash, grantId, std::move(callback));
}

void KioskEngine::releasePromo(const QUuid &grantId)
{
    m_promos->release(grantId);
}

void KioskEngine::dispensed(const QUuid &rentalId)
{
    m_rentals->dispensed(rentalId);
}

void KioskEngine::voidRental(const VoidRequest &request, std::function<void(bool, QString)> callback)
{
    m_rentals->voidRental(request, std::move(callback));
}

bool KioskEngine::beginReturn(const ReturnRequest &request)
{
    return m_returns->beginStore(request);
}

void KioskEngine::returnDisc(ReturnRequest request, std::function<void(ReturnResult)> callback)
{
    m_returns->returnDisc(std::move(request), std::move(callback));
}

void KioskEngine::endReturn(const QUuid &returnId)
{
    m_returns->endStore(returnId);
}

void KioskEngine::loseNextAnswerForTesting()
{
    m_rentals->loseNextAnswerForTesting();
}

void KioskEngine::syncNow()
{
    m_sync->syncNow();
}

void KioskEngine::resyncCache()
{
    m_sync->resync();
}

// ---- receipts ----------------------------------------------------------------------------

void KioskEngine::emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, const QString &address,
                               std::function<void(QString)> callback)
{
    QStringList ids;
    for (const QUuid &id : rentalIds)
        ids << id.toString(QUuid::WithoutBraces);
    m_redbox->call(
        redboxapi::kEmailReceiptSql,
        {receiptId, QStringLiteral("{%1}").arg(ids.join(QLatin1Char(','))), address.isEmpty() ? pg::Param(nullptr) : pg::Param(address)},
        true,
        [callback](const pg::Result *r, const pg::DbError *e) {
            if (r)
                callback(r->text(0, 0));
            else
                callback(e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt)
                             ? QStringLiteral("offline")
                             : QStringLiteral("failed"));
        },
        3000);
}

void KioskEngine::receiptStatus(const QUuid &receiptId, std::function<void(QString)> callback)
{
    m_redbox->call(
        redboxapi::kReceiptStatusSql, {receiptId}, false,
        [callback](const pg::Result *r, const pg::DbError *) { callback(r ? r->text(0, 0) : QStringLiteral("queued")); }, 3000);
}

// ---- the technicians' audit log ----------------------------------------------------------

void KioskEngine::audit(const AuditEntry &entry, std::function<void(bool)> callback)
{
    QPointer<KioskEngine> self(this);
    auto keep = [self, entry, callback](const QString &why) {
        if (!self)
            return;
        qCInfo(lcOutbox) << "audit" << entry.action << "kept in the outbox:" << why;
        KioskStorage &storage = *self->m_storage;
        storage.guard("outbox", [&] { storage.outbox().add(entry.auditId, QStringLiteral("audit"), redboxapi::encode(entry)); });
        storage.refreshOutboxHealth();
        if (callback)
            callback(false);
    };
    if (!m_redbox->isUp() || m_health.value().outboxDepth > 0) {
        keep(m_redbox->isUp() ? QStringLiteral("older actions are queued") : QStringLiteral("the red box is unreachable"));
        return;
    }
    m_redbox->call(
        redboxapi::kAuditSql, redboxapi::auditParams(entry), true,
        [self, keep, callback](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r) {
                if (callback)
                    callback(true);
                return;
            }
            keep(e ? e->message() : QStringLiteral("no answer"));
        },
        1000, 5000);
}

// ---- the kiosk's own records --------------------------------------------------------------

template <typename R>
R KioskEngine::read(const char *what, R fallback, const std::function<R()> &work)
{
    R out = fallback;
    if (!m_storage->isOpen())
        return out;
    m_storage->guard(
        what, [&] { out = work(); }, false);
    return out;
}

CatalogPage KioskEngine::searchCatalog(const CatalogQuery &q)
{
    return read<CatalogPage>("cache", {}, [&] {
        CacheStore &c = m_storage->cache();
        return CatalogPage{c.search(q.text, q.genre, q.rating, q.newOnly, q.availableOnly, q.limit), c.genres()};
    });
}

std::optional<Title> KioskEngine::title(int movieId)
{
    return read<std::optional<Title>>("cache", std::nullopt, [&] { return m_storage->cache().title(movieId); });
}

std::optional<CachedDisc> KioskEngine::pickDisc(int movieId, const QStringList &excluded)
{
    return read<std::optional<CachedDisc>>("cache", std::nullopt, [&]() -> std::optional<CachedDisc> {
        for (const CachedDisc &d : m_storage->cache().rentableDiscs(movieId))
            if (!excluded.contains(d.barcode))
                return d;
        return std::nullopt;
    });
}

QList<CachedDisc> KioskEngine::rentableDiscs(int movieId)
{
    return read<QList<CachedDisc>>("cache", {}, [&] { return m_storage->cache().rentableDiscs(movieId); });
}

std::optional<CachedDisc> KioskEngine::disc(const QString &barcode)
{
    return read<std::optional<CachedDisc>>("cache", std::nullopt, [&] { return m_storage->cache().disc(barcode); });
}

QList<CachedDisc> KioskEngine::discs()
{
    return read<QList<CachedDisc>>("cache", {}, [&] { return m_storage->cache().discs(); });
}

int KioskEngine::freeSlot()
{
    return read<int>("cache", 0, [&] {
        const QList<int> free = m_storage->cache().freeSlots();
        return free.isEmpty() ? 0 : free.first();
    });
}

QList<int> KioskEngine::freeSlots()
{
    return read<QList<int>>("cache", {}, [&] { return m_storage->cache().freeSlots(); });
}

QHash<int, QString> KioskEngine::slotContents()
{
    return read<QHash<int, QString>>("cache", {}, [&] {
        QHash<int, QString> inSlots;
        for (const CachedDisc &d : m_storage->cache().discs())
            if (d.status == QLatin1String("in") && d.slot > 0)
                inSlots.insert(d.slot, d.barcode);
        return inSlots;
    });
}

KioskFacts KioskEngine::facts()
{
    return read<KioskFacts>("cache", {}, [&] {
        CacheStore &c = m_storage->cache();
        return KioskFacts{c.taxRateBp(), c.timezone(), c.slotCount(), c.lowestNightCents()};
    });
}

std::optional<TechnicianInfo> KioskEngine::cachedTechnician(const QString &cardHash)
{
    return read<std::optional<TechnicianInfo>>("cache", std::nullopt, [&] { return m_storage->cache().technicianByCard(cardHash); });
}

std::optional<MemberInfo> KioskEngine::cachedMember(const QString &cardHash)
{
    return read<std::optional<MemberInfo>>("cache", std::nullopt, [&] { return m_storage->cache().memberByCard(cardHash); });
}

SyncCursor KioskEngine::cacheCursor()
{
    return read<SyncCursor>("cache", {}, [&] { return m_storage->cache().cursor(); });
}

QString KioskEngine::kioskMeta(const QString &key)
{
    return read<QString>("cache", {}, [&] { return m_storage->cache().meta(key); });
}

bool KioskEngine::setKioskMeta(const QString &key, const QString &value)
{
    return m_storage->isOpen() && m_storage->guard("cache", [&] { m_storage->cache().setMeta(key, value); });
}

OutboxStatus KioskEngine::outboxStatus()
{
    return read<OutboxStatus>("outbox", OutboxStatus{0, 0, 0, false}, [&] {
        OfflineOutbox &o = m_storage->outbox();
        return OutboxStatus{o.depth(), static_cast<int>(o.parked().size()),
                            static_cast<int>(o.pendingDispenses().size() + o.pendingStores().size()), true};
    });
}

QList<OutboxEntry> KioskEngine::parkedActions()
{
    return read<QList<OutboxEntry>>("outbox", {}, [&] { return m_storage->outbox().parked(); });
}

CacheCounts KioskEngine::cacheCounts()
{
    return read<CacheCounts>("cache", {}, [&] {
        const CacheStore::Counts c = m_storage->cache().counts();
        return CacheCounts{c.movies, c.members, c.discs, c.technicians, c.verifiers};
    });
}

}   // namespace redbox
