// One simulator run (see simrun.h).
#include "sim/simrun.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <grp.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcSim, "redbox.sim", QtInfoMsg)

namespace redbox::sim {

namespace {

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<size_t>(std::clamp(std::ceil(p / 100.0 * static_cast<double>(v.size())) - 1.0, 0.0,
                                                  static_cast<double>(v.size() - 1)));
    return v[i];
}

QJsonObject spread(const std::vector<double> &v)
{
    return {{QStringLiteral("n"), static_cast<double>(v.size())},
            {QStringLiteral("p50"), percentile(v, 50)},
            {QStringLiteral("p95"), percentile(v, 95)},
            {QStringLiteral("p99"), percentile(v, 99)},
            {QStringLiteral("max"), v.empty() ? 0.0 : *std::max_element(v.begin(), v.end())}};
}

QJsonObject memberJson(const SimMember &m)
{
    return {{QStringLiteral("id"), static_cast<double>(m.id)}, {QStringLiteral("card"), m.card}, {QStringLiteral("pin"), m.pin},
            {QStringLiteral("coast"), m.coast}, {QStringLiteral("plan_limit"), m.planLimit}};
}

SimMember memberFrom(const QJsonObject &o)
{
    return {static_cast<qint64>(o.value(QStringLiteral("id")).toDouble()), o.value(QStringLiteral("card")).toString(),
            o.value(QStringLiteral("pin")).toString(), o.value(QStringLiteral("coast")).toString(),
            o.value(QStringLiteral("plan_limit")).toInt(1)};
}

KioskConfig kioskConfigFor(const SimKioskRef &ref, const QString &storage, int offlineAfterMs)
{
    KioskConfig c = KioskConfig::load(ref.config);
    c.storageDir = storage;
    c.kioskKeyFile = storage + QStringLiteral("/kiosk.key");
    c.offlineAfterMs = offlineAfterMs;
    return c;
}

int run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QString nftProgram()
{
    const QString found = QStandardPaths::findExecutable(QStringLiteral("nft"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return found.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("nft")) : found;
}

} // namespace

SimRun::SimRun(SimOptions options, Scenario scenario, QObject *parent)
    : QObject(parent), m_o(std::move(options)), m_s(std::move(scenario))
{
    m_progress.setInterval(5000);
    connect(&m_progress, &QTimer::timeout, this, &SimRun::progress);
}

SimRun::~SimRun()
{
    for (auto &c : m_children)
        if (c->proc && c->proc->state() != QProcess::NotRunning) {
            c->proc->kill();
            c->proc->waitForFinished(5000);
        }
    for (auto &sh : m_shards) {
        if (sh->context) {
            QMetaObject::invokeMethod(sh->context, [&sh] {
                qDeleteAll(sh->kiosks);
                sh->kiosks.clear();
                delete sh->context;
            }, Qt::BlockingQueuedConnection);
            sh->context = nullptr;
        }
        sh->thread.quit();
        sh->thread.wait();
    }
    cleanupHost();
}

void SimRun::fail(const QString &message)
{
    std::fprintf(stderr, "redbox-sim: %s\n", qPrintable(message));
    QMetaObject::invokeMethod(this, [this] { emit finished(2); }, Qt::QueuedConnection);
}

void SimRun::background(std::function<void()> work, std::function<void()> then)
{
    QThread *t = QThread::create(std::move(work));
    QPointer<SimRun> self(this);
    connect(t, &QThread::finished, this, [t, self, then] {
        t->deleteLater();
        if (self && then)
            then();
    });
    t->start();
}

void SimRun::start()
{
    m_clock.start();
    try {
        prepare();
    } catch (const std::exception &e) {
        fail(QString::fromUtf8(e.what()));
        return;
    }
    bootKiosks();
}

// ---- preparing: the roster, the kiosks, their files -------------------------------------

void SimRun::prepare()
{
    m_net = std::make_unique<NetworkState>(m_o.stateDir, m_o.tool);
    QDir().mkpath(m_o.workDir);
    if (m_o.reportPath.isEmpty())
        m_o.reportPath = m_o.workDir + QStringLiteral("/report.json");
    cleanupHost();   // a previous run's mount or firewall table, if it was killed

    const QString rosterPath = m_o.workDir + QStringLiteral("/roster.json");
    QString out;
    if (m_net->tool({QStringLiteral("roster"), QStringLiteral("--out"), rosterPath}, &out, 120'000) != 0)
        throw std::runtime_error(("redbox-net roster failed: " + out.trimmed()).toStdString());
    const Roster roster = Roster::load(rosterPath);

    // The scenario's kiosks, spread over the red box nodes in turn.
    QMap<QString, QList<SimKioskRef>> byNode;
    for (const SimKioskRef &k : roster.kiosks)
        byNode[k.node].append(k);
    QList<SimKioskRef> chosen;
    for (int round = 0; chosen.size() < m_s.kiosks; ++round) {
        bool any = false;
        for (auto it = byNode.begin(); it != byNode.end() && chosen.size() < m_s.kiosks; ++it)
            if (round < it.value().size()) {
                chosen.append(it.value()[round]);
                any = true;
            }
        if (!any)
            throw std::runtime_error(QStringLiteral("the scenario needs %1 kiosks; the network has %2 (redbox-net up "
                                                    "--kiosks-per-node N makes more)")
                                         .arg(m_s.kiosks)
                                         .arg(roster.kiosks.size())
                                         .toStdString());
    }
    m_world = std::make_unique<World>(roster.members, chosen, m_s.seed);

    // The last few chosen kiosks (on different nodes) run as their own processes.
    for (int i = 0; i < m_s.processKiosks; ++i) {
        auto c = std::make_unique<Child>();
        c->ref = chosen[chosen.size() - 1 - i];
        c->role = i == 0 ? (m_s.needs(QStringLiteral("kill_kiosk")) ? QStringLiteral("kill") : QStringLiteral("cut"))
                         : QStringLiteral("cut");
        if (i == 1 && m_s.needs(QStringLiteral("kill_kiosk")))
            c->role = QStringLiteral("cut");
        c->gid = 61000 + i;
        for (qint64 id : m_world->homeMembers(c->ref.id))
            c->home.append(memberJson(m_world->member(id)));
        for (qint64 id : m_world->travelers(c->ref.id))
            c->travelers.append(memberJson(m_world->member(id)));
        m_children.push_back(std::move(c));
    }
    m_inProcess = chosen.mid(0, chosen.size() - m_s.processKiosks);
    QStringList targets;
    for (const SimKioskRef &k : m_inProcess)
        targets << k.id;
    m_world->setCarryTargets(targets);

    // Fresh files for every kiosk; one of them on a small tmpfs when the scenario fills a disk.
    QDir(m_o.workDir + QStringLiteral("/kiosks")).removeRecursively();
    if (m_s.needs(QStringLiteral("fill_disk")) && !m_inProcess.isEmpty()) {
        m_diskMount = m_o.workDir + QStringLiteral("/smalldisk");
        QDir().mkpath(m_diskMount);
        if (run(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                          QStringLiteral("size=48m,mode=0700"), QStringLiteral("redbox-sim"), m_diskMount})
            != 0) {
            m_diskNote = QStringLiteral("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
            m_diskMount.clear();
        } else {
            m_diskKiosk = m_inProcess.first().id;
        }
    }
    if (!m_children.empty() && geteuid() != 0)
        throw std::runtime_error("kiosk processes (process_kiosks) run under their own group id: run the simulator as root");
    m_history = std::make_unique<History>(m_o.workDir + QStringLiteral("/history.jsonl"));
    m_history->note({{QStringLiteral("event"), QStringLiteral("start")}, {QStringLiteral("scenario"), m_s.toJson()}});
}

void SimRun::bootKiosks()
{
    const int threads = std::max(1, m_o.threads > 0 ? m_o.threads : QThread::idealThreadCount());
    for (int i = 0; i < threads; ++i) {
        auto sh = std::make_unique<Shard>();
        sh->thread.setObjectName(QStringLiteral("kiosks-%1").arg(i));
        sh->thread.start();
        sh->context = new QObject;
        sh->context->moveToThread(&sh->thread);
        Shard *raw = sh.get();
        QMetaObject::invokeMethod(sh->context, [raw] {
            auto *probe = new QTimer(raw->context);
            auto *clock = new QElapsedTimer;
            probe->setTimerType(Qt::PreciseTimer);
            probe->setInterval(50);
            clock->start();
            QObject::connect(probe, &QTimer::timeout, raw->context, [raw, clock] {
                const double late = std::max(0.0, static_cast<double>(clock->restart()) - 50.0);
                QMutexLocker lock(&raw->lagLock);
                raw->lagMs.push_back(late);
            });
            QObject::connect(probe, &QObject::destroyed, [clock] { delete clock; });
            probe->start();
        }, Qt::BlockingQueuedConnection);
        m_shards.push_back(std::move(sh));
    }
    std::printf("redbox-sim: %s: booting %lld full kiosks (%lld in %d threads, %d as processes) on network %s\n",
                qPrintable(m_s.name), static_cast<long long>(m_s.kiosks), static_cast<long long>(m_inProcess.size()), threads,
                m_s.processKiosks, qPrintable(m_net->name()));
    std::fflush(stdout);
    m_bootStartedMs = m_clock.elapsed();
    History *history = m_history.get();
    QStringList errors;
    for (int i = 0; i < m_inProcess.size(); ++i) {
        const SimKioskRef ref = m_inProcess[i];
        Shard *sh = m_shards[static_cast<size_t>(i) % m_shards.size()].get();
        const QString storage = (ref.id == m_diskKiosk ? m_diskMount : m_o.workDir + QStringLiteral("/kiosks")) + QLatin1Char('/') + ref.id;
        SimKiosk *created = nullptr;
        QString error;
        QMetaObject::invokeMethod(sh->context, [&] {
            try {
                QDir().mkpath(storage);
                auto *k = new SimKiosk(ref, kioskConfigFor(ref, storage, m_s.offlineAfterMs), m_world.get(), m_s,
                                       [history](const QJsonObject &o) { history->addJson(o); });
                try {
                    k->boot();
                } catch (...) {
                    delete k;
                    throw;
                }
                created = k;
            } catch (const std::exception &e) {
                error = QStringLiteral("%1: %2").arg(ref.id, QString::fromUtf8(e.what()));
            }
        }, Qt::BlockingQueuedConnection);
        if (!created) {
            errors << error;
            continue;
        }
        sh->kiosks.append(created);
        connect(created, &SimKiosk::ready, this, [this] {
            if (++m_readyCount == m_inProcess.size()) {
                m_bootTotalMs = m_clock.elapsed() - m_bootStartedMs;
                runCustomers();
            }
        });
    }
    if (!errors.isEmpty()) {
        fail(QStringLiteral("kiosks could not start:\n  ") + errors.join(QStringLiteral("\n  ")));
        return;
    }
    QTimer::singleShot(600'000, this, [this] {
        if (m_runStart == 0)
            fail(QStringLiteral("only %1 of %2 kiosks finished their first cache sync within 10 minutes").arg(m_readyCount).arg(m_inProcess.size()));
    });
    if (m_inProcess.isEmpty())
        QMetaObject::invokeMethod(this, &SimRun::runCustomers, Qt::QueuedConnection);
    m_progress.start();
}

// ---- the run ------------------------------------------------------------------------

void SimRun::runCustomers()
{
    if (m_runStart != 0)
        return;
    m_runStart = now();
    m_runEnd = m_runStart + static_cast<qint64>(m_s.durationS * 1000);
    m_drainDeadline = m_runEnd + static_cast<qint64>(m_s.drainTimeoutS * 1000);
    std::printf("redbox-sim: %d kiosks ready in %.1f s; customers for %.0f s\n", m_readyCount, static_cast<double>(m_bootTotalMs) / 1000.0,
                m_s.durationS);
    std::fflush(stdout);
    m_history->note({{QStringLiteral("event"), QStringLiteral("customers start")}});
    for (auto &sh : m_shards) {
        const qint64 until = m_runEnd;
        QMetaObject::invokeMethod(sh->context, [k = sh->kiosks, until] {
            for (SimKiosk *kiosk : k)
                kiosk->startCustomers(until);
        }, Qt::QueuedConnection);
    }
    for (auto &c : m_children)
        startChild(*c);

    FaultInjector::Hooks hooks{[this] { return killKiosk(); }, [this](bool cut) { return cutKiosk(cut); },
                               [this](bool fill) { return fillDisk(fill); }};
    m_faults = std::make_unique<FaultInjector>(*m_net, m_o.forwarder, m_s, hooks);
    connect(m_faults.get(), &FaultInjector::event, this, [this](const QJsonObject &e) { m_history->note(e); });
    m_faults->start(m_runEnd);
    QTimer::singleShot(static_cast<int>(m_runEnd - now()), this, &SimRun::endCustomers);
}

SimRun::Snapshot SimRun::snapshot(bool storage)
{
    Snapshot total;
    for (auto &sh : m_shards) {
        Snapshot part;
        QMetaObject::invokeMethod(sh->context, [&part, &sh, storage] {
            for (SimKiosk *k : sh->kiosks) {
                part.ready += k->isReady() ? 1 : 0;
                part.inVisit += k->inVisit() ? 1 : 0;
                const KioskStats s = k->stats();
                part.maxOutbox = std::max(part.maxOutbox, s.maxOutbox);
                part.stats.visits += s.visits;
                part.stats.rentVisits += s.rentVisits;
                part.stats.returnVisits += s.returnVisits;
                part.stats.unknownCardVisits += s.unknownCardVisits;
                part.stats.walkedAway += s.walkedAway;
                part.stats.noMember += s.noMember;
                part.stats.stuck += s.stuck;
                part.stats.lateRentals += s.lateRentals;
                part.stats.carriedAway += s.carriedAway;
                if (k->bootMs() > 0)
                    part.bootMs.append(k->bootMs());
                if (storage && k->engine()) {
                    try {
                        part.outbox += k->engine()->outbox().depth() + static_cast<int>(k->engine()->outbox().parked().size());
                        part.journal += static_cast<int>(k->engine()->outbox().pendingDispenses().size());
                    } catch (const std::exception &) {
                        ++part.outbox;   // unreadable counts as not drained
                    }
                } else {
                    part.outbox += k->outboxDepth();
                }
            }
        }, Qt::BlockingQueuedConnection);
        total.ready += part.ready;
        total.inVisit += part.inVisit;
        total.outbox += part.outbox;
        total.journal += part.journal;
        total.maxOutbox = std::max(total.maxOutbox, part.maxOutbox);
        total.stats.visits += part.stats.visits;
        total.stats.rentVisits += part.stats.rentVisits;
        total.stats.returnVisits += part.stats.returnVisits;
        total.stats.unknownCardVisits += part.stats.unknownCardVisits;
        total.stats.walkedAway += part.stats.walkedAway;
        total.stats.noMember += part.stats.noMember;
        total.stats.stuck += part.stats.stuck;
        total.stats.lateRentals += part.stats.lateRentals;
        total.stats.carriedAway += part.stats.carriedAway;
        total.bootMs += part.bootMs;
    }
    return total;
}

void SimRun::progress()
{
    const Snapshot snap = snapshot(false);
    m_kioskOutboxPeak = std::max(m_kioskOutboxPeak, snap.maxOutbox);
    for (auto &c : m_children)
        m_kioskOutboxPeak = std::max(m_kioskOutboxPeak, c->done.value(QStringLiteral("max_outbox")).toInt());
    const HistoryCounts h = m_history->counts();
    const std::vector<double> lat = m_history->rentLatencies(false);
    const double t = m_runStart ? static_cast<double>(now() - m_runStart) / 1000.0 : 0;
    int faults = 0;
    if (m_faults)
        for (const FaultRecord &f : m_faults->records())
            faults += f.injected ? 1 : 0;
    std::printf("sim %5.0fs | kiosks %d/%lld ready, %d in a visit | rentals %lld ok, %lld offline, %lld failed, %lld unknown, "
                "%lld in flight | returns %lld | escalations %lld | kiosk outboxes %d | hops backlog peak %d | faults %d | "
                "p50 %.0f ms p99 %.0f ms\n",
                t, snap.ready, static_cast<long long>(m_inProcess.size()), snap.inVisit, static_cast<long long>(h.rentOk),
                static_cast<long long>(h.rentOffline), static_cast<long long>(h.rentFailed), static_cast<long long>(h.rentUnknown),
                static_cast<long long>(h.rentInFlight), static_cast<long long>(h.returnOk + h.returnOffline),
                static_cast<long long>(h.escalations), snap.outbox, m_hopPeak, faults, percentile(lat, 50), percentile(lat, 99));
    std::fflush(stdout);
    m_history->flush();
    if (!m_sampling && m_runStart) {
        // The network's hop backlog (undelivered hops on every node), sampled off this thread.
        m_sampling = true;
        auto peak = std::make_shared<int>(0);
        background([this, peak] {
            for (const QString &n : m_net->nodes()) {
                try {
                    pg::Connection c = m_net->connect(n);
                    *peak += static_cast<int>(c.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL").int64(0, 0));
                } catch (const pg::DbError &) {
                    // that node is down for a fault: its backlog waits
                }
            }
        }, [this, peak] {
            m_hopPeak = std::max(m_hopPeak, *peak);
            m_sampling = false;
        });
    }
}

void SimRun::endCustomers()
{
    if (m_ending)
        return;
    m_ending = true;
    std::printf("redbox-sim: customers stop arriving; healing faults, draining queues (at most %.0f s)\n", m_s.drainTimeoutS);
    std::fflush(stdout);
    m_history->note({{QStringLiteral("event"), QStringLiteral("customers stop")}});
    for (auto &sh : m_shards)
        QMetaObject::invokeMethod(sh->context, [k = sh->kiosks] {
            for (SimKiosk *kiosk : k)
                kiosk->stopCustomers();
        }, Qt::QueuedConnection);
    connect(m_faults.get(), &FaultInjector::allHealed, this, &SimRun::drain, Qt::SingleShotConnection);
    m_faults->healAll();
}

void SimRun::drain()
{
    // Wait for visits to end, kiosk processes to finish, outboxes and journals to empty; then the hops.
    const Snapshot snap = snapshot(true);
    bool childrenDone = true;
    for (auto &c : m_children)
        childrenDone = childrenDone && c->finished;
    const bool kiosksDone = snap.inVisit == 0 && snap.outbox == 0 && snap.journal == 0 && childrenDone;
    if (!kiosksDone && now() < m_drainDeadline) {
        QTimer::singleShot(1000, this, &SimRun::drain);
        return;
    }
    m_progress.stop();
    progress();
    KioskLeftovers left;
    left.outbox = snap.outbox;
    left.journal = snap.journal;
    QStringList notes;
    for (auto &c : m_children) {
        if (!c->finished) {
            notes << QStringLiteral("kiosk process %1 did not finish draining in time").arg(c->ref.id);
            left.outbox += 1;
        }
        left.outbox += c->done.value(QStringLiteral("outbox")).toInt();
        left.journal += c->done.value(QStringLiteral("journal")).toInt();
    }
    left.unknownAccepted = m_history->counts().unknownAccepted;
    m_history->flush();
    const qint64 budget = std::max<qint64>(10'000, m_drainDeadline - now());
    auto inv = std::make_shared<InvariantReport>();
    auto delays = std::make_shared<Delays>();
    auto quietNote = std::make_shared<QString>();
    const QHash<QUuid, RentalTrace> rentals = m_history->rentals();
    background([this, budget, inv, delays, quietNote, rentals, left] {
        if (!m_net->waitForQuiet(std::chrono::milliseconds(budget)))
            *quietNote = QStringLiteral("hops still undelivered after the drain timeout");
        try {
            *inv = checkInvariants(*m_net, rentals, left);
            *delays = replicationDelays(*m_net, rentals.keys());
        } catch (const std::exception &e) {
            *quietNote += QStringLiteral("; the invariants could not be checked: ") + QString::fromUtf8(e.what());
            inv->counts << qMakePair(QStringLiteral("invariants_not_checked"), qint64(1));
        }
    }, [this, inv, delays, quietNote, notes] {
        QStringList all = notes;
        if (!quietNote->isEmpty())
            all << *quietNote;
        finish(*inv, *delays, all);
    });
}

void SimRun::finish(const InvariantReport &inv, const Delays &delays, const QStringList &notes)
{
    const Snapshot snap = snapshot(false);
    const HistoryCounts h = m_history->counts();
    const QHash<QUuid, RentalTrace> rentals = m_history->rentals();
    QJsonObject failures;
    for (auto it = h.failures.begin(); it != h.failures.end(); ++it)
        failures.insert(it.key(), static_cast<double>(it.value()));

    // Failover: from each kill to the node's next committed online rental (asked for after the kill).
    QJsonArray faults = m_faults ? m_faults->toJson(m_runStart) : QJsonArray{};
    std::vector<double> failover;
    for (int i = 0; i < faults.size(); ++i) {
        QJsonObject f = faults[i].toObject();
        if (f.value(QStringLiteral("kind")).toString() != QLatin1String("kill_redbox_primary") || !f.value(QStringLiteral("injected")).toBool())
            continue;
        const qint64 at = m_runStart + static_cast<qint64>(f.value(QStringLiteral("at_s")).toDouble() * 1000);
        const QString node = f.value(QStringLiteral("target")).toString();
        qint64 next = 0;
        for (const RentalTrace &t : rentals)
            if (t.node == node && t.phase == QLatin1String("ok") && !t.offline && t.invokedMs > at && (next == 0 || t.endedMs < next))
                next = t.endedMs;
        if (next) {
            f.insert(QStringLiteral("next_committed_rental_after_s"), static_cast<double>(next - at) / 1000.0);
            failover.push_back(static_cast<double>(next - at) / 1000.0);
        }
        faults[i] = f;
    }
    std::vector<double> boot;
    for (qint64 b : snap.bootMs)
        boot.push_back(static_cast<double>(b));
    int restarts = 0;
    for (auto &c : m_children)
        restarts += c->restarts;
    std::vector<double> lag;
    for (auto &sh : m_shards) {
        QMutexLocker lock(&sh->lagLock);
        lag.insert(lag.end(), sh->lagMs.begin(), sh->lagMs.end());
    }

    QJsonObject report{
        {QStringLiteral("scenario"), m_s.toJson()},
        {QStringLiteral("kiosks"), QJsonObject{{QStringLiteral("full"), m_s.kiosks},
                                                {QStringLiteral("in_process"), static_cast<double>(m_inProcess.size())},
                                                {QStringLiteral("processes"), m_s.processKiosks},
                                                {QStringLiteral("threads"), static_cast<double>(m_shards.size())},
                                                {QStringLiteral("boot_all_s"), static_cast<double>(m_bootTotalMs) / 1000.0},
                                                {QStringLiteral("first_sync_ms"), spread(boot)},
                                                {QStringLiteral("process_restarts"), restarts}}},
        {QStringLiteral("visits"), QJsonObject{{QStringLiteral("total"), static_cast<double>(snap.stats.visits)},
                                                {QStringLiteral("rent"), static_cast<double>(snap.stats.rentVisits)},
                                                {QStringLiteral("return"), static_cast<double>(snap.stats.returnVisits)},
                                                {QStringLiteral("unknown_card"), static_cast<double>(snap.stats.unknownCardVisits)},
                                                {QStringLiteral("walked_away"), static_cast<double>(snap.stats.walkedAway)},
                                                {QStringLiteral("no_free_member"), static_cast<double>(snap.stats.noMember)},
                                                {QStringLiteral("late_rentals"), static_cast<double>(snap.stats.lateRentals)},
                                                {QStringLiteral("carried_to_another_kiosk"), static_cast<double>(snap.stats.carriedAway)},
                                                {QStringLiteral("stuck"), static_cast<double>(h.stuckVisits)}}},
        {QStringLiteral("rentals"), QJsonObject{{QStringLiteral("ok_online"), static_cast<double>(h.rentOk)},
                                                 {QStringLiteral("ok_offline"), static_cast<double>(h.rentOffline)},
                                                 {QStringLiteral("failed"), static_cast<double>(h.rentFailed)},
                                                 {QStringLiteral("unknown"), static_cast<double>(h.rentUnknown)},
                                                 {QStringLiteral("failed_by_reason"), failures},
                                                 {QStringLiteral("dispensed"), static_cast<double>(h.dispensed)},
                                                 {QStringLiteral("voids"), static_cast<double>(h.voids)}}},
        {QStringLiteral("returns"), QJsonObject{{QStringLiteral("ok_online"), static_cast<double>(h.returnOk)},
                                                 {QStringLiteral("ok_offline"), static_cast<double>(h.returnOffline)},
                                                 {QStringLiteral("failed"), static_cast<double>(h.returnFailed)}}},
        {QStringLiteral("lookups"), QJsonObject{{QStringLiteral("total"), static_cast<double>(h.lookups)},
                                                 {QStringLiteral("escalated"), static_cast<double>(h.escalations)},
                                                 {QStringLiteral("refused"), static_cast<double>(h.lookupFailed)}}},
        {QStringLiteral("faults"), faults},
        {QStringLiteral("failover_to_next_rental_s"), spread(failover)},
        {QStringLiteral("rental_latency_ms"), QJsonObject{{QStringLiteral("online"), spread(m_history->rentLatencies(false))},
                                                           {QStringLiteral("offline"), spread(m_history->rentLatencies(true))}}},
        {QStringLiteral("event_loop_lag_ms"), spread(lag)},
        {QStringLiteral("delay_to_coast_ms"), spread(delays.toCoast)},
        {QStringLiteral("delay_to_hq_ms"), spread(delays.toHq)},
        {QStringLiteral("outbox_peak"), QJsonObject{{QStringLiteral("kiosk"), m_kioskOutboxPeak},
                                                     {QStringLiteral("network_hops"), m_hopPeak}}},
        {QStringLiteral("invariants"), inv.toJson()},
        {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
        {QStringLiteral("history"), m_history->path()},
        {QStringLiteral("run_s"), static_cast<double>(m_clock.elapsed()) / 1000.0}};
    QFile f(m_o.reportPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(QJsonDocument(report).toJson()) < 0)
        std::fprintf(stderr, "redbox-sim: cannot write the report %s: %s\n", qPrintable(m_o.reportPath), qPrintable(f.errorString()));
    f.close();
    m_history->note({{QStringLiteral("event"), QStringLiteral("end")}, {QStringLiteral("violations"), static_cast<double>(inv.violations())}});
    m_history->flush();

    auto ms = [](const QJsonObject &o) {
        return QStringLiteral("p50 %1 / p95 %2 / p99 %3 (n=%4)")
            .arg(o.value(QStringLiteral("p50")).toDouble(), 0, 'f', 1)
            .arg(o.value(QStringLiteral("p95")).toDouble(), 0, 'f', 1)
            .arg(o.value(QStringLiteral("p99")).toDouble(), 0, 'f', 1)
            .arg(o.value(QStringLiteral("n")).toInt());
    };
    QString text;
    QTextStream t(&text);
    t << "\n== redbox-sim report: " << m_s.name << " (seed " << m_s.seed << ") ==\n";
    t << "kiosks      " << m_s.kiosks << " full kiosks (" << m_inProcess.size() << " in " << m_shards.size() << " threads, "
      << m_s.processKiosks << " as processes, " << restarts << " restart(s)); all synced in "
      << QString::number(static_cast<double>(m_bootTotalMs) / 1000.0, 'f', 1) << " s\n";
    t << "visits      " << snap.stats.visits << " (" << snap.stats.rentVisits << " to rent, " << snap.stats.returnVisits << " to return, "
      << snap.stats.unknownCardVisits << " unknown cards, " << snap.stats.lateRentals << " late rentals, " << snap.stats.carriedAway
      << " discs carried elsewhere, " << h.stuckVisits << " stuck)\n";
    t << "rentals     " << h.rentOk << " online, " << h.rentOffline << " offline, " << h.rentFailed << " refused, " << h.rentUnknown
      << " unknown; " << h.dispensed << " discs dispensed, " << h.voids << " voids\n";
    t << "returns     " << h.returnOk << " online, " << h.returnOffline << " offline, " << h.returnFailed << " refused\n";
    t << "escalations " << h.escalations << " of " << h.lookups << " card lookups\n";
    t << "latency     rental online  " << ms(report.value(QStringLiteral("rental_latency_ms")).toObject().value(QStringLiteral("online")).toObject()) << " ms\n";
    t << "            rental offline " << ms(report.value(QStringLiteral("rental_latency_ms")).toObject().value(QStringLiteral("offline")).toObject()) << " ms\n";
    t << "            event-loop lag (a kiosk thread's 50 ms timer) " << ms(report.value(QStringLiteral("event_loop_lag_ms")).toObject())
      << " ms\n";
    t << "delay       to coast " << ms(report.value(QStringLiteral("delay_to_coast_ms")).toObject()) << " ms\n";
    t << "            to HQ    " << ms(report.value(QStringLiteral("delay_to_hq_ms")).toObject()) << " ms\n";
    t << "outbox peak " << m_kioskOutboxPeak << " in one kiosk; " << m_hopPeak << " hops undelivered network-wide\n";
    for (const QJsonValue &v : faults) {
        const QJsonObject o = v.toObject();
        t << "fault       " << QString::number(o.value(QStringLiteral("at_s")).toDouble(), 'f', 1) << " s "
          << o.value(QStringLiteral("kind")).toString() << " " << o.value(QStringLiteral("target")).toString() << ": "
          << o.value(QStringLiteral("note")).toString();
        if (o.contains(QStringLiteral("new_primary_after_s")))
            t << "; new primary after " << QString::number(o.value(QStringLiteral("new_primary_after_s")).toDouble(), 'f', 1) << " s";
        if (o.contains(QStringLiteral("next_committed_rental_after_s")))
            t << "; next committed rental after " << QString::number(o.value(QStringLiteral("next_committed_rental_after_s")).toDouble(), 'f', 1) << " s";
        if (o.contains(QStringLiteral("healed_at_s")))
            t << "; healed at " << QString::number(o.value(QStringLiteral("healed_at_s")).toDouble(), 'f', 1) << " s";
        t << "\n";
    }
    t << "invariants\n";
    for (const auto &c : inv.counts)
        t << "  " << (c.second == 0 ? "ok   " : "FAIL ") << c.first << " = " << c.second << "\n";
    for (const QString &d : inv.details)
        t << "  - " << d << "\n";
    for (const QString &n : notes)
        t << "note: " << n << "\n";
    t << "report " << m_o.reportPath << "; every call in " << m_history->path() << "\n";
    t.flush();
    std::printf("%s", qPrintable(text));
    std::fflush(stdout);
    emit finished(inv.violations() == 0 ? 0 : 1);
}

// ---- kiosks in their own processes ----------------------------------------------------------

void SimRun::startChild(Child &c)
{
    c.storage = m_o.workDir + QStringLiteral("/kiosks/") + c.ref.id;
    QDir().mkpath(c.storage);
    const QJsonObject spec{{QStringLiteral("kiosk"), QJsonObject{{QStringLiteral("id"), c.ref.id}, {QStringLiteral("node"), c.ref.node},
                                                                  {QStringLiteral("coast"), c.ref.coast},
                                                                  {QStringLiteral("config"), c.ref.config}}},
                           {QStringLiteral("storage"), c.storage},
                           {QStringLiteral("gid"), c.gid},
                           {QStringLiteral("home"), c.home},
                           {QStringLiteral("travelers"), c.travelers},
                           {QStringLiteral("holdings"), c.holdings},
                           {QStringLiteral("scenario"), m_s.toJson()},
                           {QStringLiteral("until"), static_cast<double>(m_runEnd)},
                           {QStringLiteral("drain_until"), static_cast<double>(m_drainDeadline - 30'000)}};
    const QString specPath = m_o.workDir + QStringLiteral("/process-") + c.ref.id + QStringLiteral(".json");
    QFile f(specPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_history->note({{QStringLiteral("event"), QStringLiteral("kiosk process not started")}, {QStringLiteral("kiosk"), c.ref.id}});
        c.finished = true;
        return;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);   // it holds generated members' PINs
    f.write(QJsonDocument(spec).toJson(QJsonDocument::Compact));
    f.close();
    c.proc = new QProcess(this);
    c.proc->setProcessChannelMode(QProcess::SeparateChannels);
    c.proc->setReadChannel(QProcess::StandardOutput);
    c.proc->setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    Child *cp = &c;
    connect(c.proc, &QProcess::readyReadStandardOutput, this, [this, cp] { onChildOutput(*cp); });
    connect(c.proc, &QProcess::readyReadStandardError, this, [cp] {
        const QByteArray err = cp->proc->readAllStandardError();
        if (!err.trimmed().isEmpty())
            std::fprintf(stderr, "[%s] %s", qPrintable(cp->ref.id), err.constData());
    });
    connect(c.proc, &QProcess::finished, this, [this, cp](int code, QProcess::ExitStatus status) {
        onChildOutput(*cp);
        cp->proc->deleteLater();
        cp->proc = nullptr;
        if (status == QProcess::NormalExit && code == 0 && !cp->done.isEmpty()) {
            cp->finished = true;
            return;
        }
        if (!cp->killedAt)
            m_history->note({{QStringLiteral("event"), QStringLiteral("kiosk process died")}, {QStringLiteral("kiosk"), cp->ref.id},
                             {QStringLiteral("code"), code}});
        cp->killedAt = 0;
        if (now() > m_drainDeadline) {
            cp->finished = true;
            return;
        }
        // Restarted from its own files, as a kiosk's watchdog would.
        ++cp->restarts;
        QTimer::singleShot(2000, this, [this, cp] { startChild(*cp); });
    });
    c.proc->start(m_o.self, {QStringLiteral("--kiosk-process"), specPath});
}

void SimRun::onChildOutput(Child &c)
{
    if (!c.proc)
        return;
    c.buffer += c.proc->readAllStandardOutput();
    qsizetype nl;
    while ((nl = c.buffer.indexOf('\n')) >= 0) {
        const QByteArray line = c.buffer.left(nl);
        c.buffer.remove(0, nl + 1);
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty())
            continue;
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("holdings")) {
            c.holdings = o.value(QStringLiteral("list")).toArray();
        } else if (kind == QLatin1String("process-done")) {
            c.done = o;
        } else {
            m_history->addJson(o);
            if (c.armed && kind == QLatin1String("rent") && o.value(QStringLiteral("phase")).toString() == QLatin1String("invoked")) {
                c.armed = false;
                c.killedAt = now();
                c.proc->kill();   // SIGKILL, mid-rental
                m_history->note({{QStringLiteral("event"), QStringLiteral("kiosk killed")}, {QStringLiteral("kiosk"), c.ref.id},
                                 {QStringLiteral("rental"), o.value(QStringLiteral("id")).toString()}});
                return;
            }
        }
    }
}

QString SimRun::killKiosk()
{
    for (auto &c : m_children) {
        if (c->role != QLatin1String("kill"))
            continue;
        if (!c->proc || c->proc->state() != QProcess::Running)
            return QStringLiteral("!kiosk process %1 is not running").arg(c->ref.id);
        c->armed = true;
        Child *cp = c.get();
        QTimer::singleShot(60'000, this, [this, cp] {
            if (cp->armed && cp->proc) {
                cp->armed = false;
                cp->killedAt = now();
                cp->proc->kill();
                m_history->note({{QStringLiteral("event"), QStringLiteral("kiosk killed")}, {QStringLiteral("kiosk"), cp->ref.id},
                                 {QStringLiteral("detail"), QStringLiteral("no rental started within 60 s")}});
            }
        });
        return c->ref.id;
    }
    return QStringLiteral("!no kiosk process for kill_kiosk");
}

QString SimRun::cutKiosk(bool cut)
{
    const QString nft = nftProgram();
    for (auto &c : m_children) {
        if (c->role != QLatin1String("cut"))
            continue;
        const QString table = QStringLiteral("redbox_sim_%1").arg(c->gid);
        if (!cut) {
            run(nft, {QStringLiteral("delete"), QStringLiteral("table"), QStringLiteral("inet"), table});
            return c->ref.id;
        }
        if (nft.isEmpty())
            return QStringLiteral("!nft is not installed (apt-get install nftables)");
        if (run(nft, {QStringLiteral("add"), QStringLiteral("table"), QStringLiteral("inet"), table}) != 0
            || run(nft, {QStringLiteral("add"), QStringLiteral("chain"), QStringLiteral("inet"), table, QStringLiteral("out"),
                         QStringLiteral("{ type filter hook output priority 0 ; }")}) != 0
            || run(nft, {QStringLiteral("add"), QStringLiteral("rule"), QStringLiteral("inet"), table, QStringLiteral("out"),
                         QStringLiteral("meta"), QStringLiteral("skgid"), QString::number(c->gid), QStringLiteral("drop")}) != 0)
            return QStringLiteral("!nftables refused the rule (needs root and nf_tables)");
        return c->ref.id;
    }
    return QStringLiteral("!no kiosk process for cut_kiosk");
}

QString SimRun::fillDisk(bool fill)
{
    if (m_diskMount.isEmpty())
        return QLatin1Char('!') + (m_diskNote.isEmpty() ? QStringLiteral("no small disk was set up") : m_diskNote);
    const QString filler = m_diskMount + QStringLiteral("/filler");
    if (!fill) {
        QFile::remove(filler);
        return m_diskKiosk;
    }
    QFile f(filler);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return QStringLiteral("!cannot write the filler file");
    const QByteArray chunk(1 << 20, '\0');
    while (f.write(chunk) == chunk.size()) {
    }
    f.flush();   // the write that failed left the tmpfs full
    f.close();
    return m_diskKiosk;
}

void SimRun::cleanupHost()
{
    if (!m_diskMount.isEmpty()) {
        run(QStringLiteral("umount"), {QStringLiteral("-l"), m_diskMount});
        m_diskMount.clear();
    } else if (!m_o.workDir.isEmpty() && QFile::exists(m_o.workDir + QStringLiteral("/smalldisk"))) {
        run(QStringLiteral("umount"), {QStringLiteral("-l"), m_o.workDir + QStringLiteral("/smalldisk")});
    }
    const QString nft = nftProgram();
    if (!nft.isEmpty())
        for (int i = 0; i < 16; ++i)
            run(nft, {QStringLiteral("delete"), QStringLiteral("table"), QStringLiteral("inet"), QStringLiteral("redbox_sim_%1").arg(61000 + i)});
}

// ---- the kiosk process -------------------------------------------------------------------

int runKioskProcess(const QString &specPath)
{
    QFile f(specPath);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "redbox-sim: cannot read %s\n", qPrintable(specPath));
        return 2;
    }
    const QJsonObject spec = QJsonDocument::fromJson(f.readAll()).object();
    const int gid = spec.value(QStringLiteral("gid")).toInt();
    if (gid > 0 && (setgroups(0, nullptr) != 0 || setresgid(static_cast<gid_t>(gid), static_cast<gid_t>(gid), static_cast<gid_t>(gid)) != 0)) {
        std::fprintf(stderr, "redbox-sim: cannot take group id %d (run as root)\n", gid);
        return 2;
    }
    const QJsonObject k = spec.value(QStringLiteral("kiosk")).toObject();
    const SimKioskRef ref{k.value(QStringLiteral("id")).toString(), k.value(QStringLiteral("node")).toString(),
                          k.value(QStringLiteral("coast")).toString(), k.value(QStringLiteral("config")).toString()};
    Scenario scenario;
    try {
        scenario = Scenario::fromJson(spec.value(QStringLiteral("scenario")).toObject());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-sim: %s\n", e.what());
        return 2;
    }
    QList<SimMember> home, travelers;
    for (const QJsonValue &v : spec.value(QStringLiteral("home")).toArray())
        home.append(memberFrom(v.toObject()));
    for (const QJsonValue &v : spec.value(QStringLiteral("travelers")).toArray())
        travelers.append(memberFrom(v.toObject()));
    World world(ref, home, travelers);
    for (const QJsonValue &v : spec.value(QStringLiteral("holdings")).toArray())
        world.hold(Holding::fromJson(v.toObject()));

    auto emitLine = [](const QJsonObject &o) {
        const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
        std::fflush(stdout);
    };
    SimKiosk kiosk(ref, kioskConfigFor(ref, spec.value(QStringLiteral("storage")).toString(), scenario.offlineAfterMs), &world, scenario,
                   emitLine);
    try {
        kiosk.boot();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-sim: kiosk %s cannot start: %s\n", qPrintable(ref.id), e.what());
        return 2;
    }
    const qint64 until = static_cast<qint64>(spec.value(QStringLiteral("until")).toDouble());
    const qint64 drainUntil = static_cast<qint64>(spec.value(QStringLiteral("drain_until")).toDouble());
    QObject::connect(&kiosk, &SimKiosk::ready, &kiosk, [&] { kiosk.startCustomers(until); });
    QObject::connect(&kiosk, &SimKiosk::visitFinished, &kiosk, [&] {
        QJsonArray list;
        for (const Holding &h : world.allHoldings())
            list.append(h.toJson());
        emitLine({{QStringLiteral("kind"), QStringLiteral("holdings")}, {QStringLiteral("list"), list}});
    });
    QTimer done;
    done.setInterval(500);
    QObject::connect(&done, &QTimer::timeout, &kiosk, [&] {
        if (now() < until || kiosk.inVisit())
            return;
        kiosk.stopCustomers();
        int outbox = 0, journal = 0;
        try {
            outbox = kiosk.engine()->outbox().depth() + static_cast<int>(kiosk.engine()->outbox().parked().size());
            journal = static_cast<int>(kiosk.engine()->outbox().pendingDispenses().size());
        } catch (const std::exception &) {
            outbox = 1;
        }
        if ((outbox > 0 || journal > 0) && now() < drainUntil)
            return;
        emitLine({{QStringLiteral("kind"), QStringLiteral("process-done")}, {QStringLiteral("outbox"), outbox},
                  {QStringLiteral("journal"), journal}, {QStringLiteral("max_outbox"), kiosk.stats().maxOutbox},
                  {QStringLiteral("visits"), static_cast<double>(kiosk.stats().visits)}});
        QCoreApplication::exit(0);
    });
    done.start();
    return QCoreApplication::exec();
}

} // namespace redbox::sim
