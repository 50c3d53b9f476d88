// Replaying the kiosk's offline outbox once the red box answers: the oldest
// action first, one at a time, each sent with the same id it was taken with
// (the red box's functions are idempotent on it), removed only once the red
// box has it. A refusal no retry can cure parks the entry for a technician;
// a lost link stops the replay until the link is back. Work that must not
// overtake queued actions waits for the outbox to drain (afterReplay).
#pragma once

#include "kioskcore/enginestate.h"
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
    // red box is unreachable, runs OFFLINE at once (it queues behind them).
    void afterReplay(std::function<void()> online, std::function<void()> offline);

signals:
    void replayed(int count);

private:
    void finished(qint64 seq, const QString &kind, const QUuid &id, const pg::Result *r, const pg::DbError *err);

    EngineParts m_parts;
    bool m_replaying = false;
    int m_replayedInRun = 0;
    std::vector<std::function<void()>> m_afterReplay;
};

}   // namespace redbox
