// Maintenance mode's side of the engine (see maintenanceservice.h).
#include "maintenance/maintenanceservice.h"

#include "core/logging.h"
#include "crypto/crypto.h"
#include "kioskcore/kioskengine.h"
#include "kioskcore/link.h"
#include "kioskcore/redboxapi.h"
#include "maintenance/diagnostics.h"
#include "maintenance/patroniclient.h"
#include "pg/oneshot.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>

#include <memory>
#include <optional>

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

// ---- sign-in ---------------------------------------------------------------------------

namespace {

// The answer of a server asked to check a technician's PIN: its word (ok, wrong, locked, or a
// refusal such as an unknown card), or nothing when it could not be asked.
std::optional<SignInResult> techAnswer(const pg::Result *r, const pg::DbError *e, const QString &where)
{
    if (r)
        return redboxapi::readTechSignIn(*r, where);
    if (!e || e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::Timeout)
        return std::nullopt;
    SignInResult res;
    res.failure = e->code() == RedboxError::TechnicianUnknown ? Failure::UnknownCard : failureFor(*e);
    res.message = e->message();
    return res;
}

}   // namespace

void MaintenanceService::signIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{4,8}$"));   // technicians' PINs: 4 to 8 digits
    auto refuse = [&done](Failure f, const QString &message) {
        SignInResult r;
        r.failure = f;
        r.message = message;
        done(r);
    };
    if (!isHex64(cardHash))
        return refuse(Failure::BadInput, QStringLiteral("card data is not valid"));
    if (!digits.match(pin).hasMatch())
        return refuse(Failure::BadInput, QStringLiteral("a technician PIN has 4 to 8 digits"));
    const KioskConfig &cfg = m_engine->config();
    QPointer<MaintenanceService> self(this);
    pg::queryOnce(this, cfg.redboxConninfo(), redboxapi::kTechSignInSql, {cardHash, pin}, 4000,
                  [self, cardHash, pin, done](const pg::Result *r, const pg::DbError *e, qint64) {
                      if (!self)
                          return;
                      // The red box answered: its word is final.
                      if (std::optional<SignInResult> res = techAnswer(r, e, QStringLiteral("redbox"))) {
                          self->answered(*res, cardHash, pin, done);
                          return;
                      }
                      qCInfo(lcClient) << "technician sign-in: the red box did not answer; asking the coast";
                      self->atCoast(cardHash, pin, done);
                  });
}

void MaintenanceService::atCoast(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done)
{
    const KioskConfig &cfg = m_engine->config();
    QPointer<MaintenanceService> self(this);
    pg::queryOnce(this, cfg.coastConninfo(), redboxapi::kTechVerifySql, {cardHash, pin}, 4000,
                  [self, cardHash, pin, done, coast = cfg.coastNode](const pg::Result *r, const pg::DbError *e, qint64) {
                      if (!self)
                          return;
                      if (std::optional<SignInResult> res = techAnswer(r, e, coast)) {
                          self->answered(*res, cardHash, pin, done);
                          return;
                      }
                      // Nobody can be asked: the kiosk checks a technician it has seen signed in before.
                      done(self->m_engine->signInOffline(cardHash, pin, true));
                  });
}

void MaintenanceService::answered(const SignInResult &res, const QString &cardHash, const QString &pin,
                                  const std::function<void(SignInResult)> &done)
{
    if (res.outcome == SignInOutcome::Ok)
        m_engine->rememberPin(cardHash, pin);   // the kiosk's own verifier, for when nobody answers
    done(res);
}

void MaintenanceService::beginSession()
{
    if (m_tech)
        return;
    const KioskConfig cfg = m_engine->config();
    m_tech = new Link(
        QStringLiteral("technician %1").arg(cfg.redboxNode),
        [cfg](int rotate) { return cfg.redboxConninfo(rotate) + QStringLiteral("-technician"); }, {}, this);
    m_tech->setApiLevel(kKioskApiLevel);
    m_tech->start();
}

void MaintenanceService::signOut(const TechnicianInfo &technician)
{
    if (!m_tech)
        return;
    Link *tech = m_tech;
    m_tech = nullptr;
    if (!technician.session.isEmpty())
        tech->call("SELECT redbox.tech_sign_out($1)", {technician.session}, true, nullptr, 2000, 5000);
    // Closed once the sign-out went out (or gave up).
    QTimer::singleShot(6000, tech, [tech] {
        tech->stop();
        tech->deleteLater();
    });
}

// ---- red box actions -------------------------------------------------------------------

void MaintenanceService::techCall(const TechnicianInfo &technician, QByteArray sql, std::vector<pg::Param> params,
                                  std::function<void(TechAnswer, const pg::Result *)> done)
{
    if (technician.session.isEmpty()) {
        done(TechAnswer::failed(QStringLiteral("You signed in while the red box could not be reached, so it has not opened a session for "
                                               "you: sign out and in again to make changes at the red box.")),
             nullptr);
        return;
    }
    beginSession();
    m_tech->call(
        std::move(sql), std::move(params), true,
        [done](const pg::Result *r, const pg::DbError *e) {
            if (r) {
                done(TechAnswer::done({}), r);
                return;
            }
            TechAnswer a;
            a.refusal = e ? e->code() : std::nullopt;
            if (e && e->code() == RedboxError::SessionInvalid)
                a.message = QStringLiteral("Your session at the red box has ended: sign out and in again.");
            else if (!e || e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::Timeout)
                a.message = QStringLiteral("The red box is not reachable; nothing was changed. Check Health, then try again.");
            else if (e->kind() == pg::ErrorKind::InDoubt)
                a.message = QStringLiteral("The red box's answer was lost; look at the slot map before trying again.");
            else
                a.message = e->message();
            done(a, nullptr);
        },
        5000, 15000);
}

void MaintenanceService::discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot,
                                    const QString &reason, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> self(this);
    techCall(technician,
             "SELECT barcode, movie_id, title, slot_no, status, condition, action_slot FROM redbox.tech_disc($1, $2, $3, $4, $5, $6)",
             {QUuid::createUuid(), technician.session, action, barcode, slot > 0 ? pg::Param(slot) : pg::Param(nullptr),
              reason.isEmpty() ? pg::Param(nullptr) : pg::Param(reason)},
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

void MaintenanceService::kioskDiscs(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    techCall(technician, "SELECT barcode, movie_id, title, slot_no, status, condition, removal_reason FROM redbox.tech_kiosk_discs($1)",
             {technician.session}, [done](TechAnswer a, const pg::Result *r) {
                 if (r)
                     for (int i = 0; i < r->rows(); ++i)
                         a.discs.append(discFrom(*r, i));
                 done(a);
             });
}

void MaintenanceService::retryParked(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    techCall(technician, "SELECT redbox.tech_retry_parked($1, $2)", {QUuid::createUuid(), technician.session},
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

void MaintenanceService::health(const TechnicianInfo &technician, std::function<void(MaintenanceHealth)> done)
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
    };
    QList<Target> targets;
    for (const Endpoint &e : cfg.redbox)
        targets.append({QStringLiteral("redbox"), e});
    for (const Endpoint &e : cfg.coast)
        targets.append({QStringLiteral("coast"), e});
    for (const Endpoint &e : cfg.hq)
        targets.append({QStringLiteral("hq"), e});
    round->waiting = static_cast<int>(targets.size()) + 1;
    for (int i = 0; i < targets.size(); ++i) {
        const Target &t = targets[i];
        round->h.servers.append({t.tier, serverName(t.server), false, false, 0, {}});
        pg::queryOnce(this, cfg.serverConninfo(t.server, t.tier == QLatin1String("redbox")), "SELECT pg_is_in_recovery()", {}, 3000,
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
                      });
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
            h.parkedClaims = r->int64(0, "parked_claims");
        } else {
            round->h.redboxError = e ? e->message() : QStringLiteral("no answer");
        }
        round->settle();
    };
    if (!technician.session.isEmpty()) {
        beginSession();
        m_tech->call("SELECT * FROM redbox.tech_health($1)", {technician.session}, true, fromRedbox, 3000, 5000);
    } else {
        const pg::DbError e(pg::ErrorKind::BrokenConnection, {},
                            QStringLiteral("the red box opened no session for this sign-in (it could not be reached then)"));
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

void MaintenanceService::switchover(const TechnicianInfo &technician, bool back, std::function<void(TechAnswer)> done)
{
    const KioskConfig &cfg = m_engine->config();
    if (!m_patroni->configured() || cfg.patroniSecretFile.isEmpty()) {
        done(TechAnswer::failed(
            QStringLiteral("This kiosk's configuration names no Patroni API for its red box (redbox/patroni) "
                           "or no Patroni secret (security/patroni_secret): a failover cannot be asked for from here.")));
        return;
    }
    // Patroni's unsafe endpoints take this pair's own credentials ("user:password"), which only the
    // operator and this red box's kiosks hold.
    const std::optional<std::pair<QString, QString>> credentials = readPatroniSecret(cfg.patroniSecretFile);
    QPointer<MaintenanceService> self(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto finish = [self, technician, back, done, clock](TechAnswer a, const QString &from, const QString &to) {
        if (!self)
            return;
        AuditEntry e;
        e.technicianId = technician.technicianId;
        e.session = technician.session;
        e.action = back ? QStringLiteral("failback") : QStringLiteral("failover");
        e.detail = {{QStringLiteral("from"), from},
                    {QStringLiteral("to"), to},
                    {QStringLiteral("ok"), a.ok},
                    {QStringLiteral("seconds"), static_cast<double>(clock->elapsed()) / 1000.0},
                    {QStringLiteral("message"), a.message.left(300)}};
        self->m_engine->audit(e);
        done(a);
    };
    if (!credentials) {
        finish(TechAnswer::failed(QStringLiteral("The Patroni secret file %1 does not hold \"user:password\"").arg(cfg.patroniSecretFile)),
               {}, {});
        return;
    }
    m_patroni->get(0, QStringLiteral("cluster"), [self, back, finish, clock, credentials](int status, QJsonObject body, QString error) {
        if (!self)
            return;
        if (status != 200) {
            finish(TechAnswer::failed(
                       QStringLiteral("Patroni's API did not answer (%1).").arg(error.isEmpty() ? QString::number(status) : error)),
                   {}, {});
            return;
        }
        self->chooseSwitchover(back, body, finish, [self, back, finish, clock, credentials](const QString &leader, const QString &target) {
            qCInfo(lcClient) << "technician switchover of the red box from" << leader << "to" << target;
            self->m_patroni->post(0, QStringLiteral("switchover"),
                                  {{QStringLiteral("leader"), leader}, {QStringLiteral("candidate"), target}}, credentials->first,
                                  credentials->second, [self, back, finish, leader, target, clock](int st, QByteArray answer, QString err) {
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

void MaintenanceService::exportDiagnostics(const TechnicianInfo &technician, std::function<void(TechAnswer)> done)
{
    QPointer<MaintenanceService> self(this);
    health(technician, [self, technician, done](MaintenanceHealth h) {
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
        e.technicianId = technician.technicianId;
        e.session = technician.session;
        e.action = QStringLiteral("diagnostics_export");
        e.detail = {{QStringLiteral("ok"), a.ok}, {QStringLiteral("file"), QFileInfo(a.path).fileName()}};
        engine.audit(e);
        done(a);
    });
}

}   // namespace redbox
