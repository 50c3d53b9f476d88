// Benchmark of the kiosk's sync library, on the benchmark network
// (bring it up with the bench-network target first):
//   1. first load of a fresh cache (the full catalog and the coast's members):
//      seconds, rows, and the process's memory before and after;
//   2. incremental sync of 100 rows changed at the red box: ms from the commit
//      to the kiosk's cacheSynced;
//   3. search as you type over the cached catalog: p50/p99 of 1,000 searches;
//   4. outbox replay: the red box stopped, ~10,000 offline rentals and returns
//      queued, the red box back: actions replayed per second;
//   5. failover: N times, kill -9 the red box primary's host while the kiosk
//      rents; kill to new primary (the HA engine's share) and kill to the next
//      committed rental; our share is the difference (target under 1 s).
// Baseline in the same run: the HA engine's own promotion time (5), against
// which the kiosk's reconnect and next rental are measured. Writes
// build/bench-sync.json.
#include "core/cards.h"
#include "crypto/crypto.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskengine.h"
#include "network/networkstate.h"

#include "benchutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

using namespace redbox;
using redbox::bench::percentile;
using redbox::bench::rssMb;
using namespace std::chrono_literals;

namespace {

template <typename T, typename Start>
std::optional<T> await(Start start, int timeoutMs = 60000)
{
    std::optional<T> out;
    start([&out](T v) { out = std::move(v); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, timeoutMs))
        return std::nullopt;
    return out;
}

RentRequest rentRequest(const MemberInfo &m, const QString &barcode)
{
    RentRequest r;
    r.member = m;
    r.barcode = barcode;
    r.cardToken = QStringLiteral("tok_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    r.cardLast4 = QStringLiteral("4242");
    return r;
}

}   // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);   // progress as it happens, also into a file
    QCommandLineParser p;
    p.addHelpOption();
    QCommandLineOption buildOpt(QStringLiteral("build"), QStringLiteral("build folder"), QStringLiteral("dir"));
    QCommandLineOption sourceOpt(QStringLiteral("source"), QStringLiteral("source folder"), QStringLiteral("dir"));
    QCommandLineOption actionsOpt(QStringLiteral("actions"), QStringLiteral("offline actions to queue (default 10000)"),
                                  QStringLiteral("n"), QStringLiteral("10000"));
    QCommandLineOption killsOpt(QStringLiteral("kills"), QStringLiteral("failovers (default 10)"), QStringLiteral("n"),
                                QStringLiteral("10"));
    p.addOptions({buildOpt, sourceOpt, actionsOpt, killsOpt});
    p.process(app);
    if (!p.isSet(buildOpt) || !p.isSet(sourceOpt))
        qFatal("--build and --source are required");
    const int actions = p.value(actionsOpt).toInt();
    const int kills = p.value(killsOpt).toInt();
    if (actions < 0 || kills < 0)
        qFatal("--actions and --kills must not be negative (0 skips that part)");
    QLoggingCategory::setFilterRules(QStringLiteral("redbox.*.info=false\nredbox.*.warning=false"));

    const QString state = p.value(buildOpt) + QStringLiteral("/bench-net");
    const QString node = QStringLiteral("east-rb1");   // bench-kiosk soaks on west-rb2
    NetworkState net(state, p.value(sourceOpt) + QStringLiteral("/deploy/redbox-net"));
    if (!QFile::exists(state + QStringLiteral("/network.json")))
        qFatal("no %s/network.json: run the bench-network target first (it brings the network up)", qPrintable(state));
    if (net.tool({QStringLiteral("--topology"), p.value(sourceOpt) + QStringLiteral("/tests/bench/bench-topology.toml"),
                  QStringLiteral("up"), QStringLiteral("--forwarder"), p.value(buildOpt) + QStringLiteral("/redbox-forwarder")}) != 0)
        qFatal("the bench network could not be brought up");
    QJsonObject out;
    std::printf("bench-sync: the kiosk's sync library on %s\n", qPrintable(node));

    // 1. First load.
    QTemporaryDir storage;
    KioskConfig cfg = KioskConfig::load(state + QStringLiteral("/kiosks/ERB1-01/kiosk.ini"));
    cfg.storageDir = storage.path();
    cfg.kioskKeyFile = storage.filePath(QStringLiteral("kiosk.key"));
    cfg.offlineAfterMs = 1000;
    const double rssBefore = rssMb();
    auto engine = std::make_unique<KioskEngine>(cfg);
    qint64 rows = 0;
    QObject::connect(engine.get(), &KioskEngine::cacheProgress, [&](qint64, qint64 total) { rows = std::max(rows, total); });
    QSignalSpy synced(engine.get(), &KioskEngine::cacheSynced);
    QElapsedTimer t;
    t.start();
    engine->start();
    if (!synced.wait(120000))
        qFatal("the first load did not finish");
    const double firstLoadS = static_cast<double>(t.elapsed()) / 1000.0;
    const double rssAfter = rssMb();
    std::printf("  first load: %lld rows (catalog, this kiosk's discs, the coast's members) in %.2f s; RSS %.1f -> %.1f MB\n",
                static_cast<long long>(rows), firstLoadS, rssBefore, rssAfter);
    out.insert(QStringLiteral("first_load"), QJsonObject{{QStringLiteral("rows"), static_cast<double>(rows)},
                                                         {QStringLiteral("seconds"), firstLoadS},
                                                         {QStringLiteral("rss_before_mb"), rssBefore},
                                                         {QStringLiteral("rss_after_mb"), rssAfter}});

    // 2. Incremental sync of 100 changed rows.
    {
        std::vector<double> ms;
        pg::Connection admin = net.connect(node);
        for (int i = 0; i < 5; ++i) {
            synced.clear();
            QElapsedTimer c;
            c.start();
            admin.exec("UPDATE redbox.movie SET blurb = blurb WHERE movie_id IN "
                       "(SELECT movie_id FROM redbox.movie ORDER BY movie_id OFFSET $1 LIMIT 100)",
                       {QString::number(i * 100)});
            if (!synced.wait(30000))
                qFatal("an incremental sync did not come");
            ms.push_back(static_cast<double>(c.elapsed()));
        }
        std::printf("  incremental sync of 100 changed rows, commit to synced: p50 %.0f ms, max %.0f ms (5 rounds)\n", percentile(ms, 0.5),
                    percentile(ms, 1.0));
        out.insert(QStringLiteral("incremental_100_rows_ms"),
                   QJsonObject{{QStringLiteral("p50"), percentile(ms, 0.5)}, {QStringLiteral("max"), percentile(ms, 1.0)}});
    }

    // 3. Search as you type.
    {
        const QList<Title> all = engine->searchCatalog(CatalogQuery{QString(), {}, {}, false, false, 2000}).titles;
        std::vector<double> us;
        for (int i = 0; us.size() < 1000 && !all.isEmpty(); ++i) {
            const QString title = all[i % all.size()].title;
            for (int n = 1; n <= std::min<qsizetype>(title.size(), 6) && us.size() < 1000; ++n) {
                QElapsedTimer s;
                s.start();
                const QList<Title> hits = engine->searchCatalog(CatalogQuery{title.left(n), {}, {}, false, false, 60}).titles;
                us.push_back(static_cast<double>(s.nsecsElapsed()) / 1000.0);
                if (hits.isEmpty() && n > 2)
                    qFatal("search for a cached title's prefix found nothing");
            }
        }
        std::printf("  search as you type over %lld cached titles: p50 %.0f us, p99 %.0f us (target p99 under 1000 us)\n",
                    static_cast<long long>(all.size()), percentile(us, 0.5), percentile(us, 0.99));
        out.insert(QStringLiteral("search_us"), QJsonObject{{QStringLiteral("titles"), static_cast<double>(all.size())},
                                                            {QStringLiteral("p50"), percentile(us, 0.5)},
                                                            {QStringLiteral("p99"), percentile(us, 0.99)}});
    }

    // Discs an earlier run left out come back first (online returns), so every run starts alike.
    {
        QList<int> free = engine->freeSlots();
        int back = 0;
        for (const CachedDisc &d : engine->discs()) {
            if (d.status == QLatin1String("in") || free.isEmpty())
                continue;
            ReturnRequest req;
            req.barcode = d.barcode;
            req.slot = free.takeFirst();
            const auto r = await<ReturnResult>([&](auto done) { engine->returnDisc(req, done); });
            if (!r || r->failure != Failure::None)
                qFatal("could not return a disc left out: %s", r ? qPrintable(r->message) : "no answer");
            ++back;
        }
        if (back)
            std::printf("  returned %d discs an earlier run left out\n", back);
    }

    // Members of this coast who may rent: from the roster, checked against the cache.
    const QString rosterPath = storage.filePath(QStringLiteral("roster.json"));
    if (net.tool({QStringLiteral("roster"), QStringLiteral("--out"), rosterPath}) != 0)
        qFatal("redbox-net roster failed");
    QFile rf(rosterPath);
    rf.open(QIODevice::ReadOnly);
    QFile kf(net.cardKeyFile());
    kf.open(QIODevice::ReadOnly);
    const QByteArray cardKey = QByteArray::fromHex(kf.readAll().trimmed());
    QList<MemberInfo> members;
    QStringList pins;   // members[i]'s PIN
    for (const auto &v : QJsonDocument::fromJson(rf.readAll()).object().value(QStringLiteral("members")).toArray()) {
        const QJsonObject m = v.toObject();
        if (m.value(QStringLiteral("coast")).toString() != net.coastOf(node))
            continue;
        const auto cached = engine->cachedMember(crypto::cardHash(cardKey, m.value(QStringLiteral("card")).toString()));
        if (cached && cached->allowed && cached->discsOut == 0 && cached->planLimit >= 2) {
            members << *cached;
            pins << m.value(QStringLiteral("pin")).toString();
        }
    }
    std::printf("  %lld members of the %s coast free to rent\n", static_cast<long long>(members.size()), qPrintable(net.coastOf(node)));

    // 4. Outbox replay.
    if (actions > 0) {
        if (net.tool({QStringLiteral("stop"), node}) != 0)
            qFatal("could not stop %s", qPrintable(node));
        QStringList discs;
        for (const CachedDisc &d : engine->discs())
            if (d.status == QLatin1String("in") && d.condition == QLatin1String("good") && d.slot > 0)
                discs << d.barcode;
        int queued = 0, memberAt = 0;
        QElapsedTimer q;
        q.start();
        while (queued + 2 * discs.size() <= actions && !discs.isEmpty()) {   // whole rounds: every disc comes back
            // A round: each free disc rented (two per member, fresh members), then all returned.
            QList<QPair<QString, int>> rented;
            for (int i = 0; i < discs.size(); ++i) {
                if (memberAt / 2 >= members.size())
                    break;
                const MemberInfo &m = members[memberAt / 2];
                ++memberAt;
                const auto r = await<RentResult>([&](auto done) { engine->rent(rentRequest(m, discs[i]), done); });
                if (!r || r->failure != Failure::None || !r->offline)
                    qFatal("an offline rental failed: %s", r ? qPrintable(r->message) : "no answer");
                engine->dispensed(r->rentalId);
                rented << qMakePair(discs[i], engine->disc(discs[i])->slot);
                ++queued;
            }
            if (rented.isEmpty())
                break;
            const QList<int> free = engine->freeSlots();
            for (int i = 0; i < rented.size(); ++i) {
                ReturnRequest req;
                req.barcode = rented[i].first;
                req.slot = rented[i].second > 0 ? rented[i].second : free.value(i % std::max<qsizetype>(1, free.size()));
                const auto r = await<ReturnResult>([&](auto done) { engine->returnDisc(req, done); });
                if (!r || r->failure != Failure::None || !r->offline)
                    qFatal("an offline return failed: %s (replaying %d, link %d, queued %d)", r ? qPrintable(r->message) : "no answer",
                           int(engine->isReplaying()), int(engine->health().link), engine->outboxStatus().queued);
                ++queued;
            }
        }
        const double queueS = static_cast<double>(q.elapsed()) / 1000.0;
        const int depth = engine->outboxStatus().queued;
        std::printf("  queued %d offline actions in %.1f s (%.0f/s into the durable outbox)\n", depth, queueS,
                    static_cast<double>(depth) / queueS);
        QElapsedTimer r;
        r.start();
        if (net.tool({QStringLiteral("rejoin"), node}) != 0)
            qFatal("could not bring %s back", qPrintable(node));
        const qint64 backAt = r.elapsed();
        // The node's own restart is not ours: time the drain from the link's return.
        QElapsedTimer drain;
        bool started = false;
        if (!QTest::qWaitFor(
                [&] {
                    if (!started && engine->outboxStatus().queued < depth) {
                        started = true;
                        drain.start();
                    }
                    return engine->outboxStatus().queued == 0;
                },
                900000))
            qFatal("the outbox did not drain");
        const double drainS = std::max(0.001, static_cast<double>(drain.elapsed()) / 1000.0);
        std::printf("  replay: %d actions drained in %.1f s once the red box answered (%.0f actions/s; "
                    "the node took %.1f s to come back), %lld parked\n",
                    depth, drainS, static_cast<double>(depth) / drainS, static_cast<double>(backAt) / 1000.0,
                    static_cast<long long>(engine->outboxStatus().parked));
        out.insert(QStringLiteral("outbox_replay"),
                   QJsonObject{{QStringLiteral("actions"), depth},
                               {QStringLiteral("queue_s"), queueS},
                               {QStringLiteral("drain_s"), drainS},
                               {QStringLiteral("actions_per_s"), static_cast<double>(depth) / drainS},
                               {QStringLiteral("parked"), static_cast<double>(engine->outboxStatus().parked)}});
        if (!net.waitHealthy(node, 120s))
            qFatal("%s did not get its standby back", qPrintable(node));
    }

    // 5. Failover while renting. A thread watches for the new primary while the
    // kiosk keeps renting (offline while no server answers, then online again).
    {
        std::vector<double> promote, nextRental, ours, linkBack;
        int failed = 0;
        int memberAt = static_cast<int>(members.size()) - 1;
        for (int k = 0; k < kills; ++k) {
            if (!net.waitHealthy(node, 180s))
                qFatal("%s is not whole before kill %d", qPrintable(node), k + 1);
            QStringList free;
            for (const CachedDisc &d : engine->discs())
                if (d.status == QLatin1String("in") && d.condition == QLatin1String("good") && d.slot > 0)
                    free << d.barcode;
            const QString oldPrimary = net.primaryOf(node);
            QElapsedTimer since;
            since.start();
            net.killServer(net.memberAt(oldPrimary), true);
            std::atomic<qint64> promotedAt{-1};
            qint64 linkBackAt = -1;
            bool sawDown = false;
            auto linkWatch = QObject::connect(engine.get(), &KioskEngine::healthChanged, [&](const KioskHealth &h) {
                // Back means writable again: online, or "degraded" (on the node's second server).
                const bool up = h.link == LinkStatus::Online || h.link == LinkStatus::Degraded;
                if (!up)
                    sawDown = true;
                else if (sawDown && linkBackAt < 0 && !h.server.isEmpty() && h.server != oldPrimary)
                    linkBackAt = since.elapsed();
            });
            std::atomic<bool> stopWatch{false};
            std::thread watch([&] {
                while (!stopWatch && promotedAt < 0) {
                    try {
                        const QString now = net.primaryOf(node);
                        if (!now.isEmpty() && now != oldPrimary)
                            promotedAt = since.elapsed();
                    } catch (const std::exception &) {
                    }
                    std::this_thread::sleep_for(100ms);
                }
            });
            qint64 committedAt = -1;
            QString lastFailure;
            int d = 0;
            while (since.elapsed() < 120000 && committedAt < 0 && memberAt >= 0 && d < free.size()) {
                // As at the screen: the member signs in (the server's ticket when a red box answers, the
                // kiosk's own check when none does), then rents.
                const auto in = await<SignInResult>([&](auto done) { engine->signIn(members[memberAt], pins[memberAt], done); }, 30000);
                if (!in || in->outcome != SignInOutcome::Ok || !in->member) {
                    lastFailure = in ? QStringLiteral("sign-in: %1").arg(in->message) : QStringLiteral("no sign-in answer in 30 s");
                    if (in && (in->outcome == SignInOutcome::WrongPin || in->outcome == SignInOutcome::Locked))
                        --memberAt;   // that member cannot sign in now: the next one
                    else
                        QTest::qWait(200);   // no server could check the PIN yet
                    continue;
                }
                const auto r = await<RentResult>([&](auto done) { engine->rent(rentRequest(*in->member, free[d]), done); }, 30000);
                if (!r) {
                    lastFailure = QStringLiteral("no answer in 30 s");
                    continue;
                }
                if (r->failure == Failure::None)
                    engine->dispensed(r->rentalId);
                if (r->failure == Failure::None || (r->failure != Failure::Offline && r->failure != Failure::InDoubt)) {
                    ++d;   // rented, or that disc or member cannot rent now: the next one
                    --memberAt;
                }
                if (r->failure == Failure::None && !r->offline && promotedAt >= 0)
                    committedAt = since.elapsed();
                else if (r->failure != Failure::None)
                    lastFailure = failureName(r->failure) + QStringLiteral(": ") + r->message;
                QTest::qWait(500);   // a busy kiosk: a rental every half second
            }
            QObject::disconnect(linkWatch);
            stopWatch = true;
            watch.join();
            if (promotedAt < 0 || committedAt < 0) {
                ++failed;
                std::printf("  failover %d: %s after %.0f s (last refusal: %s)\n", k + 1,
                            promotedAt < 0 ? "no new primary" : "no online rental", static_cast<double>(since.elapsed()) / 1000.0,
                            qPrintable(lastFailure));
            } else {
                promote.push_back(static_cast<double>(promotedAt) / 1000.0);
                nextRental.push_back(static_cast<double>(committedAt) / 1000.0);
                ours.push_back(static_cast<double>(committedAt - promotedAt) / 1000.0);
                if (linkBackAt >= 0)
                    linkBack.push_back(static_cast<double>(linkBackAt - promotedAt) / 1000.0);
                std::printf("  failover %d: new primary after %.1f s, kiosk link back %.2f s later, next committed rental after "
                            "%.1f s (our share %.2f s, with the rentals queued meanwhile replayed first)\n",
                            k + 1, promote.back(), linkBackAt >= 0 ? static_cast<double>(linkBackAt - promotedAt) / 1000.0 : -1.0,
                            nextRental.back(), ours.back());
            }
            if (net.tool({QStringLiteral("rejoin"), node}) != 0)
                qFatal("rejoin failed");
        }
        if (kills > 0) {
            std::printf("  failover over %d kills (%d without a result): new primary p50 %.1f s (the HA engine); kiosk link back "
                        "p50 %.2f s, max %.2f s after it; next rental p50 %.1f s, max %.1f s after the kill; our share p50 %.2f s, "
                        "max %.2f s (target under 1 s)\n",
                        kills, failed, percentile(promote, 0.5), percentile(linkBack, 0.5), percentile(linkBack, 1.0),
                        percentile(nextRental, 0.5), percentile(nextRental, 1.0), percentile(ours, 0.5), percentile(ours, 1.0));
            out.insert(QStringLiteral("failover_s"),
                       QJsonObject{{QStringLiteral("kills"), kills},
                                   {QStringLiteral("without_result"), failed},
                                   {QStringLiteral("promote_p50"), percentile(promote, 0.5)},
                                   {QStringLiteral("link_back_after_promotion_p50"), percentile(linkBack, 0.5)},
                                   {QStringLiteral("link_back_after_promotion_max"), percentile(linkBack, 1.0)},
                                   {QStringLiteral("next_rental_p50"), percentile(nextRental, 0.5)},
                                   {QStringLiteral("next_rental_max"), percentile(nextRental, 1.0)},
                                   {QStringLiteral("our_share_p50"), percentile(ours, 0.5)},
                                   {QStringLiteral("our_share_max"), percentile(ours, 1.0)}});
        }
    }
    engine->stop();
    QFile f(p.value(buildOpt) + QStringLiteral("/bench-sync.json"));
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QJsonDocument(out).toJson());
    std::printf("  figures in %s\n", qPrintable(f.fileName()));
    return 0;
}
