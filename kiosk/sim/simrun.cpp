// One simulator run, phase by phase (see simrun.h).
#include "sim/simrun.h"

#include "core/crossthread.h"
#include "core/percentile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <cstdio>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcSim, "redbox.sim", QtInfoMsg)

namespace redbox::sim {

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

}   // namespace

SimRun::SimRun(SimOptions options, Scenario scenario, QObject *parent) : QObject(parent), m_o(std::move(options)), m_s(std::move(scenario))
{
    m_progress.setInterval(5000);
    connect(&m_progress, &QTimer::timeout, this, &SimRun::progress);
}

SimRun::~SimRun()
{
    m_processes.reset();
    for (auto &sh : m_shards) {
        if (sh->context) {
            postTo(
                sh->context,
                [&sh] {
                    qDeleteAll(sh->kiosks);
                    sh->kiosks.clear();
                    delete sh->context;
                },
                Qt::BlockingQueuedConnection);
            sh->context = nullptr;
        }
        sh->thread.quit();
        sh->thread.wait();
    }
    m_host.reset();   // unmounts the small disk, drops the firewall tables
}

void SimRun::fail(const QString &message)
{
    std::fprintf(stderr, "redbox-sim: %s\n", qPrintable(message));
    QMetaObject::invokeMethod(
        this, [this] { emit finished(2); }, Qt::QueuedConnection);
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
        bootKiosks();
    } catch (const std::exception &e) {
        fail(QString::fromUtf8(e.what()));
    }
}

// ---- prepare: the roster, the kiosks, their files -------------------------------------

void SimRun::prepare()
{
    m_net = std::make_unique<NetworkState>(m_o.stateDir, m_o.tool);
    m_time = std::make_unique<TimeMachine>(*m_net);
    QDir().mkpath(m_o.workDir);
    if (m_o.reportPath.isEmpty())
        m_o.reportPath = m_o.workDir + QStringLiteral("/report.json");
    m_host = std::make_unique<HostFaults>(m_o.workDir);
    m_host->cleanup();   // a previous run's mount or firewall table, if it was killed

    const QString rosterPath = m_o.workDir + QStringLiteral("/roster.json");
    QString out;
    if (m_net->tool({QStringLiteral("roster"), QStringLiteral("--out"), rosterPath}, &out, 120'000) != 0)
        throw SimError(QStringLiteral("redbox-net roster failed: ") + out.trimmed());
    const Roster roster = Roster::load(rosterPath);
    chooseKiosks(roster.kiosks);
    m_world = std::make_unique<World>(roster.members, m_chosen, m_s.seed);
    m_history = std::make_unique<History>(m_o.workDir + QStringLiteral("/history.jsonl"));

    // The last few chosen kiosks (on different nodes) run as their own processes.
    m_processes = std::make_unique<KioskProcesses>(m_s, *m_history, *m_host, m_o.workDir, m_o.self);
    for (int i = 0; i < m_s.processKiosks; ++i)
        m_processes->add(m_chosen[m_chosen.size() - 1 - i], *m_world, i == 0 && m_s.needs(QStringLiteral("kill_kiosk")));
    if (!m_processes->isEmpty() && geteuid() != 0)
        throw SimError(QStringLiteral("kiosk processes (process_kiosks) run under their own group id: run the simulator as root"));
    m_inProcess = m_chosen.mid(0, m_chosen.size() - m_s.processKiosks);
    QStringList targets;
    for (const SimKioskRef &k : m_inProcess)
        targets << k.id;
    m_world->setCarryTargets(targets);

    // Fresh files for every kiosk; one of them on a small tmpfs when the scenario fills a disk.
    QDir(m_o.workDir + QStringLiteral("/kiosks")).removeRecursively();
    if (m_s.needs(QStringLiteral("fill_disk")) && !m_inProcess.isEmpty())
        m_host->mountSmallDisk(m_inProcess.first().id);
    m_history->note({{QStringLiteral("event"), QStringLiteral("start")}, {QStringLiteral("scenario"), m_s.toJson()}});
}

void SimRun::chooseKiosks(const QList<SimKioskRef> &all)
{
    // The scenario's kiosks, spread over the red box nodes in turn.
    QMap<QString, QList<SimKioskRef>> byNode;
    for (const SimKioskRef &k : all)
        byNode[k.node].append(k);
    for (int round = 0; m_chosen.size() < m_s.kiosks; ++round) {
        bool any = false;
        for (auto it = byNode.begin(); it != byNode.end() && m_chosen.size() < m_s.kiosks; ++it)
            if (round < it.value().size()) {
                m_chosen.append(it.value()[round]);
                any = true;
            }
        if (!any)
            throw SimError(QStringLiteral("the scenario needs %1 kiosks; the network has %2 (redbox-net up --kiosks-per-node N makes more)")
                               .arg(m_s.kiosks)
                               .arg(all.size()));
    }
}

// ---- boot: every kiosk up and synced ---------------------------------------------------

void SimRun::makeShards()
{
    const int threads = std::max(1, m_o.threads > 0 ? m_o.threads : QThread::idealThreadCount());
    for (int i = 0; i < threads; ++i) {
        auto sh = std::make_unique<Shard>();
        sh->thread.setObjectName(QStringLiteral("kiosks-%1").arg(i));
        sh->thread.start();
        sh->context = new QObject;
        sh->context->moveToThread(&sh->thread);
        Shard *raw = sh.get();
        postTo(
            sh->context,
            [raw] {
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
            },
            Qt::BlockingQueuedConnection);
        m_shards.push_back(std::move(sh));
    }
}

void SimRun::bootKiosks()
{
    makeShards();
    std::printf("redbox-sim: %s: booting %lld full kiosks (%lld in %zu threads, %d as processes) on network %s\n", qPrintable(m_s.name),
                static_cast<long long>(m_s.kiosks), static_cast<long long>(m_inProcess.size()), m_shards.size(), m_s.processKiosks,
                qPrintable(m_net->name()));
    std::fflush(stdout);
    m_bootStartedMs = m_clock.elapsed();
    History *history = m_history.get();
    QStringList errors;
    for (int i = 0; i < m_inProcess.size(); ++i) {
        const SimKioskRef ref = m_inProcess[i];
        Shard *sh = m_shards[static_cast<size_t>(i) % m_shards.size()].get();
        const QString base = ref.id == m_host->smallDiskKiosk() ? m_host->smallDisk() : m_o.workDir + QStringLiteral("/kiosks");
        const QString storage = base + QLatin1Char('/') + ref.id;
        SimKiosk *created = nullptr;
        QString error;
        postTo(
            sh->context,
            [&] {
                try {
                    QDir().mkpath(storage);
                    auto k = std::make_unique<SimKiosk>(ref, simKioskConfig(ref, storage, m_s.offlineAfterMs), m_world.get(), m_s,
                                                        [history](const QJsonObject &o) { history->addJson(o); });
                    k->setTimeMachine(m_time.get());
                    k->boot();
                    created = k.release();
                } catch (const std::exception &e) {
                    error = QStringLiteral("%1: %2").arg(ref.id, QString::fromUtf8(e.what()));
                }
            },
            Qt::BlockingQueuedConnection);
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
    if (!errors.isEmpty())
        throw SimError(QStringLiteral("kiosks could not start:\n  ") + errors.join(QStringLiteral("\n  ")));
    QTimer::singleShot(600'000, this, [this] {
        if (m_runStart == 0)
            fail(QStringLiteral("only %1 of %2 kiosks finished their first cache sync within 10 minutes")
                     .arg(m_readyCount)
                     .arg(m_inProcess.size()));
    });
    if (m_inProcess.isEmpty())
        QMetaObject::invokeMethod(this, &SimRun::runCustomers, Qt::QueuedConnection);
    m_progress.start();
}

// ---- run: customers and faults ------------------------------------------------------------

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
        postTo(
            sh->context,
            [k = sh->kiosks, until] {
                for (SimKiosk *kiosk : k)
                    kiosk->startCustomers(until);
            },
            Qt::QueuedConnection);
    }
    m_processes->startAll(m_runEnd, m_drainDeadline);

    FaultInjector::Hooks hooks{[this] { return m_processes->armKill(); }, [this](bool cut) { return m_processes->cut(cut); },
                               [this](bool fill) { return m_host->fillDisk(fill); }};
    m_faults = std::make_unique<FaultInjector>(*m_net, m_o.forwarder, m_s, hooks);
    connect(m_faults.get(), &FaultInjector::happened, this, [this](const QJsonObject &e) { m_history->note(e); });
    m_faults->start(m_runEnd);
    QTimer::singleShot(static_cast<int>(m_runEnd - now()), this, &SimRun::endCustomers);
}

SimRun::Snapshot SimRun::snapshot(bool countStorage)
{
    Snapshot total;
    for (auto &sh : m_shards) {
        Snapshot part;
        postTo(
            sh->context,
            [&part, &sh, countStorage] {
                for (SimKiosk *k : sh->kiosks) {
                    part.ready += k->isReady() ? 1 : 0;
                    part.inVisit += k->inVisit() ? 1 : 0;
                    part.stats += k->stats();
                    if (k->bootMs() > 0)
                        part.bootMs.append(k->bootMs());
                    if (countStorage && k->engine()) {
                        const OutboxStatus o = k->engine()->outboxStatus();
                        part.outbox += o.readable ? o.queued + o.parked : 1;   // unreadable counts as not drained
                        part.journal += o.journal;
                    } else {
                        part.outbox += k->outboxDepth();
                    }
                }
            },
            Qt::BlockingQueuedConnection);
        total.ready += part.ready;
        total.inVisit += part.inVisit;
        total.outbox += part.outbox;
        total.journal += part.journal;
        total.stats += part.stats;
        total.bootMs += part.bootMs;
    }
    return total;
}

void SimRun::progress()
{
    const Snapshot snap = snapshot(false);
    m_kioskOutboxPeak = std::max({m_kioskOutboxPeak, snap.stats.maxOutbox, m_processes ? m_processes->maxOutbox() : 0});
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
                static_cast<long long>(h.escalations), snap.outbox, m_hopPeak, faults, percentile(lat, 0.5), percentile(lat, 0.99));
    std::fflush(stdout);
    m_history->flush();
    if (!m_sampling && m_runStart)
        sampleHopBacklog();
}

void SimRun::sampleHopBacklog()
{
    // The network's hop backlog (undelivered hops on every node), sampled off this thread.
    m_sampling = true;
    auto peak = std::make_shared<int>(0);
    background(
        [this, peak] {
            for (const QString &n : m_net->nodes()) {
                try {
                    pg::Connection c = m_net->connect(n);
                    *peak += static_cast<int>(c.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL").int64(0, 0));
                } catch (const pg::DbError &) {
                    // that node is down for a fault: its backlog waits
                }
            }
        },
        [this, peak] {
            m_hopPeak = std::max(m_hopPeak, *peak);
            m_sampling = false;
        });
}

// ---- drain: customers stop, faults heal, queues empty --------------------------------------

void SimRun::endCustomers()
{
    if (m_ending)
        return;
    m_ending = true;
    std::printf("redbox-sim: customers stop arriving; healing faults, draining queues (at most %.0f s)\n", m_s.drainTimeoutS);
    std::fflush(stdout);
    m_history->note({{QStringLiteral("event"), QStringLiteral("customers stop")}});
    for (auto &sh : m_shards)
        postTo(
            sh->context,
            [k = sh->kiosks] {
                for (SimKiosk *kiosk : k)
                    kiosk->stopCustomers();
            },
            Qt::QueuedConnection);
    connect(m_faults.get(), &FaultInjector::allHealed, this, &SimRun::drain, Qt::SingleShotConnection);
    m_faults->healAll();
}

void SimRun::drain()
{
    // Wait for visits to end, kiosk processes to finish, outboxes and journals to empty; then the hops.
    const Snapshot snap = snapshot(true);
    const bool kiosksDone = snap.inVisit == 0 && snap.outbox == 0 && snap.journal == 0 && m_processes->allFinished();
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
    m_processes->leftovers(left, notes);
    left.unknownAccepted = m_history->counts().unknownAccepted;
    m_history->flush();
    check(left, notes);
}

// ---- check: the invariants on every tier, then the report ----------------------------------

void SimRun::check(const KioskLeftovers &left, QStringList notes)
{
    const qint64 budget = std::max<qint64>(10'000, m_drainDeadline - now());
    auto inv = std::make_shared<InvariantReport>();
    auto delays = std::make_shared<Delays>();
    auto quietNote = std::make_shared<QString>();
    const QHash<QUuid, RentalTrace> rentals = m_history->rentals();
    background(
        [this, budget, inv, delays, quietNote, rentals, left] {
            if (!m_net->waitForQuiet(std::chrono::milliseconds(budget)))
                *quietNote = QStringLiteral("hops still undelivered after the drain timeout");
            try {
                // Days pass for the discs still out: a share is never brought back.
                if (!m_time->keepUnreturned(rentals.keys(), m_s.kept, m_s.seed).isEmpty() && !m_net->waitForQuiet(std::chrono::seconds(60)))
                    *quietNote = QStringLiteral("the kept discs' hops still undelivered a minute after they were kept");
                *inv = checkInvariants(*m_net, rentals, left, m_time->passed());
                *delays = replicationDelays(*m_net, rentals.keys());
            } catch (const std::exception &e) {
                *quietNote += QStringLiteral("; the invariants could not be checked: ") + QString::fromUtf8(e.what());
                inv->counts << qMakePair(QStringLiteral("invariants_not_checked"), qint64(1));
            }
        },
        [this, inv, delays, quietNote, notes] {
            QStringList all = notes;
            if (!quietNote->isEmpty())
                all << *quietNote;
            report(*inv, *delays, all);
        });
}

void SimRun::report(const InvariantReport &inv, const Delays &delays, const QStringList &notes)
{
    const Snapshot snap = snapshot(false);
    RunFacts f;
    f.scenario = m_s;
    f.inProcess = m_inProcess.size();
    f.threads = static_cast<qint64>(m_shards.size());
    f.processRestarts = m_processes->restarts();
    f.bootAllMs = m_bootTotalMs;
    for (qint64 b : snap.bootMs)
        f.firstSyncMs.push_back(static_cast<double>(b));
    f.stats = snap.stats;
    f.history = m_history->counts();
    f.faults = m_faults ? m_faults->toJson(m_runStart) : QJsonArray{};
    f.failoverS = failoverTimes(f.faults, m_history->rentals(), m_runStart);
    f.rentOnlineMs = m_history->rentLatencies(false);
    f.rentOfflineMs = m_history->rentLatencies(true);
    for (auto &sh : m_shards) {
        QMutexLocker lock(&sh->lagLock);
        f.loopLagMs.insert(f.loopLagMs.end(), sh->lagMs.begin(), sh->lagMs.end());
    }
    f.delays = delays;
    f.kioskOutboxPeak = m_kioskOutboxPeak;
    f.hopPeak = m_hopPeak;
    f.days = m_time->passed();
    f.invariants = inv;
    f.notes = notes;
    f.historyPath = m_history->path();
    f.runS = static_cast<double>(m_clock.elapsed()) / 1000.0;

    const QJsonObject json = reportJson(f);
    QFile file(m_o.reportPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(QJsonDocument(json).toJson()) < 0)
        std::fprintf(stderr, "redbox-sim: cannot write the report %s: %s\n", qPrintable(m_o.reportPath), qPrintable(file.errorString()));
    file.close();
    m_history->note(
        {{QStringLiteral("event"), QStringLiteral("end")}, {QStringLiteral("violations"), static_cast<double>(inv.violations())}});
    m_history->flush();
    std::printf("%s", qPrintable(reportText(f, json, m_o.reportPath)));
    std::fflush(stdout);
    emit finished(inv.violations() == 0 ? 0 : 1);
}

}   // namespace redbox::sim
