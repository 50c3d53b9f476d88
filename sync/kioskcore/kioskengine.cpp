// One kiosk's engine (see kioskengine.h).
#include "kioskcore/kioskengine.h"
#include "maintenance/maintenanceservice.h"

#include "core/cards.h"
#include "core/logging.h"
#include "crypto/crypto.h"
#include "crypto/keyfile.h"

#include <QDir>
#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimeZone>

namespace redbox {

namespace {

bool isHex64(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{64}$"));
    return re.match(s).hasMatch();
}

QDateTime dueAt(const QDateTime &rentedAt, const QString &tz)
{
    const QTimeZone zone(tz.toLatin1());
    const QDateTime local = rentedAt.toTimeZone(zone.isValid() ? zone : QTimeZone::utc());
    return QDateTime(local.date().addDays(1), QTime(21, 0), local.timeZone()).toUTC();
}

// Red box answers in rows; the kiosk's calls in one place, parameters bound.
const QByteArray kRentSql =
    "SELECT rental_id, due_at, amount_cents, tax_cents, discs_out, replayed FROM redbox.kiosk_rent("
    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const QByteArray kReturnSql =
    "SELECT return_id, rental_id, movie_id, title, foreign_disc, nights, charge_cents, late_cents "
    "FROM redbox.kiosk_return($1, $2, $3, $4, $5)";
const QByteArray kVoidSql = "SELECT voided FROM redbox.kiosk_void_rental($1, $2, $3, $4, $5)";
const QByteArray kAuditSql = "SELECT redbox.kiosk_audit($1, $2, $3, $4, $5, $6, $7)";

std::vector<pg::Param> auditParams(const QString &kioskId, const QJsonObject &p)
{
    const qint64 tech = p.value(QStringLiteral("technician_id")).toInteger();
    const QString barcode = p.value(QStringLiteral("barcode")).toString();
    return {QUuid::fromString(p.value(QStringLiteral("audit_id")).toString()), kioskId,
            tech > 0 ? pg::Param(tech) : pg::Param(nullptr), p.value(QStringLiteral("action")).toString(),
            barcode.isEmpty() ? pg::Param(nullptr) : pg::Param(barcode),
            QJsonDocument(p.value(QStringLiteral("detail")).toObject()),
            QDateTime::fromString(p.value(QStringLiteral("at")).toString(), Qt::ISODateWithMs)};
}

std::vector<pg::Param> rentParams(const KioskConfig &cfg, const RentRequest &r, bool offline)
{
    return {r.rentalId, cfg.kioskId, r.member.cardHash, r.barcode, r.paymentId, r.cardToken, r.cardLast4,
            r.rentedAt, offline, r.member.ticket ? pg::Param(*r.member.ticket) : pg::Param(nullptr)};
}

QJsonObject rentPayload(const RentRequest &r)
{
    QJsonObject o{{QStringLiteral("rental_id"), r.rentalId.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("payment_id"), r.paymentId.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("card_hash"), r.member.cardHash},
                  {QStringLiteral("barcode"), r.barcode},
                  {QStringLiteral("card_token"), r.cardToken},
                  {QStringLiteral("card_last4"), r.cardLast4},
                  {QStringLiteral("rented_at"), r.rentedAt.toUTC().toString(Qt::ISODateWithMs)}};
    if (r.member.ticket)
        o.insert(QStringLiteral("ticket"), r.member.ticket->object());
    return o;
}

} // namespace

Failure failureFor(const pg::DbError &e)
{
    const QString &s = e.sqlstate();
    if (s == QLatin1String("RB001"))
        return Failure::UnknownCard;
    if (s == QLatin1String("RB002"))
        return Failure::NotAllowed;
    if (s == QLatin1String("RB003"))
        return Failure::LimitReached;
    if (s == QLatin1String("RB005"))
        return Failure::DiscUnavailable;
    if (s == QLatin1String("RB004") || s == QLatin1String("RB011"))
        return Failure::DiscNotOurs;
    if (s == QLatin1String("RB010"))
        return Failure::DiscAlreadyIn;
    if (e.kind() == pg::ErrorKind::BadInput || s == QLatin1String("RB007") || s == QLatin1String("RB006"))
        return Failure::BadInput;
    if (e.kind() == pg::ErrorKind::InDoubt)
        return Failure::InDoubt;
    if (e.kind() == pg::ErrorKind::BrokenConnection || e.kind() == pg::ErrorKind::ReadOnly)
        return Failure::Offline;
    return Failure::Internal;
}

KioskEngine::KioskEngine(KioskConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    qRegisterMetaType<redbox::KioskHealth>();
    // Parented, so they move with the engine to its thread.
    m_healthTimer.setParent(this);
    m_syncTimer.setParent(this);
    m_periodicSync.setParent(this);
    m_healthTimer.setInterval(10'000);
    connect(&m_healthTimer, &QTimer::timeout, this, &KioskEngine::pollHealth);
    m_syncTimer.setSingleShot(true);
    connect(&m_syncTimer, &QTimer::timeout, this, &KioskEngine::syncStep);
    m_periodicSync.setInterval(60'000);
    connect(&m_periodicSync, &QTimer::timeout, this, [this] { scheduleSync(0); });
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
    try {
        m_cardKey = crypto::readHexKey(m_config.cardKeyFile);
        m_kioskKey = crypto::loadOrCreateKey(m_config.kioskKeyFile);
    } catch (const std::runtime_error &e) {
        throw ConfigError(QString::fromStdString(e.what()));
    }
    m_cache = std::make_unique<CacheStore>(QDir(m_config.storageDir).filePath(QStringLiteral("cache.db")), m_kioskKey,
                                           m_config.kioskId);
    m_outbox = std::make_unique<OfflineOutbox>(QDir(m_config.storageDir).filePath(QStringLiteral("outbox.db")), m_kioskKey);
    m_maintenance = std::make_unique<MaintenanceService>(this);
    m_health.lastCacheSync = m_cache->cursor().lastSync;
    refreshOutboxHealth();

    const KioskConfig cfg = m_config;
    m_redbox = new Link(QStringLiteral("red box %1").arg(cfg.redboxNode), [cfg](int rotate) { return cfg.redboxConninfo(rotate); },
                        {}, this);
    m_cacheLink = new Link(QStringLiteral("cache sync %1").arg(cfg.redboxNode),
                           [cfg](int rotate) { return cfg.redboxConninfo(rotate) + QStringLiteral("-cache"); },
                           {QStringLiteral("redbox_cache")}, this);
    m_redbox->setApiLevel(kKioskApiLevel);
    m_cacheLink->setApiLevel(kKioskApiLevel);
    connect(m_redbox, &Link::up, this, &KioskEngine::onRedboxUp);
    connect(m_redbox, &Link::refused, this, [this](const QString &why) {
        if (m_health.refusal != why) {
            m_health.refusal = why;
            emit healthChanged(m_health);
        }
    });
    connect(m_redbox, &Link::down, this, [this] { setLink(LinkStatus::Connecting); });
    connect(m_cacheLink, &Link::up, this, [this] { scheduleSync(0); });
    connect(m_cacheLink, &Link::notified, this, [this](const QString &, const QString &payload) {
        if (payload == QLatin1String("*") || payload == m_config.kioskId)
            scheduleSync(500 + static_cast<int>(QRandomGenerator::global()->bounded(1500)));
    });
    setLink(LinkStatus::Connecting);
    m_redbox->start();
    m_cacheLink->start();
    m_healthTimer.start();
    m_periodicSync.start();
    m_started = true;
    recoverDispenses(0);
}

bool KioskEngine::guardStorage(const char *what, const std::function<void()> &work, bool write)
{
    try {
        work();
        if (write && !m_health.storageFault.isEmpty()) {
            qCInfo(lcClient) << "kiosk storage works again";
            m_health.storageFault.clear();
            emit healthChanged(m_health);
        }
        return true;
    } catch (const std::exception &e) {
        const QString fault = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(e.what()));
        qCCritical(lcClient) << "kiosk storage failed:" << fault;
        if (m_health.storageFault != fault) {
            m_health.storageFault = fault;
            emit healthChanged(m_health);
        }
        return false;
    }
}

void KioskEngine::recoverDispenses(qint64 olderThanS)
{
    QList<PendingDispense> pending;
    if (!guardStorage("dispense journal", [&] { pending = m_outbox->pendingDispenses(); }, false))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const PendingDispense &p : pending) {
        if (m_dispensing.contains(p.rentalId) || p.createdAt.secsTo(now) < olderThanS)
            continue;
        // The kiosk stopped (or could not clear the journal) between asking for the rental and
        // the disc coming out: the disc is still in its slot, so the rental, if it was made, is voided.
        qCWarning(lcClient) << "rental" << p.rentalId << "of disc" << p.barcode << "was never dispensed; voiding it";
        m_dispensing.insert(p.rentalId);
        voidRental(p.rentalId, p.barcode, p.slot, false, QStringLiteral("the kiosk stopped before the disc was dispensed"),
                   [](bool, const QString &) {});
    }
}

void KioskEngine::dispensed(const QUuid &rentalId)
{
    endDispense(rentalId);
}

void KioskEngine::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_healthTimer.stop();
    m_syncTimer.stop();
    m_periodicSync.stop();
    if (m_redbox)
        m_redbox->stop();
    if (m_cacheLink)
        m_cacheLink->stop();
}

QString KioskEngine::cardHashFor(const QString &cardNumber) const
{
    return crypto::cardHash(m_cardKey, cardNumber);
}

bool KioskEngine::pinWellFormed(const QString &pin)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]{4}$"));
    return re.match(pin).hasMatch();
}

bool KioskEngine::checkPin(const MemberInfo &member, const QString &pin)
{
    return pinWellFormed(pin) && crypto::verifySecret(pin, member.pinHash);
}

// ---- health -----------------------------------------------------------------

void KioskEngine::setLink(LinkStatus status)
{
    if (m_redbox && !m_redbox->isUp() && status != LinkStatus::Connecting)
        status = LinkStatus::Offline;
    if (status == LinkStatus::Connecting && m_redbox && m_redbox->downForMs() > m_config.offlineAfterMs)
        status = LinkStatus::Offline;
    const bool changed = m_health.link != status || m_health.server != (m_redbox ? m_redbox->server() : QString());
    m_health.link = status;
    m_health.server = m_redbox ? m_redbox->server() : QString();
    if (changed)
        emit healthChanged(m_health);
}

void KioskEngine::refreshOutboxHealth()
{
    int depth = 0;
    qint64 age = 0;
    if (!guardStorage("outbox", [&] {
            depth = m_outbox->depth();
            age = m_outbox->oldestAgeSeconds();
        }, false))
        return;
    if (depth != m_health.outboxDepth || age != m_health.outboxOldestAgeS) {
        m_health.outboxDepth = depth;
        m_health.outboxOldestAgeS = age;
        emit healthChanged(m_health);
    }
}

void KioskEngine::onRedboxUp()
{
    if (!m_health.refusal.isEmpty()) {
        m_health.refusal.clear();
        emit healthChanged(m_health);
    }
    pollHealth();
    pumpReplay();
}

void KioskEngine::pollHealth()
{
    refreshOutboxHealth();
    recoverDispenses(120);
    if (!m_redbox->isUp()) {
        setLink(LinkStatus::Connecting);
        return;
    }
    QPointer<KioskEngine> self(this);
    m_redbox->call("SELECT coast_partitioned, pending_hops, parked_hops, standby_streaming FROM redbox.kiosk_health()", {},
                   false, [self](const pg::Result *r, const pg::DbError *) {
                       if (!self || !r || r->rows() == 0)
                           return;
                       self->m_health.coastPartitioned = r->boolean(0, 0);
                       self->m_health.pendingHops = r->int64(0, 1);
                       self->m_health.parkedHops = r->int64(0, 2);
                       self->setLink(r->boolean(0, 3) ? LinkStatus::Online : LinkStatus::Degraded);
                       emit self->healthChanged(self->m_health);
                   }, 1000);
    if (m_health.outboxDepth > 0)
        pumpReplay();
}

// ---- member lookup and escalation -----------------------------------------------

void KioskEngine::lookupMember(const QString &cardHash, MemberCallback callback)
{
    if (!isHex64(cardHash)) {
        callback(std::nullopt, Failure::BadInput, QStringLiteral("card data is not valid"));
        return;
    }
    QPointer<KioskEngine> self(this);
    auto fromCacheOrEscalate = [self, cardHash, callback]() {
        if (!self)
            return;
        std::optional<MemberInfo> m;
        self->guardStorage("cache", [&] { m = self->m_cache->memberByCard(cardHash); }, false);
        if (m) {
            callback(m, Failure::None, QString());
            return;
        }
        self->escalate(cardHash, callback, 0);
    };
    if (!m_redbox->isUp() && m_redbox->downForMs() > 2000) {
        fromCacheOrEscalate();
        return;
    }
    m_redbox->call("SELECT member_id, pin_hash, allowed, discs_out, plan_limit, membership_id, home_coast, daily_rate_cents, "
                   "max_charge_cents FROM redbox.kiosk_member($1)",
                   {cardHash}, false,
                   [self, cardHash, callback, fromCacheOrEscalate](const pg::Result *r, const pg::DbError *e) {
                       if (!self)
                           return;
                       if (r && r->rows() == 1) {
                           MemberInfo m;
                           m.memberId = r->int64(0, 0);
                           m.cardHash = cardHash;
                           m.pinHash = r->text(0, 1);
                           m.allowed = r->boolean(0, 2);
                           m.discsOut = r->int32(0, 3);
                           m.planLimit = r->int32(0, 4);
                           m.membershipId = r->int32(0, 5);
                           m.homeCoast = r->text(0, 6);
                           m.dailyRateCents = r->int32(0, 7);
                           m.maxChargeCents = r->int32(0, 8);
                           m.source = QStringLiteral("redbox");
                           callback(m, Failure::None, QString());
                       } else if (e && e->sqlstate() == QLatin1String("RB001")) {
                           self->escalate(cardHash, callback, 0);   // not a member of this coast: ask upstream
                       } else if (e && failureFor(*e) == Failure::BadInput) {
                           callback(std::nullopt, Failure::BadInput, e->message());
                       } else {
                           fromCacheOrEscalate();
                       }
                   },
                   2000, 5000);
}

void KioskEngine::escalate(const QString &cardHash, MemberCallback callback, int stage)
{
    // Stage 0: this kiosk's coast server; stage 1: the HQ cloud (verify-only role, short timeouts).
    if (stage > 1) {
        callback(std::nullopt, Failure::UnknownCard, QStringLiteral("this card is not a member anywhere in the network"));
        return;
    }
    auto *conn = new pg::AsyncConnection(this);
    QPointer<KioskEngine> self(this);
    const QString where = stage == 0 ? m_config.coastNode : QStringLiteral("hq");
    auto finish = [conn]() { conn->deleteLater(); };
    auto unreachable = std::make_shared<bool>(false);
    connect(conn, &pg::AsyncConnection::connectionLost, this, [self, conn, cardHash, callback, stage, unreachable, finish](const QString &msg) {
        if (!self || *unreachable)
            return;
        *unreachable = true;
        qCWarning(lcEscalation) << "escalation stage" << stage << "unreachable:" << msg;
        finish();
        if (stage == 0)
            self->escalate(cardHash, callback, 1);
        else
            callback(std::nullopt, Failure::Offline, QStringLiteral("the card cannot be checked right now (coast and HQ unreachable)"));
    });
    connect(conn, &pg::AsyncConnection::connected, this, [self, conn, cardHash, callback, stage, where, unreachable, finish]() {
        conn->query("SELECT member_id, pin_hash, allowed, discs_out, plan_limit, membership_id, home_coast, daily_rate_cents, "
                    "max_charge_cents, ticket FROM redbox.verify_member($1)",
                    {cardHash}, false,
                    [self, cardHash, callback, stage, where, unreachable, finish](const pg::Result *r, const pg::DbError *e) {
                        if (!self || *unreachable)
                            return;
                        *unreachable = true;   // settled: ignore the close that follows
                        finish();
                        if (r && r->rows() == 1) {
                            MemberInfo m;
                            m.memberId = r->int64(0, 0);
                            m.cardHash = cardHash;
                            m.pinHash = r->text(0, 1);
                            m.allowed = r->boolean(0, 2);
                            m.discsOut = r->int32(0, 3);
                            m.planLimit = r->int32(0, 4);
                            m.membershipId = r->int32(0, 5);
                            m.homeCoast = r->text(0, 6);
                            m.dailyRateCents = r->int32(0, 7);
                            m.maxChargeCents = r->int32(0, 8);
                            m.ticket = r->json(0, 9);
                            m.away = true;
                            m.source = where;
                            qCInfo(lcEscalation) << "card verified at" << where;
                            callback(m, Failure::None, QString());
                        } else if (e && e->sqlstate() == QLatin1String("RB001")) {
                            self->escalate(cardHash, callback, stage + 1);
                        } else if (stage == 0) {
                            self->escalate(cardHash, callback, 1);
                        } else {
                            callback(std::nullopt, e ? failureFor(*e) : Failure::Internal,
                                     e ? e->message() : QStringLiteral("no answer"));
                        }
                    },
                    self->m_config.escalationTimeoutMs);
    });
    conn->open(stage == 0 ? m_config.coastConninfo() : m_config.hqConninfo(), m_config.escalationTimeoutMs);
}

// ---- rentals --------------------------------------------------------------------

void KioskEngine::afterReplay(std::function<void()> online, std::function<void()> offline)
{
    int depth = 0;
    guardStorage("outbox", [&] { depth = m_outbox->depth(); }, false);
    if (!m_replaying && depth == 0) {
        online();
        return;
    }
    if (!m_replaying && !m_redbox->isUp()) {
        // Older actions wait in the outbox and the red box is away: this one
        // joins the queue behind them, in order, instead of waiting for the link.
        offline();
        return;
    }
    m_afterReplay.push_back(std::move(online));
    pumpReplay();
}

void KioskEngine::rent(RentRequest request, std::function<void(RentResult)> callback)
{
    RentResult bad;
    bad.rentalId = request.rentalId;
    bad.barcode = request.barcode;
    if (!parseDiscBarcode(request.barcode)) {
        bad.failure = Failure::BadInput;
        bad.message = QStringLiteral("that is not one of our disc barcodes");
    } else if (!isHex64(request.member.cardHash) || request.member.memberId <= 0) {
        bad.failure = Failure::BadInput;
        bad.message = QStringLiteral("sign in first");
    } else if (!QRegularExpression(QStringLiteral("^tok_[A-Za-z0-9]{8,40}$")).match(request.cardToken).hasMatch()
               || !QRegularExpression(QStringLiteral("^[0-9]{4}$")).match(request.cardLast4).hasMatch()) {
        bad.failure = Failure::BadInput;
        bad.message = QStringLiteral("the payment was not authorized");
    }
    if (bad.failure == Failure::None && request.slot <= 0) {
        std::optional<CachedDisc> disc;
        guardStorage("cache", [&] { disc = m_cache->disc(request.barcode); }, false);
        request.slot = disc && disc->slot > 0 ? disc->slot : 0;
        if (request.slot <= 0) {
            bad.failure = Failure::DiscUnavailable;
            bad.message = QStringLiteral("that disc is not in a slot of this kiosk");
        }
    }
    if (bad.failure != Failure::None) {
        callback(bad);
        return;
    }
    // The journal first: whatever happens next, a disc that does not come out is never charged.
    if (!guardStorage("dispense journal", [&] { m_outbox->beginDispense(request.rentalId, request.barcode, request.slot); })) {
        bad.failure = Failure::Internal;
        bad.message = QStringLiteral("the kiosk cannot record rentals right now (its storage is full or failing)");
        callback(bad);
        return;
    }
    m_dispensing.insert(request.rentalId);
    QPointer<KioskEngine> self(this);
    auto settle = [self, request, callback](RentResult result) {
        if (self && result.failure == Failure::InDoubt) {
            // It may have committed, and no disc will come out: void it (idempotent; "no rental" is fine).
            self->voidRental(request.rentalId, request.barcode, request.slot, false,
                             QStringLiteral("the rental could not be confirmed at the kiosk"), [](bool, const QString &) {});
        } else if (self && result.failure != Failure::None) {
            self->endDispense(request.rentalId);
        }
        callback(result);
    };
    afterReplay(
        [self, request, settle]() {
            if (self)
                self->rentOnline(request, settle);
        },
        [self, request, settle]() {
            if (self)
                self->rentOffline(request, settle, QStringLiteral("offline actions are still queued"));
        });
}

void KioskEngine::rentOnline(RentRequest request, std::function<void(RentResult)> callback)
{
    QPointer<KioskEngine> self(this);
    if (m_loseNextAnswer) {
        m_loseNextAnswer = false;
        m_redbox->dropAfterNextSendForTesting();
    }
    m_redbox->call(kRentSql, rentParams(m_config, request, false), true,
                   [self, request, callback](const pg::Result *r, const pg::DbError *e) {
                       if (!self)
                           return;
                       if (r && r->rows() == 1) {
                           RentResult out;
                           out.rentalId = r->uuid(0, 0);
                           out.barcode = request.barcode;
                           out.dueAt = r->timestamp(0, 1);
                           out.amountCents = r->int32(0, 2);
                           out.taxCents = r->int32(0, 3);
                           out.discsOut = r->int32(0, 4);
                           out.replayed = r->boolean(0, 5);
                           self->guardStorage("cache", [&] {
                               self->m_cache->setDiscOut(request.barcode);
                               if (!request.member.away)
                                   self->m_cache->adjustMemberDiscsOut(request.member.cardHash, +1);
                           });
                           callback(out);
                           return;
                       }
                       if (e && e->kind() == pg::ErrorKind::InDoubt) {
                           qCWarning(lcClient) << "rental" << request.rentalId << "in doubt:" << e->message();
                           self->resolveRent(request, callback, 0);
                       } else if (e && e->kind() == pg::ErrorKind::BrokenConnection) {
                           self->rentOffline(request, callback, e->message());
                       } else {
                           RentResult out;
                           out.rentalId = request.rentalId;
                           out.barcode = request.barcode;
                           out.failure = e ? failureFor(*e) : Failure::Internal;
                           out.message = e ? e->message() : QStringLiteral("no answer");
                           callback(out);
                       }
                   },
                   m_config.offlineAfterMs);
}

void KioskEngine::resolveRent(RentRequest request, std::function<void(RentResult)> callback, int attempt)
{
    // Never a blind retry: look the rental's id up first. Found: it committed.
    // Not found: it did not (or is not yet visible); the rental function is
    // idempotent on the id, so asking again settles it either way.
    QPointer<KioskEngine> self(this);
    m_redbox->call("SELECT status FROM redbox.kiosk_rental_status($1)", {request.rentalId}, false,
                   [self, request, callback, attempt](const pg::Result *r, const pg::DbError *e) {
                       if (!self)
                           return;
                       if (r && r->rows() == 1) {
                           qCInfo(lcClient) << "in-doubt rental" << request.rentalId << "had committed";
                           self->rentOnline(request, callback);   // returns the committed rental (replayed)
                       } else if (r) {
                           if (attempt >= 1) {
                               RentResult out;
                               out.rentalId = request.rentalId;
                               out.failure = Failure::InDoubt;
                               out.message = QStringLiteral("the rental could not be confirmed");
                               callback(out);
                               return;
                           }
                           self->rentOnline(request, [self, request, callback, attempt](RentResult res) {
                               if (self && res.failure == Failure::DiscUnavailable)
                                   self->resolveRent(request, callback, attempt + 1);   // the first try won the race
                               else
                                   callback(res);
                           });
                       } else if (e && e->kind() == pg::ErrorKind::BrokenConnection) {
                           // Still no red box: the outbox keeps it under the same id; replay settles it exactly once.
                           self->rentOffline(request, callback, QStringLiteral("in doubt and offline"));
                       } else {
                           RentResult out;
                           out.rentalId = request.rentalId;
                           out.failure = Failure::InDoubt;
                           out.message = e ? e->message() : QStringLiteral("no answer");
                           callback(out);
                       }
                   },
                   m_config.offlineAfterMs);
}

void KioskEngine::rentOffline(const RentRequest &request, std::function<void(RentResult)> callback, const QString &why)
{
    RentResult out;
    out.rentalId = request.rentalId;
    out.barcode = request.barcode;
    auto refuse = [&](Failure f, const QString &msg) {
        out.failure = f;
        out.message = msg;
        callback(out);
    };
    if (request.member.away)
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and this card is from another region"));
    std::optional<MemberInfo> cached;
    std::optional<CachedDisc> disc;
    int queued = 0;
    if (!guardStorage("cache", [&] {
            cached = m_cache->memberByCard(request.member.cardHash);
            disc = m_cache->disc(request.barcode);
            queued = m_outbox->queuedFor(request.member.cardHash);
        }, false))
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and the kiosk's own records cannot be read"));
    if (!cached)
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and this card is not known here"));
    if (!cached->allowed)
        return refuse(Failure::NotAllowed, QStringLiteral("account on hold"));
    if (!disc || disc->status != QLatin1String("in") || disc->condition != QLatin1String("good"))
        return refuse(Failure::DiscUnavailable, QStringLiteral("that disc is not available"));
    const int out_ = cached->discsOut + queued;
    const int limit = std::min(cached->planLimit, m_config.offlineAllowance);
    if (out_ >= limit)
        return refuse(Failure::LimitReached, QStringLiteral("offline limit reached: %1 discs (offline allowance %2)").arg(out_).arg(limit));
    if (!guardStorage("outbox", [&] { m_outbox->add(request.rentalId, QStringLiteral("rent"), rentPayload(request), request.member.cardHash); }))
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and the kiosk cannot store the rental (its storage is full or failing)"));
    guardStorage("cache", [&] { m_cache->setDiscOut(request.barcode); });
    qCInfo(lcOutbox) << "rental" << request.rentalId << "kept offline:" << why;
    out.offline = true;
    out.dueAt = dueAt(request.rentedAt, m_cache->timezone());
    out.amountCents = cached->dailyRateCents;
    out.taxCents = static_cast<int>(std::llround(static_cast<double>(cached->dailyRateCents) * m_cache->taxRateBp() / 10000.0));
    out.discsOut = out_ + 1;
    refreshOutboxHealth();
    callback(out);
}

void KioskEngine::voidRental(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &reason,
                             std::function<void(bool, QString)> callback)
{
    QPointer<KioskEngine> self(this);
    const QString why = reason.left(200);
    auto offline = [self, rentalId, barcode, slot, damaged, why, callback]() {
        if (self)
            self->keepVoidOffline(rentalId, barcode, slot, damaged, why, callback);
    };
    afterReplay(
        [self, rentalId, barcode, slot, damaged, why, callback, offline]() {
            if (!self)
                return;
            self->m_redbox->call(kVoidSql, {rentalId, self->m_config.kioskId, why, slot, damaged}, true,
                                 [self, rentalId, barcode, slot, damaged, callback, offline](const pg::Result *r, const pg::DbError *e) {
                                     if (!self)
                                         return;
                                     if (!r && e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt)) {
                                         offline();   // unreachable or in doubt: the void waits in the outbox
                                         return;
                                     }
                                     if (r) {
                                         self->guardStorage("cache", [&] {
                                             const auto disc = self->m_cache->disc(barcode);
                                             self->m_cache->setDiscIn(barcode, disc ? disc->movieId : 0, slot);
                                             if (damaged)
                                                 self->m_cache->setDiscCondition(barcode, QStringLiteral("damaged"));
                                         });
                                     }
                                     if (r || (e && e->sqlstate() == QLatin1String("RB012")))
                                         self->endDispense(rentalId);   // voided, or it never committed
                                     callback(r != nullptr, e ? e->message() : QString());
                                 },
                                 self->m_config.offlineAfterMs);
        },
        offline);
}

void KioskEngine::keepVoidOffline(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &why,
                                  const std::function<void(bool, QString)> &callback)
{
    // After the rental, if that is queued too: replay keeps the order.
    const bool kept = guardStorage("outbox", [&] {
        m_outbox->add(QUuid::createUuid(), QStringLiteral("void"),
                      QJsonObject{{QStringLiteral("rental_id"), rentalId.toString(QUuid::WithoutBraces)},
                                  {QStringLiteral("barcode"), barcode},
                                  {QStringLiteral("slot_no"), slot},
                                  {QStringLiteral("damaged"), damaged},
                                  {QStringLiteral("reason"), why}});
    });
    if (!kept) {
        // The journal still holds it: the health poll voids it once storage works again.
        m_dispensing.remove(rentalId);
        callback(false, QStringLiteral("the void could not be stored; it is retried"));
        return;
    }
    endDispense(rentalId);
    guardStorage("cache", [&] {
        const auto disc = m_cache->disc(barcode);
        m_cache->setDiscIn(barcode, disc ? disc->movieId : 0, slot);
    });
    refreshOutboxHealth();
    callback(true, QStringLiteral("kept offline"));
}

void KioskEngine::endDispense(const QUuid &rentalId)
{
    m_dispensing.remove(rentalId);
    guardStorage("dispense journal", [&] { m_outbox->endDispense(rentalId); });
}

// ---- returns --------------------------------------------------------------------

void KioskEngine::returnDisc(ReturnRequest request, std::function<void(ReturnResult)> callback)
{
    ReturnResult bad;
    bad.returnId = request.returnId;
    const auto barcode = parseDiscBarcode(request.barcode);
    if (!barcode) {
        bad.failure = Failure::BadInput;
        bad.message = QStringLiteral("the disc's barcode could not be read");
    } else if (request.slot < 1 || request.slot > std::max(1, m_cache->slotCount())) {
        bad.failure = Failure::Internal;
        bad.message = QStringLiteral("no free slot");
    }
    if (bad.failure != Failure::None) {
        callback(bad);
        return;
    }
    QPointer<KioskEngine> self(this);
    afterReplay(
        [self, request, callback]() {
            if (self)
                self->returnOnline(request, callback);
        },
        [self, request, callback]() {
            if (self)
                self->returnOffline(request, callback, QStringLiteral("offline actions are still queued"));
        });
}

void KioskEngine::returnOnline(ReturnRequest request, std::function<void(ReturnResult)> callback)
{
    QPointer<KioskEngine> self(this);
    m_redbox->call(kReturnSql, {request.returnId, m_config.kioskId, request.barcode, request.returnedAt, request.slot}, true,
                   [self, request, callback](const pg::Result *r, const pg::DbError *e) {
                       if (!self)
                           return;
                       if (r && r->rows() == 1) {
                           ReturnResult out;
                           out.returnId = r->uuid(0, 0);
                           out.rentalId = r->uuid(0, 1);
                           out.movieId = r->int32(0, 2);
                           out.title = r->text(0, 3);
                           out.foreignDisc = r->boolean(0, 4);
                           out.nights = r->int32(0, 5);
                           out.chargeCents = r->int32(0, 6);
                           out.lateCents = r->int32(0, 7);
                           self->guardStorage("cache", [&] { self->m_cache->setDiscIn(request.barcode, out.movieId, request.slot); });
                           callback(out);
                       } else if (e && (e->kind() == pg::ErrorKind::InDoubt || e->kind() == pg::ErrorKind::BrokenConnection)) {
                           // kiosk_return is idempotent on the return id: the outbox settles it exactly once.
                           self->returnOffline(request, callback, e->message());
                       } else {
                           ReturnResult out;
                           out.returnId = request.returnId;
                           out.failure = e ? failureFor(*e) : Failure::Internal;
                           out.message = e ? e->message() : QStringLiteral("no answer");
                           callback(out);
                       }
                   },
                   m_config.offlineAfterMs);
}

void KioskEngine::returnOffline(const ReturnRequest &request, std::function<void(ReturnResult)> callback, const QString &why)
{
    ReturnResult out;
    out.returnId = request.returnId;
    const auto barcode = parseDiscBarcode(request.barcode);
    std::optional<Title> title;
    std::optional<CachedDisc> disc;
    if (!guardStorage("cache", [&] {
            title = m_cache->title(barcode->movieId);
            disc = m_cache->disc(request.barcode);
        }, false)) {
        out.failure = Failure::Offline;
        out.message = QStringLiteral("the network is unreachable and the kiosk's own records cannot be read");
        callback(out);
        return;
    }
    if (!title) {
        out.failure = Failure::DiscNotOurs;
        out.message = QStringLiteral("this disc is not one of our titles");
        callback(out);
        return;
    }
    if (disc && disc->status == QLatin1String("in")) {
        out.failure = Failure::DiscAlreadyIn;
        out.message = QStringLiteral("this disc is already in the kiosk");
        callback(out);
        return;
    }
    if (!guardStorage("outbox", [&] {
            m_outbox->add(request.returnId, QStringLiteral("return"),
                          QJsonObject{{QStringLiteral("return_id"), request.returnId.toString(QUuid::WithoutBraces)},
                                      {QStringLiteral("barcode"), request.barcode},
                                      {QStringLiteral("slot_no"), request.slot},
                                      {QStringLiteral("returned_at"), request.returnedAt.toUTC().toString(Qt::ISODateWithMs)}});
        })) {
        out.failure = Failure::Offline;
        out.message = QStringLiteral("the network is unreachable and the kiosk cannot store the return (its storage is full or failing)");
        callback(out);
        return;
    }
    guardStorage("cache", [&] { m_cache->setDiscIn(request.barcode, barcode->movieId, request.slot); });
    qCInfo(lcOutbox) << "return" << request.returnId << "kept offline:" << why;
    out.offline = true;
    out.movieId = barcode->movieId;
    out.title = title->title;
    out.foreignDisc = !disc.has_value();
    refreshOutboxHealth();
    callback(out);
}

// ---- offline outbox replay ------------------------------------------------------------

void KioskEngine::pumpReplay()
{
    if (m_replaying || !m_redbox->isUp())
        return;
    std::optional<OutboxEntry> e;
    if (!guardStorage("outbox", [&] { e = m_outbox->next(); }, false))
        return;   // the health poll tries again
    if (!e) {
        if (m_replayedInRun > 0) {
            qCInfo(lcOutbox) << "replayed" << m_replayedInRun << "offline action(s)";
            emit outboxReplayed(m_replayedInRun);
            m_replayedInRun = 0;
        }
        refreshOutboxHealth();
        auto work = std::move(m_afterReplay);
        m_afterReplay.clear();
        for (auto &w : work)
            w();
        return;
    }
    m_replaying = true;
    QPointer<KioskEngine> self(this);
    const OutboxEntry entry = *e;
    const QJsonObject &p = entry.payload;
    auto onDone = [self, entry](const pg::Result *r, const pg::DbError *err) {
        if (!self)
            return;
        self->m_replaying = false;
        bool stored = true;
        if (r) {
            stored = self->guardStorage("outbox", [&] { self->m_outbox->done(entry.seq); });
            ++self->m_replayedInRun;
        } else if (err && (err->kind() == pg::ErrorKind::BrokenConnection || err->kind() == pg::ErrorKind::InDoubt
                           || err->kind() == pg::ErrorKind::ReadOnly || err->kind() == pg::ErrorKind::Timeout
                           || err->kind() == pg::ErrorKind::SerializationFailure)) {
            self->guardStorage("outbox", [&] { self->m_outbox->failed(entry.seq, err->message()); });
            return;   // the link is down again: resume when it is back
        } else if (err && entry.kind == QLatin1String("void") && err->sqlstate() == QLatin1String("RB012")) {
            stored = self->guardStorage("outbox", [&] { self->m_outbox->done(entry.seq); });   // never committed: nothing to void
        } else {
            qCWarning(lcOutbox) << "offline" << entry.kind << entry.id << "refused by the red box; parked:" << (err ? err->message() : QString());
            stored = self->guardStorage("outbox", [&] {
                self->m_outbox->park(entry.seq, err ? err->sqlstate() + QLatin1String(": ") + err->message() : QStringLiteral("refused"));
            });
        }
        if (!stored)
            return;   // replayed again later: the red box's functions are idempotent on the ids
        pg::post(self.data(), [self] {
            if (self)
                self->pumpReplay();
        });
    };
    if (entry.kind == QLatin1String("rent")) {
        RentRequest r;
        r.rentalId = QUuid::fromString(p.value(QStringLiteral("rental_id")).toString());
        r.paymentId = QUuid::fromString(p.value(QStringLiteral("payment_id")).toString());
        r.member.cardHash = p.value(QStringLiteral("card_hash")).toString();
        r.barcode = p.value(QStringLiteral("barcode")).toString();
        r.cardToken = p.value(QStringLiteral("card_token")).toString();
        r.cardLast4 = p.value(QStringLiteral("card_last4")).toString();
        r.rentedAt = QDateTime::fromString(p.value(QStringLiteral("rented_at")).toString(), Qt::ISODateWithMs);
        if (p.contains(QStringLiteral("ticket")))
            r.member.ticket = QJsonDocument(p.value(QStringLiteral("ticket")).toObject());
        m_redbox->call(kRentSql, rentParams(m_config, r, true), true, onDone, 2000);
    } else if (entry.kind == QLatin1String("return")) {
        m_redbox->call(kReturnSql,
                       {QUuid::fromString(p.value(QStringLiteral("return_id")).toString()), m_config.kioskId,
                        p.value(QStringLiteral("barcode")).toString(),
                        QDateTime::fromString(p.value(QStringLiteral("returned_at")).toString(), Qt::ISODateWithMs),
                        static_cast<int>(p.value(QStringLiteral("slot_no")).toInteger())},
                       true, onDone, 2000);
    } else if (entry.kind == QLatin1String("audit")) {
        m_redbox->call(kAuditSql, auditParams(m_config.kioskId, p), true, onDone, 2000);
    } else {
        m_redbox->call(kVoidSql,
                       {QUuid::fromString(p.value(QStringLiteral("rental_id")).toString()), m_config.kioskId,
                        p.value(QStringLiteral("reason")).toString(), static_cast<int>(p.value(QStringLiteral("slot_no")).toInteger()),
                        p.value(QStringLiteral("damaged")).toBool()},
                       true, onDone, 2000);
    }
}

// ---- receipts ----------------------------------------------------------------------------

void KioskEngine::emailReceipt(const QUuid &receiptId, const QList<QUuid> &rentalIds, std::function<void(QString)> callback)
{
    QStringList ids;
    for (const QUuid &id : rentalIds)
        ids << id.toString(QUuid::WithoutBraces);
    m_redbox->call("SELECT redbox.kiosk_email_receipt($1, $2, $3::uuid[], NULL)",
                   {receiptId, m_config.kioskId, QStringLiteral("{%1}").arg(ids.join(QLatin1Char(',')))}, true,
                   [callback](const pg::Result *r, const pg::DbError *e) {
                       if (r)
                           callback(r->text(0, 0));
                       else
                           callback(e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt)
                                        ? QStringLiteral("offline") : QStringLiteral("failed"));
                   },
                   3000);
}

void KioskEngine::receiptStatus(const QUuid &receiptId, std::function<void(QString)> callback)
{
    m_redbox->call("SELECT redbox.kiosk_receipt_status($1)", {receiptId}, false,
                   [callback](const pg::Result *r, const pg::DbError *) {
                       callback(r ? r->text(0, 0) : QStringLiteral("queued"));
                   },
                   3000);
}

// ---- the technicians' audit log ----------------------------------------------------------

void KioskEngine::audit(const AuditEntry &entry, std::function<void(bool)> callback)
{
    QJsonObject p{{QStringLiteral("audit_id"), entry.auditId.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("action"), entry.action},
                  {QStringLiteral("detail"), entry.detail},
                  {QStringLiteral("at"), entry.at.toUTC().toString(Qt::ISODateWithMs)}};
    if (entry.technicianId > 0)
        p.insert(QStringLiteral("technician_id"), entry.technicianId);
    if (!entry.barcode.isEmpty())
        p.insert(QStringLiteral("barcode"), entry.barcode);
    QPointer<KioskEngine> self(this);
    auto keep = [self, entry, p, callback](const QString &why) {
        if (!self)
            return;
        qCInfo(lcOutbox) << "audit" << entry.action << "kept in the outbox:" << why;
        self->guardStorage("outbox", [&] { self->m_outbox->add(entry.auditId, QStringLiteral("audit"), p); });
        self->refreshOutboxHealth();
        if (callback)
            callback(false);
    };
    if (!m_redbox->isUp() || m_health.outboxDepth > 0) {
        keep(m_redbox->isUp() ? QStringLiteral("older actions are queued") : QStringLiteral("the red box is unreachable"));
        return;
    }
    m_redbox->call(kAuditSql, auditParams(m_config.kioskId, p), true,
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

// ---- cache sync -----------------------------------------------------------------------

void KioskEngine::syncNow()
{
    scheduleSync(0);
}

void KioskEngine::scheduleSync(int delayMs)
{
    if (m_syncing) {
        m_syncAgain = true;
        return;
    }
    if (!m_syncTimer.isActive() || m_syncTimer.remainingTime() > delayMs)
        m_syncTimer.start(delayMs);
}

void KioskEngine::resyncCache()
{
    m_fullResync = true;
    scheduleSync(0);
}

void KioskEngine::syncStep()
{
    if (!m_cacheLink->isUp()) {
        m_syncing = false;
        return;   // resumes when the link is up again
    }
    if (m_fullResync) {
        m_fullResync = false;
        if (guardStorage("cache", [&] { m_cache->resetForFullSync(); })) {
            qCInfo(lcCache) << "full cache resync asked for: the cache starts afresh";
            m_roundTouchedCatalog = true;
        }
    }
    m_syncing = true;
    QPointer<KioskEngine> self(this);
    const SyncCursor c = m_cache->cursor();
    if (c.roundTo.isEmpty()) {
        m_cacheLink->call("SELECT to_snapshot, total FROM redbox.cache_begin($1, $2)",
                          {m_config.kioskId, c.fromSnapshot.isEmpty() ? pg::Param(nullptr) : pg::Param(c.fromSnapshot)}, false,
                          [self](const pg::Result *r, const pg::DbError *e) {
                              if (!self)
                                  return;
                              if (!r) {
                                  self->m_syncing = false;
                                  qCWarning(lcCache) << "cache sync could not start:" << (e ? e->message() : QString());
                                  return;
                              }
                              if (!self->guardStorage("cache", [&] { self->m_cache->beginRound(r->text(0, 0), r->int64(0, 1)); })) {
                                  self->m_syncing = false;
                                  self->scheduleSync(30'000);
                                  return;
                              }
                              emit self->cacheProgress(0, r->int64(0, 1));
                              self->syncStep();
                          },
                          1000, 60000);
        return;
    }
    m_cacheLink->call(
        "SELECT change_xid, entity, key, deleted, data FROM redbox.cache_changes($1, $2, $3, $4, $5, $6, $7, $8)",
        {m_config.kioskId, c.fromSnapshot.isEmpty() ? pg::Param(nullptr) : pg::Param(c.fromSnapshot), c.roundTo,
         c.xid.isEmpty() ? pg::Param(nullptr) : pg::Param(c.xid), c.entity.isEmpty() ? pg::Param(nullptr) : pg::Param(c.entity),
         c.key.isEmpty() ? pg::Param(nullptr) : pg::Param(c.key), c.xid.isEmpty() ? pg::Param(nullptr) : pg::Param(c.live), self->m_config.cachePageSize},
        false,
        [self](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (!r) {
                self->m_syncing = false;
                qCWarning(lcCache) << "cache sync page failed:" << (e ? e->message() : QString());
                return;
            }
            QList<CacheRow> rows;
            rows.reserve(r->rows());
            for (int i = 0; i < r->rows(); ++i) {
                rows.append(CacheRow{r->text(i, 0), r->text(i, 1), r->text(i, 2), r->boolean(i, 3), r->json(i, 4).object()});
                const QString &entity = rows.last().entity;
                if (entity != QLatin1String("member") && entity != QLatin1String("technician"))
                    self->m_roundTouchedCatalog = true;
            }
            SyncCursor after;
            const bool last = rows.size() < self->m_config.cachePageSize;
            if (!self->guardStorage("cache", [&] {
                    self->m_cache->applyPage(rows);
                    after = self->m_cache->cursor();
                    if (last)
                        self->m_cache->finishRound();
                })) {
                self->m_syncing = false;
                self->scheduleSync(30'000);   // the page cursor is durable: it resumes where it stopped
                return;
            }
            emit self->cacheProgress(after.roundDone, after.roundTotal);
            if (last) {
                self->m_syncing = false;
                self->m_health.lastCacheSync = QDateTime::currentDateTimeUtc();
                if (self->m_roundTouchedCatalog) {
                    // Most rounds carry only members' disc counts (every rental on the coast
                    // changes one): the screens reload titles and slots only when those changed.
                    self->m_roundTouchedCatalog = false;
                    emit self->catalogChanged();
                }
                emit self->cacheSynced();
                emit self->healthChanged(self->m_health);
                if (self->m_syncAgain) {
                    self->m_syncAgain = false;
                    self->scheduleSync(200);
                }
                return;
            }
            pg::post(self.data(), [self] {
                if (self)
                    self->syncStep();
            });
        },
        1000, 60000);
}

} // namespace redbox
