// What a field technician's screens exchange with the network: plain values,
// copyable across threads.
#pragma once

#include "core/errorcodes.h"
#include "core/kiosktypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QString>

#include <optional>

namespace redbox {

struct TechDisc {
    QString barcode;
    int movieId = 0;
    QString title;
    int slot = 0;   // 0: not in a slot (rented out, removed)
    QString status;
    QString condition;
    QString removalReason;   // scheduled for removal by HQ (or marked damaged): why
    int actionSlot = 0;   // disc actions: the slot it went into or came out of
};

// The answer to a technician's action.
struct TechAnswer {
    bool ok = false;
    QString message;   // what happened, or the refusal in words
    std::optional<RedboxError> refusal;   // the red box's error code when it refused
    QList<TechDisc> discs;
    qint64 count = 0;
    QString path;   // a diagnostics bundle's file

    static TechAnswer failed(const QString &message)
    {
        TechAnswer a;
        a.message = message;
        return a;
    }
    static TechAnswer done(const QString &message)
    {
        TechAnswer a;
        a.ok = true;
        a.message = message;
        return a;
    }
};

struct ServerProbe {
    QString tier;   // redbox | coast | hq
    QString server;   // host:port
    bool reachable = false;
    bool primary = false;
    qint64 latencyMs = 0;
    QString error;
};

struct MaintenanceHealth {
    QList<ServerProbe> servers;
    bool redboxAnswered = false;   // tech_health() answered at the red box primary
    QString redboxError;
    QString nodeName;
    QString primaryServer;
    QString standbyName, standbyState, standbySync;
    qint64 replayLagMs = -1;
    qint64 replayLagBytes = -1;
    QJsonArray links;   // [{target, kind, up, since}] as the forwarder last found them
    qint64 pendingHops = 0;
    QDateTime oldestPending;
    qint64 parkedHops = 0;
    QJsonArray parked;   // the first parked hops: [{hop_id, kind, dest, error}]
    qint64 parkedClaims = 0;   // offline claims the red box keeps for an operator
    KioskHealth kiosk;   // the kiosk's own view: outbox, last cache sync, storage
};

}   // namespace redbox
