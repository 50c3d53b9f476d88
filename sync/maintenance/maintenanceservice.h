// Maintenance mode's side of the engine (issue 6): what a field technician's
// screens ask of the network, in the engine's thread, never blocking it.
// Sign-in is checked at the red box with the technician role (then at the
// coast, then, offline, against the technicians the kiosk's cache holds);
// disc changes run at the red box (tech_disc) with their audit row; health
// probes every server of the red box pair, the coast and HQ; a failover goes
// through Patroni's REST API with the node's technician credentials; a
// diagnostics bundle is written with secrets scrubbed. Everything else a
// technician does is audited through KioskEngine::audit.
#pragma once

#include "cache/cachestore.h"
#include "kioskcore/types.h"
#include "pg/connection.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace redbox {

class KioskEngine;
class Link;

struct TechLogin {
    std::optional<TechnicianInfo> technician;
    QString source;                   // redbox | coast | cache
    Failure failure = Failure::None;  // UnknownCard (refused), Offline (nobody could check), BadInput
    QString message;
};

struct TechDisc {
    QString barcode;
    int movieId = 0;
    QString title;
    int slot = 0;                     // 0: not in a slot (rented out, removed)
    QString status;
    QString condition;
    QString removalReason;            // scheduled for removal by HQ (or marked damaged): why
    int actionSlot = 0;               // disc actions: the slot it went into or came out of
};

// The answer to a technician's action.
struct TechAnswer {
    bool ok = false;
    QString message;                  // what happened, or the refusal in words
    QString sqlstate;                 // the red box's error code when it refused
    QList<TechDisc> discs;
    qint64 count = 0;
    QString path;                     // a diagnostics bundle's file
};

struct ServerProbe {
    QString tier;                     // redbox | coast | hq
    QString server;                   // host:port
    bool reachable = false;
    bool primary = false;
    qint64 latencyMs = 0;
    QString error;
};

struct MaintenanceHealth {
    QList<ServerProbe> servers;
    bool redboxAnswered = false;      // tech_health() answered at the red box primary
    QString redboxError;
    QString nodeName;
    QString primaryServer;
    QString standbyName, standbyState, standbySync;
    qint64 replayLagMs = -1;
    qint64 replayLagBytes = -1;
    QJsonArray links;                 // [{target, kind, up, since}] as the forwarder last found them
    qint64 pendingHops = 0;
    QDateTime oldestPending;
    qint64 parkedHops = 0;
    QJsonArray parked;                // the first parked hops: [{hop_id, kind, dest, error}]
    KioskHealth kiosk;                // the kiosk's own view: outbox, last cache sync, storage
};

class MaintenanceService : public QObject {
    Q_OBJECT
public:
    explicit MaintenanceService(KioskEngine *engine);
    ~MaintenanceService() override;

    void login(const QString &cardHash, std::function<void(TechLogin)> done);
    static bool checkPin(const TechnicianInfo &technician, const QString &pin);

    // A session keeps a technician connection to the red box open.
    void beginSession();
    void endSession();

    // action: load (slot 0: the red box picks a free one) | unload | damaged.
    void discAction(qint64 technicianId, const QString &action, const QString &barcode, int slot,
                    const QString &reason, std::function<void(TechAnswer)> done);
    void kioskDiscs(std::function<void(TechAnswer)> done);
    void retryParked(qint64 technicianId, std::function<void(TechAnswer)> done);
    void health(std::function<void(MaintenanceHealth)> done);
    // Switches the red box pair's primary over to its synchronous standby (back = false), or back
    // to the server that led before this kiosk's last switchover (back = true).
    void switchover(qint64 technicianId, bool back, std::function<void(TechAnswer)> done);
    // Writes the bundle into the configured export folder; answer.path names the file.
    void exportDiagnostics(qint64 technicianId, std::function<void(TechAnswer)> done);

    // The password of ROLE for HOST:PORT in a libpq password file (host:port:db:user:password).
    static std::optional<QString> pgpassPassword(const QString &file, const QString &host, int port, const QString &role);

private:
    using QueryDone = std::function<void(const pg::Result *, const pg::DbError *, qint64 ms)>;
    // One connection for one query, closed after it (probes and sign-in).
    void once(const QString &conninfo, QByteArray sql, std::vector<pg::Param> params, QueryDone done, int timeoutMs = 4000);
    void techCall(QByteArray sql, std::vector<pg::Param> params, std::function<void(TechAnswer, const pg::Result *)> done);
    // HTTPS to the pair's Patroni API INDEX (modulo), the network's CA verified.
    QNetworkRequest patroniRequest(int index, const QString &path);
    void patroniGet(int index, const QString &path, std::function<void(int status, QJsonObject body, QString error)> done);
    void patroniPost(int index, const QString &path, const QJsonObject &body,
                     std::function<void(int status, QByteArray body, QString error)> done);
    void waitForLeader(const QString &member, qint64 startedMs, std::function<void(bool, QString)> done);

    KioskEngine *m_engine;
    Link *m_tech = nullptr;
    QNetworkAccessManager *m_http = nullptr;
    QString m_previousPrimary;        // the Patroni member that led before this kiosk's switchover
};

} // namespace redbox
