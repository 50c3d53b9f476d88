// Maintenance mode's side of the engine: what a field technician's screens
// ask of the network, in the engine's thread, never blocking it. Sign-in is
// checked at the red box with the technician role (then at the coast, then,
// offline, against the technicians the kiosk's cache holds); disc changes run
// at the red box (tech_disc) with their audit row; health probes every server
// of the red box pair, the coast and HQ; a failover goes through Patroni's
// REST API (PatroniClient); a diagnostics bundle is written with secrets
// scrubbed (writeDiagnostics). Everything else a technician does is audited
// through KioskEngine::audit.
#pragma once

#include "maintenance/techtypes.h"
#include "pg/connection.h"

#include <QObject>

#include <functional>

namespace redbox {

class KioskEngine;
class Link;
class PatroniClient;

class MaintenanceService : public QObject {
    Q_OBJECT
public:
    // Lives in ENGINE's thread (its parent by default).
    explicit MaintenanceService(KioskEngine *engine, QObject *parent = nullptr);
    ~MaintenanceService() override;

    void login(const QString &cardHash, std::function<void(TechLogin)> done);
    static bool checkPin(const TechnicianInfo &technician, const QString &pin);

    // A session keeps a technician connection to the red box open.
    void beginSession();
    void endSession();

    // action: load (slot 0: the red box picks a free one) | unload | damaged.
    void discAction(qint64 technicianId, const QString &action, const QString &barcode, int slot, const QString &reason,
                    std::function<void(TechAnswer)> done);
    void kioskDiscs(std::function<void(TechAnswer)> done);
    void retryParked(qint64 technicianId, std::function<void(TechAnswer)> done);
    void health(std::function<void(MaintenanceHealth)> done);
    // Switches the red box pair's primary over to its synchronous standby (back = false), or back
    // to the server that led before this kiosk's last switchover (back = true).
    void switchover(qint64 technicianId, bool back, std::function<void(TechAnswer)> done);
    // Writes the bundle into the configured export folder; answer.path names the file.
    void exportDiagnostics(qint64 technicianId, std::function<void(TechAnswer)> done);

private:
    using QueryDone = std::function<void(const pg::Result *, const pg::DbError *, qint64 ms)>;
    // One connection for one query, closed after it (probes and sign-in).
    void once(const QString &conninfo, QByteArray sql, std::vector<pg::Param> params, QueryDone done, int timeoutMs = 4000);
    void techCall(QByteArray sql, std::vector<pg::Param> params, std::function<void(TechAnswer, const pg::Result *)> done);
    // The pair's leader and synchronous standby as Patroni reports them, and the target of a switchover.
    void chooseSwitchover(bool back, const QJsonObject &cluster, std::function<void(TechAnswer, QString from, QString to)> refuse,
                          std::function<void(QString from, QString to)> go);

    KioskEngine *m_engine;
    Link *m_tech = nullptr;
    PatroniClient *m_patroni = nullptr;
    QString m_previousPrimary;   // the Patroni member that led before this kiosk's switchover
};

}   // namespace redbox
