// Replaying the kiosk's offline outbox once the red box answers: the oldest
// actions first, in batches (redbox.kiosk_replay: one round trip and one
// commit for many actions, each applied alone and answered alone, in order),
// each sent with the same id it was taken with (the red box's functions are
// idempotent on it), removed only once the red box has it, a batch's results
// settled in one commit of the outbox. A refusal no retry can cure parks the
// entry for a technician; a lost link stops the replay until the link is
// back; a batch that times out is sent again smaller. Work that must not
// overtake queued actions waits for the outbox to drain (afterReplay).
#pragma once

#include "kioskcore/enginestate.h"
#include "outbox/offlineoutbox.h"
#include "pg/connection.h"

#include <QObject>

#include <functional>
#include <vector>

namespace redbox {

class OutboxReplay : public QObject {
    Q_OBJECT
public:
    OutboxReplay(EngineParts parts, QObject *parent = nullptr);

    bool isReplaying() const { return m_replaying; }
    // Sends the next queued action, if the red box is up and nothing is in flight.
    void pump();
    // Runs ONLINE once the outbox has drained; when older actions are queued and the
    // red box is unreachable, goes away before they drained, or has not taken them
    // within kDrainWaitMs, runs OFFLINE instead (it queues behind them).
    void afterReplay(std::function<void()> online, std::function<void()> offline);

signals:
    void replayed(int count);

public:
    // The most actions one round trip carries (the red box takes up to 500).
    static constexpr int kMaxBatch = 200;
    // The longest a customer's action waits for older actions to replay before it joins them.
    static constexpr int kDrainWaitMs = 3000;
    // A batch unanswered this long is dropped with its connection and sent again, halved.
    static constexpr int kBatchDeadlineMs = 10000;

private:
    void queueWaitingOffline();
    void finished(const QList<OutboxEntry> &batch, const pg::Result *r, const pg::DbError *err);
    // The red box's verdict on one replayed action: an empty string removes it, else why it is parked.
    QString settlement(const OutboxEntry &e, const QString &outcome, const QString &note, const QString &state, const QString &message);

    EngineParts m_parts;
    bool m_replaying = false;
    int m_batchLimit = kMaxBatch;
    int m_replayedInRun = 0;
    // Work waiting for the outbox to drain: what to run then, and what to run instead if the
    // red box goes away first or the drain takes too long (it then queues behind the outbox).
    struct Waiting {
        quint64 id;
        std::function<void()> online;
        std::function<void()> offline;
    };
    std::vector<Waiting> m_afterReplay;
    quint64 m_nextWaitingId = 0;
};

}   // namespace redbox
