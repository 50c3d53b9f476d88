// Replaying the kiosk's offline outbox (see outboxreplay.h).
#include "kioskcore/outboxreplay.h"

#include "core/logging.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"

#include <QPointer>

namespace redbox {

namespace {

bool linkTrouble(const pg::DbError &e)
{
    switch (e.kind()) {
        case pg::ErrorKind::BrokenConnection:
        case pg::ErrorKind::InDoubt:
        case pg::ErrorKind::ReadOnly:
        case pg::ErrorKind::Timeout:
        case pg::ErrorKind::SerializationFailure: return true;
        default: return false;
    }
}

}   // namespace

OutboxReplay::OutboxReplay(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts) {}

void OutboxReplay::afterReplay(std::function<void()> online, std::function<void()> offline)
{
    int depth = 0;
    m_parts.storage.guard(
        "outbox", [&] { depth = m_parts.storage.outbox().depth(); }, false);
    if (!m_replaying && depth == 0) {
        online();
        return;
    }
    if (!m_replaying && !m_parts.redbox->isUp()) {
        // Older actions wait in the outbox and the red box is away: this one
        // joins the queue behind them, in order, instead of waiting for the link.
        offline();
        return;
    }
    m_afterReplay.push_back(std::move(online));
    pump();
}

void OutboxReplay::pump()
{
    if (m_replaying || !m_parts.redbox->isUp())
        return;
    std::optional<OutboxEntry> e;
    if (!m_parts.storage.guard(
            "outbox", [&] { e = m_parts.storage.outbox().next(); }, false))
        return;   // the health poll tries again
    if (!e) {
        if (m_replayedInRun > 0) {
            qCInfo(lcOutbox) << "replayed" << m_replayedInRun << "offline action(s)";
            emit replayed(m_replayedInRun);
            m_replayedInRun = 0;
        }
        m_parts.storage.refreshOutboxHealth();
        auto work = std::move(m_afterReplay);
        m_afterReplay.clear();
        for (auto &w : work)
            w();
        return;
    }
    m_replaying = true;
    QPointer<OutboxReplay> self(this);
    const qint64 seq = e->seq;
    const QString kind = e->kind;
    const QUuid id = e->id;
    auto onDone = [self, seq, kind, id](const pg::Result *r, const pg::DbError *err) {
        if (self)
            self->finished(seq, kind, id, r, err);
    };
    Link &redbox = *m_parts.redbox;
    if (kind == QLatin1String("rent"))
        redbox.call(redboxapi::kRentSql, redboxapi::rentParams(redboxapi::decodeRent(e->payload), true), true, onDone, 2000);
    else if (kind == QLatin1String("return"))
        redbox.call(redboxapi::kReturnSql, redboxapi::returnParams(redboxapi::decodeReturn(e->payload), true), true, onDone, 2000);
    else if (kind == QLatin1String("audit"))
        redbox.call(redboxapi::kAuditSql, redboxapi::auditParams(redboxapi::decodeAudit(e->payload)), true, onDone, 2000);
    else if (kind == QLatin1String("pin"))
        redbox.call(redboxapi::kReportPinSql, redboxapi::pinReportParams(redboxapi::decodePin(e->payload)), true, onDone, 2000);
    else if (kind == QLatin1String("dispensed"))
        redbox.call(redboxapi::kDispensedSql, {QUuid::fromString(e->payload.value(QStringLiteral("rental_id")).toString())}, true, onDone,
                    2000);
    else
        redbox.call(redboxapi::kVoidSql, redboxapi::voidParams(redboxapi::decodeVoid(e->payload)), true, onDone, 2000);
}

void OutboxReplay::finished(qint64 seq, const QString &kind, const QUuid &id, const pg::Result *r, const pg::DbError *err)
{
    m_replaying = false;
    KioskStorage &storage = m_parts.storage;
    bool stored = true;
    const QString parkedBy = r && r->rows() == 1 && r->column("outcome") >= 0 && r->text(0, "outcome") == QLatin1String("parked")
                                 ? r->text(0, "note")
                                 : QString();
    if (r && !parkedBy.isEmpty()) {
        // The red box would not apply this claim (over the offline allowance, a dispensed disc, ...):
        // it keeps it for an operator, and the kiosk shows it to its technician.
        qCWarning(lcOutbox) << "offline" << kind << id << "parked by the red box for review:" << parkedBy;
        stored = storage.guard("outbox", [&] { storage.outbox().park(seq, QStringLiteral("parked at the red box: ") + parkedBy); });
        ++m_replayedInRun;
    } else if (r) {
        stored = storage.guard("outbox", [&] { storage.outbox().done(seq); });
        ++m_replayedInRun;
    } else if (err && linkTrouble(*err)) {
        storage.guard("outbox", [&] { storage.outbox().failed(seq, err->message()); });
        return;   // the link is down again: resume when it is back
    } else if (err && (kind == QLatin1String("void") || kind == QLatin1String("dispensed")) && err->code() == RedboxError::NotFound) {
        stored = storage.guard("outbox", [&] { storage.outbox().done(seq); });   // never committed: nothing to void
    } else {
        qCWarning(lcOutbox) << "offline" << kind << id << "refused by the red box; parked:" << (err ? err->message() : QString());
        stored = storage.guard("outbox", [&] {
            storage.outbox().park(seq, err ? err->sqlstate() + QLatin1String(": ") + err->message() : QStringLiteral("refused"));
        });
    }
    if (!stored)
        return;   // replayed again later: the red box's functions are idempotent on the ids
    QPointer<OutboxReplay> self(this);
    pg::post(this, [self] {
        if (self)
            self->pump();
    });
}

}   // namespace redbox
