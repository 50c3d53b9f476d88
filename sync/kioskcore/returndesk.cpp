// A return from the kiosk's side (see returndesk.h).
#include "kioskcore/returndesk.h"

#include "core/cards.h"
#include "core/logging.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/outboxreplay.h"
#include "kioskcore/redboxapi.h"

#include <QPointer>

namespace redbox {

namespace {

ReturnResult refusal(const ReturnRequest &r, Failure f, const QString &message)
{
    ReturnResult out;
    out.returnId = r.returnId;
    out.failure = f;
    out.message = message;
    return out;
}

}   // namespace

ReturnDesk::ReturnDesk(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts) {}

void ReturnDesk::returnDisc(ReturnRequest request, Callback callback)
{
    int slotCount = 1;
    m_parts.storage.guard(
        "cache", [&] { slotCount = std::max(1, m_parts.storage.cache().slotCount()); }, false);
    if (!parseDiscBarcode(request.barcode)) {
        callback(refusal(request, Failure::BadInput, QStringLiteral("the disc's barcode could not be read")));
        return;
    }
    if (request.slot < 1 || request.slot > slotCount) {
        callback(refusal(request, Failure::Internal, QStringLiteral("no free slot")));
        return;
    }
    QPointer<ReturnDesk> self(this);
    m_parts.replay->afterReplay(
        [self, request, callback]() {
            if (self)
                self->returnOnline(request, callback);
        },
        [self, request, callback]() {
            if (self)
                self->returnOffline(request, callback, QStringLiteral("offline actions are still queued"));
        });
}

bool ReturnDesk::beginStore(const ReturnRequest &request)
{
    return m_parts.storage.guard("store journal",
                                 [&] { m_parts.storage.outbox().beginStore(request.returnId, request.barcode, request.slot); });
}

void ReturnDesk::endStore(const QUuid &returnId)
{
    m_parts.storage.guard("store journal", [&] { m_parts.storage.outbox().endStore(returnId); });
}

void ReturnDesk::recoverStores()
{
    QList<PendingStore> pending;
    if (!m_parts.storage.guard(
            "store journal", [&] { pending = m_parts.storage.outbox().pendingStores(); }, false))
        return;
    for (const PendingStore &p : pending) {
        // The kiosk stopped between taking a disc in and recording its return: the mechanism
        // has the disc (in its slot, or for a technician to find), so the return is recorded.
        qCWarning(lcClient) << "return" << p.returnId << "of disc" << p.barcode << "into slot" << p.slot
                            << "was not recorded before the kiosk stopped; recording it now";
        ReturnRequest request;
        request.returnId = p.returnId;
        request.barcode = p.barcode;
        request.slot = p.slot;
        request.returnedAt = p.createdAt;
        QPointer<ReturnDesk> self(this);
        returnDisc(request, [self, request](const ReturnResult &r) {
            if (!self)
                return;
            if (r.failure == Failure::Offline) {
                // Neither the red box nor the kiosk's own storage took it: tried again at the next start.
                qCWarning(lcClient) << "return" << request.returnId << "still not recorded:" << r.message;
                return;
            }
            if (r.failure != Failure::None)
                qCCritical(lcClient) << "device fault: disc" << request.barcode << "in slot" << request.slot
                                     << "is recorded nowhere (its return was refused:" << r.message << "); a technician must take it out";
            self->endStore(request.returnId);
        });
    }
}

void ReturnDesk::returnOnline(ReturnRequest request, Callback callback)
{
    QPointer<ReturnDesk> self(this);
    m_parts.redbox->call(
        redboxapi::kReturnSql, redboxapi::returnParams(request, false), true,
        [self, request, callback](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (r && r->rows() == 1) {
                const ReturnResult out = redboxapi::readReturn(*r);
                KioskStorage &storage = self->m_parts.storage;
                storage.guard("cache", [&] { storage.cache().setDiscIn(request.barcode, out.movieId, request.slot); });
                callback(out);
            } else if (e && (e->kind() == pg::ErrorKind::InDoubt || e->kind() == pg::ErrorKind::BrokenConnection)) {
                self->returnOffline(request, callback, e->message());
            } else {
                callback(refusal(request, e ? failureFor(*e) : Failure::Internal, e ? e->message() : QStringLiteral("no answer")));
            }
        },
        m_parts.redbox->waitLeft(m_parts.config.offlineAfterMs));
}

void ReturnDesk::returnOffline(ReturnRequest request, Callback callback, const QString &why)
{
    // Taken now, on the red box's clock as well as the kiosk knows it: that time counts when it replays.
    request.returnedAt = m_parts.redbox->serverNow();
    const auto barcode = parseDiscBarcode(request.barcode);
    KioskStorage &storage = m_parts.storage;
    std::optional<Title> title;
    std::optional<CachedDisc> disc;
    if (!storage.guard(
            "cache",
            [&] {
                title = storage.cache().title(barcode->movieId);
                disc = storage.cache().disc(request.barcode);
            },
            false)) {
        callback(
            refusal(request, Failure::Offline, QStringLiteral("the network is unreachable and the kiosk's own records cannot be read")));
        return;
    }
    if (!title) {
        callback(refusal(request, Failure::DiscNotOurs, QStringLiteral("this disc is not one of our titles")));
        return;
    }
    if (disc && disc->status == QLatin1String("in")) {
        callback(refusal(request, Failure::DiscAlreadyIn, QStringLiteral("this disc is already in the kiosk")));
        return;
    }
    if (!storage.guard("outbox", [&] { storage.outbox().add(request.returnId, QStringLiteral("return"), redboxapi::encode(request)); })) {
        callback(
            refusal(request, Failure::Offline,
                    QStringLiteral("the network is unreachable and the kiosk cannot store the return (its storage is full or failing)")));
        return;
    }
    storage.guard("cache", [&] { storage.cache().setDiscIn(request.barcode, barcode->movieId, request.slot); });
    qCInfo(lcOutbox) << "return" << request.returnId << "kept offline:" << why;
    ReturnResult out;
    out.returnId = request.returnId;
    out.offline = true;
    out.movieId = barcode->movieId;
    out.title = title->title;
    out.foreignDisc = !disc.has_value();
    storage.refreshOutboxHealth();
    callback(out);
}

}   // namespace redbox
