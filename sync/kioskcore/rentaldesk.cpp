// A rental from the kiosk's side (see rentaldesk.h).
#include "kioskcore/rentaldesk.h"

#include "core/cards.h"
#include "core/logging.h"
#include "core/pricing.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/outboxreplay.h"

#include <QPointer>
#include <QRegularExpression>

namespace redbox {

namespace {

RentResult refusal(const RentRequest &r, Failure f, const QString &message)
{
    RentResult out;
    out.rentalId = r.rentalId;
    out.barcode = r.barcode;
    out.failure = f;
    out.message = message;
    return out;
}

// What the kiosk itself can tell is wrong with a rental before anything is recorded.
std::optional<RentResult> malformed(const RentRequest &r)
{
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    static const QRegularExpression token(QStringLiteral("^tok_[A-Za-z0-9]{8,40}$"));
    static const QRegularExpression last4(QStringLiteral("^[0-9]{4}$"));
    if (!parseDiscBarcode(r.barcode))
        return refusal(r, Failure::BadInput, QStringLiteral("that is not one of our disc barcodes"));
    if (!hex64.match(r.member.cardHash).hasMatch() || r.member.memberId <= 0)
        return refusal(r, Failure::BadInput, QStringLiteral("sign in first"));
    if (!token.match(r.cardToken).hasMatch() || !last4.match(r.cardLast4).hasMatch())
        return refusal(r, Failure::BadInput, QStringLiteral("the payment was not authorized"));
    return std::nullopt;
}

}   // namespace

RentalDesk::RentalDesk(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts) {}

void RentalDesk::rent(RentRequest request, RentCallback callback)
{
    if (const auto bad = malformed(request)) {
        callback(*bad);
        return;
    }
    KioskStorage &storage = m_parts.storage;
    if (request.slot <= 0) {
        std::optional<CachedDisc> disc;
        storage.guard(
            "cache", [&] { disc = storage.cache().disc(request.barcode); }, false);
        request.slot = disc && disc->slot > 0 ? disc->slot : 0;
        if (request.slot <= 0) {
            callback(refusal(request, Failure::DiscUnavailable, QStringLiteral("that disc is not in a slot of this kiosk")));
            return;
        }
    }
    // The journal first: whatever happens next, a disc that does not come out is never charged.
    if (!storage.guard("dispense journal", [&] { storage.outbox().beginDispense(request.rentalId, request.barcode, request.slot); })) {
        callback(refusal(request, Failure::Internal,
                         QStringLiteral("the kiosk cannot record rentals right now (its storage is full or failing)")));
        return;
    }
    m_dispensing.insert(request.rentalId);
    QPointer<RentalDesk> self(this);
    auto settle = [self, request, callback](RentResult result) {
        if (self && result.failure == Failure::InDoubt) {
            // It may have committed, and no disc will come out: void it (idempotent; "no rental" is fine).
            self->voidRental(
                {request.rentalId, request.barcode, request.slot, false, QStringLiteral("the rental could not be confirmed at the kiosk")},
                [](bool, const QString &) {});
        } else if (self && result.failure != Failure::None) {
            self->endDispense(request.rentalId);
        }
        callback(result);
    };
    if (!request.member.ticket) {
        // Signed in offline (the kiosk checked the PIN itself): the red box would want a server's
        // proof of the sign-in, so the rental waits in the outbox and replays under the offline rules.
        // (A purchase cannot wait: rentOffline refuses it.)
        rentOffline(request, settle, QStringLiteral("the member signed in offline"));
        return;
    }
    m_parts.replay->afterReplay(
        [self, request, settle]() {
            if (self)
                self->rentOnline(request, settle);
        },
        [self, request, settle]() {
            if (self)
                self->rentOffline(request, settle, QStringLiteral("offline actions are still queued"));
        });
}

void RentalDesk::rentOnline(RentRequest request, RentCallback callback)
{
    QPointer<RentalDesk> self(this);
    if (m_loseNextAnswer) {
        m_loseNextAnswer = false;
        m_parts.redbox->dropAfterNextSendForTesting();
    }
    m_parts.redbox->call(
        request.purchase ? redboxapi::kBuySql : redboxapi::kRentSql,
        request.purchase ? redboxapi::buyParams(request) : redboxapi::rentParams(request, false), true,
        [self, request, callback](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r && r->rows() == 1) {
                KioskStorage &storage = self->m_parts.storage;
                storage.guard("cache", [&] {
                    storage.cache().setDiscOut(request.barcode);
                    if (!request.member.away && !request.purchase)   // a disc bought is not a disc out
                        storage.cache().adjustMemberDiscsOut(request.member.cardHash, +1);
                });
                callback(redboxapi::readRent(*r, request.barcode));
                return;
            }
            if (e && e->kind() == pg::ErrorKind::InDoubt) {
                qCWarning(lcClient) << "rental" << request.rentalId << "in doubt:" << e->message();
                self->resolveRent(request, callback, 0);
            } else if (e && e->kind() == pg::ErrorKind::BrokenConnection) {
                self->rentOffline(request, callback, e->message());
            } else {
                callback(refusal(request, e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer")));
            }
        },
        m_parts.redbox->waitLeft(m_parts.config.offlineAfterMs));
}

void RentalDesk::resolveRent(RentRequest request, RentCallback callback, int attempt)
{
    // Never a blind retry: look the rental's id up first. Found: it committed.
    // Not found: it did not (or is not yet visible); the rental function is
    // idempotent on the id, so asking again settles it either way.
    QPointer<RentalDesk> self(this);
    m_parts.redbox->call(
        redboxapi::kRentalStatusSql, {request.rentalId}, false,
        [self, request, callback, attempt](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r && r->rows() == 1) {
                qCInfo(lcClient) << "in-doubt rental" << request.rentalId << "had committed";
                self->rentOnline(request, callback);   // returns the committed rental (replayed)
            } else if (r) {
                if (attempt >= 1) {
                    callback(refusal(request, Failure::InDoubt, QStringLiteral("the rental could not be confirmed")));
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
                // One the offline rules refuse (a purchase, an away member, over the allowance) may still
                // have committed: it stays in doubt, so that its disc is voided rather than forgotten.
                self->rentOffline(
                    request,
                    [callback](RentResult res) {
                        if (res.failure != Failure::None) {
                            res.failure = Failure::InDoubt;
                            res.message = QStringLiteral("the rental could not be confirmed, and the network is unreachable");
                        }
                        callback(res);
                    },
                    QStringLiteral("in doubt and offline"));
            } else {
                callback(refusal(request, Failure::InDoubt, e ? e->message() : QStringLiteral("no answer")));
            }
        },
        m_parts.redbox->waitLeft(m_parts.config.offlineAfterMs));
}

void RentalDesk::rentOffline(RentRequest request, RentCallback callback, const QString &why)
{
    // Taken now, on the red box's clock as well as the kiosk knows it: that time counts when it replays.
    request.rentedAt = m_parts.redbox->serverNow();
    auto refuse = [&](Failure f, const QString &msg) { callback(refusal(request, f, msg)); };
    if (request.purchase)   // its price is charged at once, so the red box must take it now
        return refuse(Failure::Offline, QStringLiteral("discs are sold online only, and the network is unreachable"));
    if (request.member.away)
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and this card is from another region"));
    KioskStorage &storage = m_parts.storage;
    std::optional<MemberInfo> cached;
    std::optional<CachedDisc> disc;
    KioskFacts facts;
    int queued = 0;
    if (!storage.guard(
            "cache",
            [&] {
                cached = storage.cache().memberByCard(request.member.cardHash);
                disc = storage.cache().disc(request.barcode);
                queued = storage.outbox().queuedFor(request.member.cardHash);
                facts = KioskFacts{storage.cache().taxRateBp(), storage.cache().timezone(), storage.cache().slotCount()};
            },
            false))
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and the kiosk's own records cannot be read"));
    if (!cached)
        return refuse(Failure::Offline, QStringLiteral("the network is unreachable and this card is not known here"));
    if (!cached->allowed)
        return refuse(Failure::NotAllowed, QStringLiteral("account on hold"));
    if (!disc || disc->status != QLatin1String("in") || disc->condition != QLatin1String("good"))
        return refuse(Failure::DiscUnavailable, QStringLiteral("that disc is not available"));
    const int out = cached->discsOut + queued;
    const int limit = std::min(cached->planLimit, m_parts.config.offlineAllowance);
    if (out >= limit)
        return refuse(Failure::LimitReached, QStringLiteral("offline limit reached: %1 discs (offline allowance %2)").arg(out).arg(limit));
    if (!storage.guard("outbox", [&] {
            storage.outbox().add(request.rentalId, QStringLiteral("rent"), redboxapi::encode(request), request.member.cardHash);
        }))
        return refuse(Failure::Offline,
                      QStringLiteral("the network is unreachable and the kiosk cannot store the rental (its storage is full or failing)"));
    storage.guard("cache", [&] { storage.cache().setDiscOut(request.barcode); });
    qCInfo(lcOutbox) << "rental" << request.rentalId << "kept offline:" << why;
    RentResult result;
    result.rentalId = request.rentalId;
    result.barcode = request.barcode;
    result.offline = true;
    result.dueAt = pricing::rentalDueAt(request.rentedAt, facts.timezone);
    result.amountCents = cached->dailyRateCents;
    result.taxCents = pricing::taxOn(cached->dailyRateCents, facts.taxRateBp);
    result.discsOut = out + 1;
    storage.refreshOutboxHealth();
    callback(result);
}

void RentalDesk::voidRental(VoidRequest request, VoidCallback callback)
{
    QPointer<RentalDesk> self(this);
    request.reason = request.reason.left(200);
    auto offline = [self, request, callback]() {
        if (self)
            self->keepVoidOffline(request, callback);
    };
    m_parts.replay->afterReplay(
        [self, request, callback, offline]() {
            if (!self)
                return;
            self->m_parts.redbox->call(
                redboxapi::kVoidSql, redboxapi::voidParams(request), true,
                [self, request, callback, offline](const pg::Result *r, const pg::DbError *e) {
                    if (!self)
                        return;
                    if (!r && e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt)) {
                        offline();   // unreachable or in doubt: the void waits in the outbox
                        return;
                    }
                    if (r && r->text(0, "outcome") == QLatin1String("parked")) {
                        // The red box would not void it (it was reported dispensed, or is too old): it keeps
                        // the claim for an operator; the rental stands until then.
                        qCWarning(lcClient) << "void of" << request.rentalId << "parked at the red box:" << r->text(0, "note");
                        self->endDispense(request.rentalId);
                        callback(false, r->text(0, "note"));
                        return;
                    }
                    if (r) {
                        KioskStorage &storage = self->m_parts.storage;
                        storage.guard("cache", [&] {
                            const auto disc = storage.cache().disc(request.barcode);
                            storage.cache().setDiscIn(request.barcode, disc ? disc->movieId : 0, request.slot);
                            if (const QString after = conditionAfter(request); !after.isEmpty())
                                storage.cache().setDiscCondition(request.barcode, after);
                        });
                    }
                    if (r || (e && e->code() == RedboxError::NotFound))
                        self->endDispense(request.rentalId);   // voided, or it never committed
                    callback(r != nullptr, e ? e->message() : QString());
                },
                self->m_parts.redbox->waitLeft(self->m_parts.config.offlineAfterMs));
        },
        offline);
}

void RentalDesk::keepVoidOffline(const VoidRequest &request, const VoidCallback &callback)
{
    // After the rental, if that is queued too: replay keeps the order.
    KioskStorage &storage = m_parts.storage;
    const bool kept = storage.guard("outbox",
                                    [&] { storage.outbox().add(QUuid::createUuid(), QStringLiteral("void"), redboxapi::encode(request)); });
    if (!kept) {
        // The journal still holds it: the health poll voids it once storage works again.
        m_dispensing.remove(request.rentalId);
        callback(false, QStringLiteral("the void could not be stored; it is retried"));
        return;
    }
    endDispense(request.rentalId);
    storage.guard("cache", [&] {
        const auto disc = storage.cache().disc(request.barcode);
        storage.cache().setDiscIn(request.barcode, disc ? disc->movieId : 0, request.slot);
        if (const QString after = conditionAfter(request); !after.isEmpty())
            storage.cache().setDiscCondition(request.barcode, after);
    });
    storage.refreshOutboxHealth();
    callback(true, QStringLiteral("kept offline"));
}

void RentalDesk::dispensed(const QUuid &rentalId)
{
    endDispense(rentalId);
    // The red box hears of it (online now, or after the rental in the outbox): from then on
    // the rental cannot be voided.
    QPointer<RentalDesk> self(this);
    auto keep = [self, rentalId]() {
        if (!self)
            return;
        KioskStorage &storage = self->m_parts.storage;
        storage.guard("outbox", [&] {
            storage.outbox().add(QUuid::createUuid(), QStringLiteral("dispensed"),
                                 QJsonObject{{QStringLiteral("rental_id"), rentalId.toString(QUuid::WithoutBraces)}});
        });
        storage.refreshOutboxHealth();
    };
    m_parts.replay->afterReplay(
        [self, rentalId, keep]() {
            if (!self)
                return;
            self->m_parts.redbox->call(
                redboxapi::kDispensedSql, {rentalId}, true,
                [keep](const pg::Result *r, const pg::DbError *e) {
                    if (!r && e && (e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::InDoubt))
                        keep();
                },
                2000);
        },
        keep);
}

void RentalDesk::endDispense(const QUuid &rentalId)
{
    m_dispensing.remove(rentalId);
    m_parts.storage.guard("dispense journal", [&] { m_parts.storage.outbox().endDispense(rentalId); });
}

void RentalDesk::recoverDispenses(qint64 olderThanS)
{
    QList<PendingDispense> pending;
    if (!m_parts.storage.guard(
            "dispense journal", [&] { pending = m_parts.storage.outbox().pendingDispenses(); }, false))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const PendingDispense &p : pending) {
        if (m_dispensing.contains(p.rentalId) || p.createdAt.secsTo(now) < olderThanS)
            continue;
        // The kiosk stopped (or could not clear the journal) between asking for the rental and
        // the disc coming out: the rental, if it was made, is voided.
        qCWarning(lcClient) << "rental" << p.rentalId << "of disc" << p.barcode << "was never dispensed; voiding it";
        m_dispensing.insert(p.rentalId);
        // Whether the disc left is not known: the slot waits for a technician to look.
        voidRental({p.rentalId, p.barcode, p.slot, false, QStringLiteral("the kiosk stopped before the disc was dispensed"), true},
                   [](bool, const QString &) {});
    }
}

}   // namespace redbox
