// Replaying the kiosk's offline outbox (see outboxreplay.h).
#include "kioskcore/outboxreplay.h"

#include "core/logging.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

#include <algorithm>

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

// The arguments of the kiosk function an outbox entry replays, in its order (redbox.kiosk_replay).
std::vector<pg::Param> argsOf(const OutboxEntry &e)
{
    using namespace redboxapi;
    if (e.kind == QLatin1String("rent"))
        return rentParams(decodeRent(e.payload), true);
    if (e.kind == QLatin1String("return"))
        return returnParams(decodeReturn(e.payload), true);
    if (e.kind == QLatin1String("audit"))
        return auditParams(decodeAudit(e.payload));
    if (e.kind == QLatin1String("pin"))
        return pinReportParams(decodePin(e.payload));
    if (e.kind == QLatin1String("dispensed"))
        return {QUuid::fromString(e.payload.value(QStringLiteral("rental_id")).toString())};
    if (e.kind == QLatin1String("void"))
        return voidParams(decodeVoid(e.payload));
    return {};   // the red box refuses a kind it does not know, and the entry is parked
}

}   // namespace

OutboxReplay::OutboxReplay(EngineParts parts, QObject *parent) : QObject(parent), m_parts(parts)
{
    // The red box went away before the outbox drained: what waited for it queues behind the
    // outbox now, rather than waiting (the customer at the screen with it) for the red box to return.
    connect(m_parts.redbox, &Link::down, this, &OutboxReplay::queueWaitingOffline);
}

void OutboxReplay::queueWaitingOffline()
{
    auto work = std::move(m_afterReplay);
    m_afterReplay.clear();
    for (auto &w : work)
        w.offline();
}

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
    const quint64 id = ++m_nextWaitingId;
    m_afterReplay.push_back(Waiting{id, std::move(online), std::move(offline)});
    QTimer::singleShot(kDrainWaitMs, this, [this, id] {
        const auto it = std::find_if(m_afterReplay.begin(), m_afterReplay.end(), [id](const Waiting &w) { return w.id == id; });
        if (it == m_afterReplay.end())
            return;   // it ran
        qCInfo(lcOutbox) << "the outbox did not drain within" << kDrainWaitMs << "ms; an action queues behind it";
        auto queue = std::move(it->offline);
        m_afterReplay.erase(it);
        queue();
    });
    pump();
}

void OutboxReplay::pump()
{
    if (m_replaying || !m_parts.redbox->isUp())
        return;
    QList<OutboxEntry> batch;
    if (!m_parts.storage.guard(
            "outbox", [&] { batch = m_parts.storage.outbox().nextBatch(m_batchLimit); }, false))
        return;   // the health poll tries again
    if (batch.isEmpty()) {
        if (m_replayedInRun > 0) {
            qCInfo(lcOutbox) << "replayed" << m_replayedInRun << "offline action(s)";
            emit replayed(m_replayedInRun);
            m_replayedInRun = 0;
        }
        m_parts.storage.refreshOutboxHealth();
        auto work = std::move(m_afterReplay);
        m_afterReplay.clear();
        for (auto &w : work)
            w.online();
        return;
    }
    m_replaying = true;
    QJsonArray actions;
    for (const OutboxEntry &e : std::as_const(batch)) {
        QJsonArray args;
        for (const pg::Param &p : argsOf(e))
            args << (p.value() ? QJsonValue(QString::fromUtf8(*p.value())) : QJsonValue(QJsonValue::Null));
        actions << QJsonObject{{QStringLiteral("seq"), e.seq}, {QStringLiteral("kind"), e.kind}, {QStringLiteral("args"), args}};
    }
    QPointer<OutboxReplay> self(this);
    m_parts.redbox->call(
        redboxapi::kReplaySql, {QJsonDocument(actions)}, true,
        [self, batch](const pg::Result *r, const pg::DbError *err) {
            if (self)
                self->finished(batch, r, err);
        },
        2000, kBatchDeadlineMs);
}

QString OutboxReplay::settlement(const OutboxEntry &e, const QString &outcome, const QString &note, const QString &state,
                                 const QString &message)
{
    if (outcome == QLatin1String("done")) {
        ++m_replayedInRun;
        if (note.isEmpty())
            return {};
        // The red box would not apply this claim (over the offline allowance, a dispensed disc, ...):
        // it keeps it for an operator, and the kiosk shows it to its technician.
        qCWarning(lcOutbox) << "offline" << e.kind << e.id << "parked by the red box for review:" << note;
        return QStringLiteral("parked at the red box: ") + note;
    }
    const pg::DbError err(pg::classifySqlState(state), state, message);
    if ((e.kind == QLatin1String("void") || e.kind == QLatin1String("dispensed")) && err.code() == RedboxError::NotFound)
        return {};   // never committed: nothing to void
    qCWarning(lcOutbox) << "offline" << e.kind << e.id << "refused by the red box; parked:" << message;
    return state.isEmpty() ? QStringLiteral("refused") : state + QLatin1String(": ") + message;
}

void OutboxReplay::finished(const QList<OutboxEntry> &batch, const pg::Result *r, const pg::DbError *err)
{
    m_replaying = false;
    KioskStorage &storage = m_parts.storage;
    const qint64 first = batch.front().seq;
    if (!r) {
        const QString why = err ? err->message() : QStringLiteral("no answer");
        // No answer within the call's deadline (57014: InDoubt, as a replay may have written): the
        // batch is replayed again, smaller.
        if (err && err->sqlstate() == QLatin1String("57014") && m_batchLimit > 1)
            m_batchLimit = std::max(1, m_batchLimit / 2);
        if (!err || linkTrouble(*err) || err->sqlstate() == QLatin1String("42883")) {
            if (err && err->sqlstate() == QLatin1String("42883"))
                qCCritical(lcOutbox) << "the red box has no redbox.kiosk_replay (upgrade it before its kiosks):" << why;
            storage.guard("outbox", [&] { storage.outbox().failed(first, why); });
            if (!m_parts.redbox->isUp())
                queueWaitingOffline();   // the link's down signal may have come before this answer
            return;   // the link is down again (or the server is busy): resume when it is back
        }
        if (batch.size() > 1) {
            // The batch as a whole was refused: one of its actions is malformed. One at a time finds which.
            qCWarning(lcOutbox) << "a replay of" << batch.size() << "actions was refused; replaying one at a time:" << why;
            m_batchLimit = 1;
        } else {
            const OutboxEntry &e = batch.front();
            const QString parked = settlement(e, QStringLiteral("failed"), {}, err->sqlstate(), err->message());
            if (!storage.guard("outbox", [&] { storage.outbox().settle({qMakePair(e.seq, parked)}); }))
                return;
        }
    } else {
        QList<QPair<qint64, QString>> outcomes;
        const int seqCol = r->column("action_seq");
        for (int row = 0, at = 0; row < r->rows() && at < batch.size(); ++row, ++at) {
            const OutboxEntry &e = batch[at];
            if (r->int64(row, seqCol) != e.seq)
                break;   // the red box answers in order; anything else is settled next round
            outcomes << qMakePair(e.seq, settlement(e, r->text(row, "outcome"), r->text(row, "note"), r->text(row, "error_state"),
                                                    r->text(row, "error_message")));
        }
        if (!storage.guard("outbox", [&] { storage.outbox().settle(outcomes); }))
            return;   // replayed again later: the red box's functions are idempotent on the ids
        m_batchLimit = std::min(kMaxBatch, m_batchLimit * 2);
    }
    QPointer<OutboxReplay> self(this);
    pg::post(this, [self] {
        if (self)
            self->pump();
    });
}

}   // namespace redbox
