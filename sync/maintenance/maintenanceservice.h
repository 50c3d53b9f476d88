// Maintenance mode's side of the engine: what a field technician's screens
// ask of the network, in the engine's thread, never blocking it, over the
// kiosk's own logins (no technician password is on a kiosk). Sign-in: the
// PIN is checked at the red box (tech_sign_in, which makes a short-lived
// session), else at the coast (tech_verify: no session), else, offline, by
// the kiosk against its own verifier of a technician it saw sign in online.
// Disc changes run at the red box with the session (tech_disc) and their
// audit row; health probes every server of the red box pair, the coast and
// HQ; a failover goes through the pair's Patroni REST API with the pair's own
// credentials (PatroniClient); a diagnostics bundle is written with secrets
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

    // A technician's card and PIN: the outcome, and on Ok the technician (with the red box's
    // session when the red box checked it).
    void signIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done);
    // Ends the technician's red box session (if any) and the connection it kept open.
    void signOut(const TechnicianInfo &technician);

    // action: load (slot 0: the red box picks a free one) | unload | damaged | cleared (a suspect disc checked).
    void discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot, const QString &reason,
                    std::function<void(TechAnswer)> done);
    void kioskDiscs(const TechnicianInfo &technician, std::function<void(TechAnswer)> done);
    void retryParked(const TechnicianInfo &technician, std::function<void(TechAnswer)> done);
    void health(const TechnicianInfo &technician, std::function<void(MaintenanceHealth)> done);
    // Switches the red box pair's primary over to its synchronous standby (back = false), or back
    // to the server that led before this kiosk's last switchover (back = true).
    void switchover(const TechnicianInfo &technician, bool back, std::function<void(TechAnswer)> done);
    // Writes the bundle into the configured export folder; answer.path names the file.
    void exportDiagnostics(const TechnicianInfo &technician, std::function<void(TechAnswer)> done);

private:
    void atCoast(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done);
    void answered(const SignInResult &res, const QString &cardHash, const QString &pin, const std::function<void(SignInResult)> &done);
    // A connection to the red box for the technician's calls, kept while someone is signed in.
    void beginSession();
    void techCall(const TechnicianInfo &technician, QByteArray sql, std::vector<pg::Param> params,
                  std::function<void(TechAnswer, const pg::Result *)> done);
    // The pair's leader and synchronous standby as Patroni reports them, and the target of a switchover.
    void chooseSwitchover(bool back, const QJsonObject &cluster, std::function<void(TechAnswer, QString from, QString to)> refuse,
                          std::function<void(QString from, QString to)> go);

    KioskEngine *m_engine;
    Link *m_tech = nullptr;
    PatroniClient *m_patroni = nullptr;
    QString m_previousPrimary;   // the Patroni member that led before this kiosk's switchover
};

}   // namespace redbox
