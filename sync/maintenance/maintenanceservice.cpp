// Maintenance mode's side of the engine (see maintenanceservice.h).
#include "maintenance/maintenanceservice.h"

#include "core/logging.h"
#include "crypto/crypto.h"
#include "kioskcore/kioskengine.h"
#include "kioskcore/link.h"
#include "maintenance/diagnostics.h"
#include "maintenance/patroniclient.h"
#include "pg/asyncconnection.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>

#include <memory>

namespace redbox {

namespace {

bool isHex64(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{64}$"));
    return re.match(s).hasMatch();
}

TechDisc discFrom(const pg::Result &r, int row)
{
    TechDisc d;
    d.barcode = r.text(row, "barcode");
    d.movieId = r.int32(row, "movie_id");
    d.title = r.text(row, "title");
    d.slot = r.isNull(row, "slot_no") ? 0 : r.int32(row, "slot_no");
    d.status = r.text(row, "status");
    d.condition = r.text(row, "condition");
    if (r.column("removal_reason") >= 0 && !r.isNull(row, "removal_reason"))
        d.removalReason = r.text(row, "removal_reason");
    if (r.column("action_slot") >= 0 && !r.isNull(row, "action_slot"))
        d.actionSlot = r.int32(row, "action_slot");
    return d;
}

QString serverName(const Endpoint &e)
{
    return e.host + QLatin1Char(':') + QString::number(e.port);
}

}   // namespace

MaintenanceService::MaintenanceService(KioskEngine *engine, QObject *parent)
    : QObject(parent ? parent : engine),
      m_engine(engine),
      m_patroni(new PatroniClient(engine->config().patroni, engine->config().caFile, this))
{}

MaintenanceService::~MaintenanceService() = default;

bool MaintenanceService::checkPin(const TechnicianInfo &technician, const QString &pin)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{4,8}$"));   // technicians' PINs: 4 to 8 digits
    return technician.active && digits.match(pin).hasMatch() && crypto::verifySecret(pin, technician.pinHash);
}

// ---- one-shot queries ------------------------------------------------------------------

void MaintenanceService::once(const QString &conninfo, QByteArray sql, std::vector<pg::Param> params, QueryDone done, int timeoutMs)
{
    auto *conn = new pg::AsyncConnection(this);
    auto clock = std::make_shared<QElapsedTimer>();
    auto finished = std::make_shared<bool>(false);
    clock->start();
    auto finish = [conn, clock, finished, done](const pg::Result *r, const pg::DbError *e) {
        if (*finished)
            return;
        *finished = true;
        done(r, e, clock->elapsed());
        conn->close();
        conn->deleteLater();
    };
    connect(conn, &pg::AsyncConnection::connected, this, [conn, sql, params, finish, timeoutMs] {
        conn->query(
            sql, params, false, [finish](const pg::Result *r, const pg::DbError *e) { finish(r, e); }, timeoutMs);
    });
    connect(conn, &pg::AsyncConnection::connectionLost, this, [finish](const QString &message) {
        const pg::DbError e(pg::ErrorKind::BrokenConnection, {}, message);
        finish(nullptr, &e);
    });
    conn->open(conninfo, timeoutMs);
}

// ---- sign-in ---------------------------------------------------------------------------

void MaintenanceService::login(const QString &cardHash, std::function<void(TechLogin)> done)
{
    if (!isHex64(cardHash)) {
        done({std::nullopt, {}, Failure::BadInput, QStringLiteral("card data is not valid")});
        return;
    }
    const KioskConfig &cfg = m_engine->config();
    QPointer<MaintenanceService> self(this);
    auto fromCache = [self, cardHash, done](const QString &why) {
        if (!self)
            return;
        const std::optional<TechnicianInfo> t = self->m_engine->cachedTechnician(cardHash);
        if (t && t->active)
            done({t, QStringLiteral("cache"), Failure::None, why});
        else
            done({std::nullopt,
                  {},
                  Failure::Offline,
                  QStringLiteral("The network cannot check this card now and it is not among the technicians this kiosk knows.")});
    };
    auto answer = [done](const pg::Result *r, const QString &source) {
        TechnicianInfo t;
        t.technicianId = r->int64(0, "technician_id");
        t.name = r->text(0, "name");
        t.pinHash = r->text(0, "pin_hash");
        t.active = true;
        done({t, source, Failure::None, {}});
    };
    const QByteArray sql = "SELECT technician_id, name, pin_hash FROM redbox.tech_login($1)";
    if (cfg.technicianPassfile.isEmpty()) {
        fromCache(QStringLiteral("no technician password file is configured"));
        return;
    }
    once(cfg.technicianConninfo(), sql, {cardHash},
         [self, cfg, sql, cardHash, done, answer, fromCache](const pg::Result *r, const pg::DbError *e, qint64) {
             if (!self)
                 return;
             if (r && r->rows() == 1) {
                 answer(r, QStringLiteral("redbox"));
                 return;
             }
             if (e && e->kind() != pg::ErrorKind::BrokenConnection && e->kind() != pg::ErrorKind::Timeout) {
                 // The red box answered: its word is final (unknown or deactivated card).
                 done({std::nullopt, {}, Failure::UnknownCard, e->message()});
                 return;
             }
             qCInfo(lcClient) << "technician sign-in: the red box did not answer; asking the coast";
             self->once(
                 cfg.technicianCoastConninfo(), sql, {cardHash},
                 [self, done, answer, fromCache](const pg::Result *r2, const pg::DbError *e2, qint64) {
                     if (!self)
                         return;
                     if (r2 && r2->rows() == 1) {
                         answer(r2, QStringLiteral("coast"));
                         return;
                     }
                     if (e2 && e2->kind() != pg::ErrorKind::BrokenConnection && e2->kind() != pg::ErrorKind::Timeout) {
                         done({std::nullopt, {}, Failure::UnknownCard, e2->message()});
                         return;
                     }
                     fromCache(QStringLiteral("checked against the kiosk's cached technicians (the red box and the coast did not answer)"));
                 });
         });
}

void MaintenanceService::beginSession()
{
    if (m_tech || m_engine->config().technicianPassfile.isEmpty())
        return;
    const KioskConfig cfg = m_engine->config();
    m_tech = new Link(
        QStringLiteral("technician %1").arg(cfg.redboxNode), [cfg](int) { return cfg.technicianConninfo(); }, {}, this);
    m_tech->start();
}

void MaintenanceService::endSession()
{
    if (!m_tech)
        return;
    m_tech->stop();
    m_tech->deleteLater();
    m_tech = nullptr;
}

// ---- red box actions -------------------------------------------------------------------

void MaintenanceService::techCall(QByteArray sql, std::vector<pg::Param> params, std::function<void(TechAnswer, const pg::Result *)> done)
{
    beginSession();
    if (!m_tech) {
        done(TechAnswer::failed(QStringLiteral("This kiosk has no technician credentials configured (security/technician_passfile).")),
             nullptr);
        return;
    }
    m_tech->call(
        std::move(sql), std::move(params), true,
        [done](const pg::Result *r, const pg::DbError *e) {
            if (r) {
                done(TechAnswer::done({}), r);
                return;
            }
            TechAnswer a;
            a.refusal = e ? e->code() : std::nullopt;
            if (!e || e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::Timeout)
                a.message = QStringLiteral("The red box is not reachable; nothing was changed. Check Health, then try again.");
            else if (e->kind() == pg::ErrorKind::InDoubt)
                a.message = QStringLiteral("The red box's answer was lost; look at the slot map before trying again.");
            else
                a.message = e->message();
            done(a, nullptr);
        },
        5000, 15000);
}

void MaintenanceService::discAction(qint64 technicianId, const QString &action, const QString &barcode, int slot, const QString &reason,
                                    std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> self(this);
    techCall("SELECT barcode, movie_id, title, slot_no, status, condition, action_slot FROM redbox.tech_disc($1, $2, $3, $4, $5, $6, $7)",
             {QUuid::createUuid(), m_engine->config().kioskId, technicianId, action, barcode,
              slot > 0 ? pg::Param(slot) : pg::Param(nullptr), reason.isEmpty() ? pg::Param(nullptr) : pg::Param(reason)},
             [self, done](TechAnswer a, const pg::Result *r) {
                 if (r) {
                     for (int i = 0; i < r->rows(); ++i)
                         a.discs.append(discFrom(*r, i));
                     if (self)
                         self->m_engine->syncNow();   // customers see the change at once
                 }
                 done(a);
             });
}

void MaintenanceService::kioskDiscs(std::function<void(TechAnswer)> done)
{
    techCall("SELECT barcode, movie_id, title, slot_no, status, condition, removal_reason FROM redbox.tech_kiosk_discs($1)",
             {m_engine->config().kioskId}, [done](TechAnswer a, const pg::Result *r) {
                 if (r)
                     for (int i = 0; i < r->rows(); ++i)
                         a.discs.append(discFrom(*r, i));
                 done(a);
             });
}

void MaintenanceService::retryParked(qint64 technicianId, std::function<void(TechAnswer)> done)
{
    techCall("SELECT redbox.tech_retry_parked($1, $2, $3)", {QUuid::createUuid(), m_engine->config().kioskId, technicianId},
             [done](TechAnswer a, const pg::Result *r) {
                 if (r) {
                     a.count = r->int64(0, 0);
                     a.message = a.count == 0 ? QStringLiteral("No hops were parked.")
                                              : QStringLiteral("%1 parked hop(s) put back in line.").arg(a.count);
                 }
                 done(a);
             });
}

// ---- health ----------------------------------------------------------------------------

void MaintenanceService::health(std::function<void(MaintenanceHealth)> done)
{
    struct Round {
        MaintenanceHealth h;
        int waiting = 0;
        std::function<void(MaintenanceHealth)> done;
        void settle()
        {
            if (--waiting == 0)
                done(h);
        }
    };
    auto round = std::make_shared<Round>();
    round->done = std::move(done);
    round->h.kiosk = m_engine->health();
    const KioskConfig &cfg = m_engine->config();
    struct Target {
        QString tier;
        Endpoint server;
        QString role;
        QString passfile;
    };
    QList<Target> targets;
    const QString techPass = cfg.technicianPassfile.isEmpty() ? cfg.kioskPassfile : cfg.technicianPassfile;
    const QString redboxRole = cfg.technicianPassfile.isEmpty() ? QStringLiteral("kiosk") : QStringLiteral("technician");
    for (const Endpoint &e : cfg.redbox)
        targets.append({QStringLiteral("redbox"), e, redboxRole, techPass});
    for (const Endpoint &e : cfg.coast)
        targets.append({QStringLiteral("coast"), e, QStringLiteral("verifier"), cfg.verifierPassfile});
    for (const Endpoint &e : cfg.hq)
        targets.append({QStringLiteral("hq"), e, QStringLiteral("verifier"), cfg.verifierPassfile});
    round->waiting = static_cast<int>(targets.size()) + 1;
    for (int i = 0; i < targets.size(); ++i) {
        const Target &t = targets[i];
        round->h.servers.append({t.tier, serverName(t.server), false, false, 0, {}});
        once(
            cfg.serverConninfo(t.server, t.role, t.passfile), "SELECT pg_is_in_recovery()", {},
            [round, i](const pg::Result *r, const pg::DbError *e, qint64 ms) {
                ServerProbe &p = round->h.servers[i];
                p.latencyMs = ms;
                if (r && r->rows() == 1) {
                    p.reachable = true;
                    p.primary = !r->boolean(0, 0);
                } else {
                    p.error = e ? e->message().section(QLatin1Char('\n'), 0, 0) : QStringLiteral("no answer");
                }
                round->settle();
            },
            3000);
    }
    auto fromRedbox = [round](const pg::Result *r, const pg::DbError *e) {
        if (r && r->rows() == 1) {
            MaintenanceHealth &h = round->h;
            h.redboxAnswered = true;
            h.nodeName = r->text(0, "node_name");
            h.primaryServer = r->text(0, "server_addr");
            if (!r->isNull(0, "standby_name")) {
                h.standbyName = r->text(0, "standby_name");
                h.standbyState = r->text(0, "standby_state");
                h.standbySync = r->text(0, "standby_sync");
                h.replayLagMs = r->int64(0, "replay_lag_ms");
                h.replayLagBytes = r->isNull(0, "replay_lag_bytes") ? -1 : r->int64(0, "replay_lag_bytes");
            }
            h.links = r->json(0, "links").array();
            h.pendingHops = r->int64(0, "pending_hops");
            if (!r->isNull(0, "oldest_pending"))
                h.oldestPending = r->timestamp(0, "oldest_pending");
            h.parkedHops = r->int64(0, "parked_hops");
            h.parked = r->json(0, "parked").array();
        } else {
            round->h.redboxError = e ? e->message() : QStringLiteral("no answer");
        }
        round->settle();
    };
    beginSession();
    if (m_tech)
        m_tech->call("SELECT * FROM redbox.tech_health()", {}, false, fromRedbox, 3000, 5000);
    else {
        const pg::DbError e(pg::ErrorKind::BrokenConnection, {}, QStringLiteral("no technician credentials configured"));
        fromRedbox(nullptr, &e);
    }
}

// ---- failover through Patroni ------------------------------------------------------------

void MaintenanceService::chooseSwitchover(bool back, const QJsonObject &cluster, std::function<void(TechAnswer, QString, QString)> refuse,
                                          std::function<void(QString, QString)> go)
{
    QString leader, standby;
    QHash<QString, QString> states;
    QStringList seen;
    for (const auto &m : cluster.value(QStringLiteral("members")).toArray()) {
        const QJsonObject o = m.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        const QString role = o.value(QStringLiteral("role")).toString();
        states.insert(name, o.value(QStringLiteral("state")).toString());
        seen << QStringLiteral("%1 %2 %3").arg(name, role, states.value(name));
        if (role == QLatin1String("leader"))
            leader = name;
        else if (role == QLatin1String("sync_standby"))
            standby = name;
    }
    auto streaming = [&](const QString &member) {
        const QString st = states.value(member);
        return st == QLatin1String("running") || st == QLatin1String("streaming");
    };
    if (!back) {
        if (leader.isEmpty() || standby.isEmpty() || !streaming(standby)) {
            refuse(TechAnswer::failed(QStringLiteral("There is no streaming synchronous standby to fail over to: a switchover now could "
                                                     "lose rentals, so it was not done (%1).")
                                          .arg(seen.join(QStringLiteral(", ")))),
                   leader, standby);
            return;
        }
        go(leader, standby);
        return;
    }
    const QString target = m_previousPrimary;
    if (target.isEmpty()) {
        refuse(TechAnswer::failed(
                   QStringLiteral("No failover was made from this kiosk since it started: there is no old primary to bring back.")),
               leader, {});
        return;
    }
    if (target == leader) {
        m_previousPrimary.clear();
        refuse(TechAnswer::done(QStringLiteral("%1 is primary already.").arg(target)), leader, target);
        return;
    }
    if (streaming(target) && target != standby) {
        refuse(TechAnswer::failed(QStringLiteral("The old primary %1 runs but is not the synchronous standby yet (it is catching up): "
                                                 "try again in a few seconds.")
                                      .arg(target)),
               leader, target);
        return;
    }
    if (!streaming(target)) {
        const QString st = states.value(target);
        refuse(TechAnswer::failed(QStringLiteral("The old primary %1 is not a streaming synchronous standby (%2): its server must be "
                                                 "started again on its host (redbox-net rejoin) before it can lead.")
                                      .arg(target, st.isEmpty() ? QStringLiteral("not running") : st)),
               leader, target);
        return;
    }
    go(leader, target);
}

void MaintenanceService::switchover(qint64 technicianId, bool back, std::function<void(TechAnswer)> done)
{
    const KioskConfig &cfg = m_engine->config();
    if (!m_patroni->configured() || cfg.technicianPassfile.isEmpty()) {
        done(TechAnswer::failed(QStringLiteral("This kiosk's configuration names no Patroni API for its red box (redbox/patroni) "
                                               "or no technician password file: a failover cannot be asked for from here.")));
        return;
    }
    // Patroni's unsafe endpoints take the node's technician credentials (the role's password
    // for this red box's servers, from the technician password file).
    std::optional<QString> password;
    for (const Endpoint &pg : cfg.redbox)
        if ((password = pgpassPassword(cfg.technicianPassfile, pg.host, pg.port, QStringLiteral("technician"))))
            break;
    QPointer<MaintenanceService> self(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto finish = [self, technicianId, back, done, clock](TechAnswer a, const QString &from, const QString &to) {
        if (!self)
            return;
        AuditEntry e;
        e.technicianId = technicianId;
        e.action = back ? QStringLiteral("failback") : QStringLiteral("failover");
        e.detail = {{QStringLiteral("from"), from},
                    {QStringLiteral("to"), to},
                    {QStringLiteral("ok"), a.ok},
                    {QStringLiteral("seconds"), static_cast<double>(clock->elapsed()) / 1000.0},
                    {QStringLiteral("message"), a.message.left(300)}};
        self->m_engine->audit(e);
        done(a);
    };
    if (!password) {
        finish(TechAnswer::failed(
                   QStringLiteral("Patroni refused the switchover: the technician password file has no entry for this red box")),
               {}, {});
        return;
    }
    m_patroni->get(0, QStringLiteral("cluster"), [self, back, finish, clock, password](int status, QJsonObject body, QString error) {
        if (!self)
            return;
        if (status != 200) {
            finish(TechAnswer::failed(
                       QStringLiteral("Patroni's API did not answer (%1).").arg(error.isEmpty() ? QString::number(status) : error)),
                   {}, {});
            return;
        }
        self->chooseSwitchover(back, body, finish, [self, back, finish, clock, password](const QString &leader, const QString &target) {
            qCInfo(lcClient) << "technician switchover of the red box from" << leader << "to" << target;
            self->m_patroni->post(0, QStringLiteral("switchover"),
                                  {{QStringLiteral("leader"), leader}, {QStringLiteral("candidate"), target}}, QStringLiteral("technician"),
                                  *password, [self, back, finish, leader, target, clock](int st, QByteArray answer, QString err) {
                                      if (!self)
                                          return;
                                      if (st != 200 && st != 202) {
                                          finish(TechAnswer::failed(QStringLiteral("Patroni refused the switchover: %1")
                                                                        .arg(err.isEmpty() ? QString::fromUtf8(answer).trimmed() : err)),
                                                 leader, target);
                                          return;
                                      }
                                      self->m_patroni->waitForLeader(
                                          target, clock->elapsed(), [self, back, finish, leader, target](bool ok, QString msg) {
                                              if (!self)
                                                  return;
                                              if (ok)
                                                  self->m_previousPrimary = back ? QString() : leader;
                                              TechAnswer a = ok ? TechAnswer::done(msg) : TechAnswer::failed(msg);
                                              finish(a, leader, target);
                                          });
                                  });
        });
    });
}

// ---- diagnostics ----------------------------------------------------------------------

void MaintenanceService::exportDiagnostics(qint64 technicianId, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> self(this);
    health([self, technicianId, done](MaintenanceHealth h) {
        if (!self)
            return;
        KioskEngine &engine = *self->m_engine;
        DiagnosticsFacts facts;
        if (engine.health().storageFault.isEmpty()) {
            facts.cache = engine.cacheCounts();
            facts.parked = engine.parkedActions();
        } else {
            facts.storageError = engine.health().storageFault;
        }
        const TechAnswer a = writeDiagnostics(engine.config(), h, facts);
        AuditEntry e;
        e.technicianId = technicianId;
        e.action = QStringLiteral("diagnostics_export");
        e.detail = {{QStringLiteral("ok"), a.ok}, {QStringLiteral("file"), QFileInfo(a.path).fileName()}};
        engine.audit(e);
        done(a);
    });
}

}   // namespace redbox
