// See maintenanceservice.h.
#include "maintenance/maintenanceservice.h"

#include "core/logbuffer.h"
#include "core/logging.h"
#include "crypto/crypto.h"
#include "kioskcore/kioskengine.h"
#include "kioskcore/link.h"
#include "pg/asyncconnection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

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

} // namespace

MaintenanceService::MaintenanceService(KioskEngine *engine) : QObject(engine), m_engine(engine) {}

MaintenanceService::~MaintenanceService() = default;

bool MaintenanceService::checkPin(const TechnicianInfo &technician, const QString &pin)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{4,8}$"));   // technicians' PINs: 4 to 8 digits
    return technician.active && digits.match(pin).hasMatch() && crypto::verifySecret(pin, technician.pinHash);
}

// ---- one-shot queries ------------------------------------------------------------------

void MaintenanceService::once(const QString &conninfo, QByteArray sql, std::vector<pg::Param> params, QueryDone done,
                              int timeoutMs)
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
        conn->query(sql, params, false, [finish](const pg::Result *r, const pg::DbError *e) { finish(r, e); }, timeoutMs);
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
        std::optional<TechnicianInfo> t;
        try {
            t = self->m_engine->cache().technicianByCard(cardHash);
        } catch (const std::exception &e) {
            qCWarning(lcClient) << "technician cache lookup failed:" << e.what();
        }
        if (t && t->active)
            done({t, QStringLiteral("cache"), Failure::None, why});
        else
            done({std::nullopt, {}, Failure::Offline,
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
    once(cfg.technicianConninfo(), sql, {cardHash}, [self, cfg, sql, cardHash, done, answer, fromCache](const pg::Result *r, const pg::DbError *e, qint64) {
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
        self->once(cfg.technicianCoastConninfo(), sql, {cardHash}, [self, done, answer, fromCache](const pg::Result *r2, const pg::DbError *e2, qint64) {
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
    m_tech = new Link(QStringLiteral("technician %1").arg(cfg.redboxNode), [cfg](int) { return cfg.technicianConninfo(); }, {}, this);
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

void MaintenanceService::techCall(QByteArray sql, std::vector<pg::Param> params,
                                  std::function<void(TechAnswer, const pg::Result *)> done)
{
    beginSession();
    if (!m_tech) {
        done({false, QStringLiteral("This kiosk has no technician credentials configured (security/technician_passfile)."), {}, {}, 0, {}},
             nullptr);
        return;
    }
    m_tech->call(std::move(sql), std::move(params), true, [done](const pg::Result *r, const pg::DbError *e) {
        if (r) {
            done({true, {}, {}, {}, 0, {}}, r);
            return;
        }
        TechAnswer a;
        a.sqlstate = e ? e->sqlstate() : QString();
        if (!e || e->kind() == pg::ErrorKind::BrokenConnection || e->kind() == pg::ErrorKind::Timeout)
            a.message = QStringLiteral("The red box is not reachable; nothing was changed. Check Health, then try again.");
        else if (e->kind() == pg::ErrorKind::InDoubt)
            a.message = QStringLiteral("The red box's answer was lost; look at the slot map before trying again.");
        else
            a.message = e->message();
        done(a, nullptr);
    }, 5000, 15000);
}

void MaintenanceService::discAction(qint64 technicianId, const QString &action, const QString &barcode, int slot,
                                    const QString &reason, std::function<void(TechAnswer)> done)
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
        once(cfg.serverConninfo(t.server, t.role, t.passfile), "SELECT pg_is_in_recovery()", {},
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
             }, 3000);
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

std::optional<QString> MaintenanceService::pgpassPassword(const QString &file, const QString &host, int port, const QString &role)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return std::nullopt;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        QStringList fields;
        QString cur;
        for (qsizetype i = 0; i < line.size(); ++i) {
            if (line[i] == QLatin1Char('\\') && i + 1 < line.size()) {
                cur += line[++i];
            } else if (line[i] == QLatin1Char(':') && fields.size() < 4) {
                fields << cur;
                cur.clear();
            } else {
                cur += line[i];
            }
        }
        fields << cur;
        if (fields.size() != 5)
            continue;
        auto match = [](const QString &pattern, const QString &value) { return pattern == QLatin1String("*") || pattern == value; };
        if (match(fields[0], host) && match(fields[1], QString::number(port)) && match(fields[3], role))
            return fields[4];
    }
    return std::nullopt;
}

QNetworkRequest MaintenanceService::patroniRequest(int index, const QString &path)
{
    const KioskConfig &cfg = m_engine->config();
    if (!m_http) {
        m_http = new QNetworkAccessManager(this);
        m_http->setTransferTimeout(5000);
    }
    const Endpoint &api = cfg.patroni[index % cfg.patroni.size()];
    QNetworkRequest req(QUrl(QStringLiteral("https://%1:%2/%3").arg(api.host).arg(api.port).arg(path)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(cfg.caFile));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    req.setSslConfiguration(tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);   // Patroni speaks HTTP/1.x
    return req;
}

void MaintenanceService::patroniGet(int index, const QString &path, std::function<void(int, QJsonObject, QString)> done)
{
    const QNetworkRequest req = patroniRequest(index, path);   // makes m_http the first time
    QNetworkReply *reply = m_http->get(req);
    // Patroni answers HTTP/1.0 without a length and does not end its TLS session cleanly, so Qt may
    // not see the end of the body for seconds: the answer is complete once it parses as JSON.
    auto body = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    connect(reply, &QIODevice::readyRead, this, [reply, body, answered, done] {
        body->append(reply->readAll());
        const QJsonDocument doc = QJsonDocument::fromJson(*body);
        if (*answered || !doc.isObject())
            return;
        *answered = true;
        done(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), doc.object(), {});
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done, body, answered] {
        reply->deleteLater();
        if (*answered)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        body->append(reply->readAll());
        if (status == 0) {
            done(0, {}, reply->errorString());
            return;
        }
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(*body, &error);
        if (!doc.isObject()) {
            done(0, {}, QStringLiteral("Patroni's answer is not JSON (HTTP %1, %2 bytes: %3)").arg(status).arg(body->size()).arg(error.errorString()));
            return;
        }
        done(status, doc.object(), {});
    });
}

void MaintenanceService::patroniPost(int index, const QString &path, const QJsonObject &body,
                                     std::function<void(int, QByteArray, QString)> done)
{
    const KioskConfig &cfg = m_engine->config();
    // Patroni's unsafe endpoints take the node's technician credentials (the role's password
    // for this red box's servers, from the technician password file).
    std::optional<QString> password;
    for (const Endpoint &pg : cfg.redbox)
        if ((password = pgpassPassword(cfg.technicianPassfile, pg.host, pg.port, QStringLiteral("technician"))))
            break;
    if (!password) {
        done(0, {}, QStringLiteral("the technician password file has no entry for this red box"));
        return;
    }
    QNetworkRequest req = patroniRequest(index, path);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Authorization", "Basic " + (QStringLiteral("technician:") + *password).toUtf8().toBase64());
    req.setTransferTimeout(60000);   // a switchover answers when it is done
    QNetworkReply *reply = m_http->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    // Patroni writes its whole answer at once (see patroniGet on how it ends): the first data is all of it.
    auto answer = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    connect(reply, &QIODevice::readyRead, this, [reply, answer, answered, done] {
        answer->append(reply->readAll());
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (*answered || status == 0 || answer->isEmpty())
            return;
        *answered = true;
        done(status, *answer, {});
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done, answer, answered] {
        reply->deleteLater();
        if (*answered)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer->append(reply->readAll());
        done(status, *answer, status == 0 || answer->isEmpty() ? reply->errorString() : QString());
    });
}

void MaintenanceService::waitForLeader(const QString &member, qint64 startedMs, std::function<void(bool, QString)> done)
{
    QPointer<MaintenanceService> self(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    // The poll holds itself only through its request in flight (no cycle once it is done).
    using Poll = std::function<void(int)>;
    auto poll = std::make_shared<Poll>();
    std::weak_ptr<Poll> weak = poll;
    *poll = [self, member, startedMs, done, clock, weak](int attempt) {
        std::shared_ptr<Poll> me = weak.lock();
        if (!self || !me)
            return;
        self->patroniGet(attempt, QStringLiteral("cluster"), [self, member, startedMs, done, clock, me, attempt](int status, QJsonObject body, QString) {
            if (!self)
                return;
            if (status == 200) {
                for (const QJsonValue &m : body.value(QStringLiteral("members")).toArray()) {
                    const QJsonObject o = m.toObject();
                    if (o.value(QStringLiteral("name")).toString() == member && o.value(QStringLiteral("role")).toString() == QLatin1String("leader")
                        && o.value(QStringLiteral("state")).toString() == QLatin1String("running")) {
                        done(true, QStringLiteral("%1 leads the red box now (%2 s).").arg(member).arg(static_cast<double>(startedMs + clock->elapsed()) / 1000.0, 0, 'f', 1));
                        return;
                    }
                }
            }
            if (clock->elapsed() > 90'000) {
                done(false, QStringLiteral("%1 did not take over within 90 s; look at Health.").arg(member));
                return;
            }
            QTimer::singleShot(500, self, [me, attempt] { (*me)(attempt + 1); });
        });
    };
    (*poll)(0);
}

void MaintenanceService::switchover(qint64 technicianId, bool back, std::function<void(TechAnswer)> done)
{
    const KioskConfig &cfg = m_engine->config();
    if (cfg.patroni.isEmpty() || cfg.technicianPassfile.isEmpty()) {
        done({false, QStringLiteral("This kiosk's configuration names no Patroni API for its red box (redbox/patroni) "
                                    "or no technician password file: a failover cannot be asked for from here."), {}, {}, 0, {}});
        return;
    }
    QPointer<MaintenanceService> self(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto finish = [self, technicianId, back, done, clock](TechAnswer a, const QString &from, const QString &to) {
        if (!self)
            return;
        AuditEntry e;
        e.technicianId = technicianId;
        e.action = back ? QStringLiteral("failback") : QStringLiteral("failover");
        e.detail = {{QStringLiteral("from"), from}, {QStringLiteral("to"), to}, {QStringLiteral("ok"), a.ok},
                    {QStringLiteral("seconds"), static_cast<double>(clock->elapsed()) / 1000.0}, {QStringLiteral("message"), a.message.left(300)}};
        self->m_engine->audit(e);
        done(a);
    };
    patroniGet(0, QStringLiteral("cluster"), [self, back, finish, clock](int status, QJsonObject body, QString error) {
        if (!self)
            return;
        if (status != 200) {
            finish({false, QStringLiteral("Patroni's API did not answer (%1).").arg(error.isEmpty() ? QString::number(status) : error), {}, {}, 0, {}}, {}, {});
            return;
        }
        QString leader, standby;
        QHash<QString, QString> states;
        QStringList seen;
        for (const QJsonValue &m : body.value(QStringLiteral("members")).toArray()) {
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
        QString target;
        if (back) {
            target = self->m_previousPrimary;
            if (target.isEmpty()) {
                finish({false, QStringLiteral("No failover was made from this kiosk since it started: there is no old primary to bring back."), {}, {}, 0, {}}, leader, {});
                return;
            }
            if (target == leader) {
                self->m_previousPrimary.clear();
                finish({true, QStringLiteral("%1 is primary already.").arg(target), {}, {}, 0, {}}, leader, target);
                return;
            }
            const QString st = states.value(target);
            const bool up = st == QLatin1String("running") || st == QLatin1String("streaming");
            if (up && target != standby) {
                finish({false, QStringLiteral("The old primary %1 runs but is not the synchronous standby yet (it is catching up): "
                                              "try again in a few seconds.").arg(target), {}, {}, 0, {}}, leader, target);
                return;
            }
            if (!up) {
                finish({false, QStringLiteral("The old primary %1 is not a streaming synchronous standby (%2): its server must be "
                                              "started again on its host (redbox-net rejoin) before it can lead.")
                                   .arg(target, st.isEmpty() ? QStringLiteral("not running") : st), {}, {}, 0, {}}, leader, target);
                return;
            }
        } else {
            target = standby;
            if (leader.isEmpty() || standby.isEmpty()
                || (states.value(standby) != QLatin1String("running") && states.value(standby) != QLatin1String("streaming"))) {
                finish({false, QStringLiteral("There is no streaming synchronous standby to fail over to: a switchover now could "
                                              "lose rentals, so it was not done (%1).").arg(seen.join(QStringLiteral(", "))), {}, {}, 0, {}},
                       leader, standby);
                return;
            }
        }
        qCInfo(lcClient) << "technician switchover of the red box from" << leader << "to" << target;
        self->patroniPost(0, QStringLiteral("switchover"), {{QStringLiteral("leader"), leader}, {QStringLiteral("candidate"), target}},
                          [self, back, finish, leader, target, clock](int st, QByteArray answer, QString err) {
                              if (!self)
                                  return;
                              if (st != 200 && st != 202) {
                                  finish({false, QStringLiteral("Patroni refused the switchover: %1")
                                                     .arg(err.isEmpty() ? QString::fromUtf8(answer).trimmed() : err), {}, {}, 0, {}},
                                         leader, target);
                                  return;
                              }
                              self->waitForLeader(target, clock->elapsed(), [self, back, finish, leader, target](bool ok, QString msg) {
                                  if (!self)
                                      return;
                                  if (ok)
                                      self->m_previousPrimary = back ? QString() : leader;
                                  finish({ok, msg, {}, {}, 0, {}}, leader, target);
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
        const KioskConfig &cfg = engine.config();
        const QString dir = cfg.exportDir.isEmpty() ? QDir(cfg.storageDir).filePath(QStringLiteral("diagnostics")) : cfg.exportDir;
        QJsonObject doc;
        doc.insert(QStringLiteral("kiosk_id"), cfg.kioskId);
        doc.insert(QStringLiteral("written_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        doc.insert(QStringLiteral("versions"), QJsonObject{
            {QStringLiteral("redbox"), QStringLiteral(REDBOX_VERSION)},
            {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
            {QStringLiteral("libpq"), PQlibVersion()},
            {QStringLiteral("sqlite"), QString::fromLatin1(sqlite3_libversion())},
            {QStringLiteral("openssl"), QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION))}});
        auto hosts = [](const QList<Endpoint> &eps) {
            QJsonArray a;
            for (const Endpoint &e : eps)
                a.append(serverName(e));
            return a;
        };
        doc.insert(QStringLiteral("configuration"), QJsonObject{
            {QStringLiteral("redbox_node"), cfg.redboxNode}, {QStringLiteral("redbox"), hosts(cfg.redbox)},
            {QStringLiteral("coast_node"), cfg.coastNode}, {QStringLiteral("coast"), hosts(cfg.coast)},
            {QStringLiteral("hq"), hosts(cfg.hq)}, {QStringLiteral("patroni"), hosts(cfg.patroni)},
            {QStringLiteral("language"), cfg.language}, {QStringLiteral("orientation"), cfg.orientation}});
        QJsonArray servers;
        for (const ServerProbe &p : h.servers)
            servers.append(QJsonObject{{QStringLiteral("tier"), p.tier}, {QStringLiteral("server"), p.server},
                                       {QStringLiteral("reachable"), p.reachable}, {QStringLiteral("primary"), p.primary},
                                       {QStringLiteral("latency_ms"), p.latencyMs}, {QStringLiteral("error"), LogBuffer::scrub(p.error)}});
        doc.insert(QStringLiteral("health"), QJsonObject{
            {QStringLiteral("servers"), servers}, {QStringLiteral("redbox_answered"), h.redboxAnswered},
            {QStringLiteral("redbox_error"), LogBuffer::scrub(h.redboxError)},
            {QStringLiteral("primary"), h.primaryServer}, {QStringLiteral("standby"), h.standbyName},
            {QStringLiteral("standby_state"), h.standbyState}, {QStringLiteral("standby_sync"), h.standbySync},
            {QStringLiteral("replay_lag_ms"), h.replayLagMs}, {QStringLiteral("links"), h.links},
            {QStringLiteral("pending_hops"), h.pendingHops}, {QStringLiteral("parked_hops"), h.parkedHops},
            {QStringLiteral("parked"), h.parked},
            {QStringLiteral("kiosk_link"), linkStatusName(h.kiosk.link)},
            {QStringLiteral("outbox_depth"), h.kiosk.outboxDepth},
            {QStringLiteral("outbox_oldest_s"), h.kiosk.outboxOldestAgeS},
            {QStringLiteral("last_cache_sync"), h.kiosk.lastCacheSync.toString(Qt::ISODate)},
            {QStringLiteral("storage_fault"), h.kiosk.storageFault},
            {QStringLiteral("api_refusal"), h.kiosk.refusal}});
        TechAnswer a;
        try {
            const CacheStore::Counts c = engine.cache().counts();
            doc.insert(QStringLiteral("cache"), QJsonObject{{QStringLiteral("movies"), c.movies}, {QStringLiteral("members"), c.members},
                                                            {QStringLiteral("discs"), c.discs}, {QStringLiteral("technicians"), c.technicians}});
            QJsonArray parked;
            for (const OutboxEntry &e : engine.outbox().parked())
                parked.append(QJsonObject{{QStringLiteral("kind"), e.kind}, {QStringLiteral("created_at"), e.createdAt.toString(Qt::ISODate)},
                                          {QStringLiteral("error"), LogBuffer::scrub(e.lastError)}});
            doc.insert(QStringLiteral("outbox_parked"), parked);
        } catch (const std::exception &e) {
            doc.insert(QStringLiteral("storage_error"), QString::fromStdString(e.what()));
        }
        QJsonArray log;
        for (const QString &line : LogBuffer::lines())
            log.append(LogBuffer::scrub(line));
        doc.insert(QStringLiteral("log"), log);
        if (!LogBuffer::installed())
            doc.insert(QStringLiteral("log_note"), QStringLiteral("this process does not keep its log lines"));
        const QString name = QStringLiteral("redbox-diagnostics-%1-%2.json")
                                 .arg(cfg.kioskId, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")));
        if (!QDir().mkpath(dir)) {
            a.message = QStringLiteral("The export folder %1 cannot be made.").arg(dir);
        } else {
            QSaveFile f(QDir(dir).filePath(name));
            if (f.open(QIODevice::WriteOnly) && f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
                && f.write(QJsonDocument(doc).toJson(QJsonDocument::Indented)) >= 0 && f.commit()) {
                a.ok = true;
                a.path = f.fileName();
                a.message = QStringLiteral("Diagnostics written to %1 (%2 log lines).").arg(a.path).arg(log.size());
            } else {
                a.message = QStringLiteral("The diagnostics file could not be written in %1: %2").arg(dir, f.errorString());
            }
        }
        AuditEntry e;
        e.technicianId = technicianId;
        e.action = QStringLiteral("diagnostics_export");
        e.detail = {{QStringLiteral("ok"), a.ok}, {QStringLiteral("file"), name}};
        engine.audit(e);
        done(a);
    });
}

} // namespace redbox
