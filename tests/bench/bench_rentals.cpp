// Benchmark of the distributed rental, on the benchmark network:
//   floor  pgbench's single commit on the same red box primary (sync standby)
//   ours   kiosk_rent(): the rental commits at the red box with its outbox
//          hops; the forwarders carry them later
//   paper  rent_paper_way(): every hop synchronous over dblink inside the
//          customer's transaction (the paper's section 7 as written)
// plus the same with the coasts' payments services paused (what the payment
// path costs the rental), the delay from a rental's commit to its arrival at
// HQ, the forwarders' throughput draining a backlog, and the settlement path's
// (authorizations and captures per second through the simulated acquirer).
// Prints the figures and ratios; writes build/bench-rentals.json.
#include "core/cards.h"
#include "crypto/crypto.h"
#include "pg/connection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

using namespace redbox;

namespace {

struct Net {
    QString state, tool, topology;
    QJsonObject json;

    void load()
    {
        QFile f(state + QStringLiteral("/network.json"));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("no %s/network.json: run the bench-network target first (it brings the network up)", qPrintable(state));
        json = QJsonDocument::fromJson(f.readAll()).object();
    }
    int run(const QStringList &args)
    {
        return QProcess::execute(tool, QStringList{QStringLiteral("--topology"), topology, QStringLiteral("--state-dir"), state} + args);
    }
    QJsonObject node(const QString &name) const
    {
        for (const auto &v : json.value(QStringLiteral("nodes")).toArray())
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject();
        qFatal("no node %s", qPrintable(name));
    }
    QString conninfo(const QString &name, const QString &role) const
    {
        return conninfo(name, role, json.value(QStringLiteral("pgpass")).toObject().value(role).toString());
    }
    QString conninfo(const QString &name, const QString &role, const QString &passfile) const
    {
        QStringList hosts, ports;
        for (const auto &s : node(name).value(QStringLiteral("servers")).toArray()) {
            hosts << s.toObject().value(QStringLiteral("host")).toString();
            ports << QString::number(s.toObject().value(QStringLiteral("port")).toInt());
        }
        return QStringLiteral("host=%1 port=%2 dbname=redbox user=%3 passfile=%4 sslmode=verify-full sslrootcert=%5 "
                              "target_session_attrs=read-write application_name=bench-rentals")
            .arg(hosts.join(QLatin1Char(',')), ports.join(QLatin1Char(',')), role, passfile, json.value(QStringLiteral("ca")).toString());
    }
    // A kiosk's own login at its red box, from the folder its enrolment wrote.
    QString kioskConninfo(const QString &name, const QString &kioskId) const
    {
        return conninfo(name, QStringLiteral("kiosk.") + kioskId,
                        json.value(QStringLiteral("kiosks")).toString() + QLatin1Char('/') + kioskId + QStringLiteral("/redbox.pgpass"));
    }
    // Each member's PIN, from the roster the network tool prints for operators and tests.
    std::map<qint64, QString> pins()
    {
        const QString file = state + QStringLiteral("/bench-roster.json");
        if (run({QStringLiteral("roster"), QStringLiteral("--out"), file}) != 0)
            qFatal("could not write the roster");
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file));
        std::map<qint64, QString> out;
        for (const auto &v : QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("members")).toArray())
            out[v.toObject().value(QStringLiteral("member_id")).toInteger()] = v.toObject().value(QStringLiteral("pin")).toString();
        return out;
    }
    QByteArray cardKey() const
    {
        QFile f(json.value(QStringLiteral("card_key_file")).toString());
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read the card key");
        return QByteArray::fromHex(f.readAll().trimmed());
    }
};

struct Stats {
    double p50 = 0, p99 = 0, mean = 0;
    int n = 0;
};

Stats stats(std::vector<double> v)
{
    Stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.n = static_cast<int>(v.size());
    s.p50 = v[v.size() / 2];
    s.p99 = v[std::min(v.size() - 1, static_cast<size_t>(static_cast<double>(v.size()) * 0.99))];
    double sum = 0;
    for (double x : v)
        sum += x;
    s.mean = sum / static_cast<double>(v.size());
    return s;
}

QJsonObject toJson(const Stats &s)
{
    return {{QStringLiteral("n"), s.n},
            {QStringLiteral("p50_ms"), s.p50},
            {QStringLiteral("p99_ms"), s.p99},
            {QStringLiteral("mean_ms"), s.mean}};
}

// The discs of a red box's kiosks, and which slots are free, so each rental can be returned.
struct Shelf {
    struct Disc {
        QString kiosk, barcode;
        int slot;
    };
    std::vector<Disc> discs;
    std::map<QString, std::vector<int>> freeSlots;
    size_t next = 0;

    void load(pg::Connection &admin, const QString &node)
    {
        Q_UNUSED(node);
        const pg::Result r = admin.exec("SELECT kiosk_id, barcode, slot_no FROM redbox.dvd WHERE status = 'in' AND "
                                        "condition = 'good' ORDER BY md5(barcode)");
        for (int i = 0; i < r.rows(); ++i)
            discs.push_back({r.text(i, 0), r.text(i, 1), r.int32(i, 2)});
        const pg::Result f = admin.exec("SELECT k.kiosk_id, s FROM redbox.kiosk k, generate_series(1, k.slot_count) s WHERE NOT EXISTS "
                                        "(SELECT 1 FROM redbox.dvd d WHERE d.kiosk_id = k.kiosk_id AND d.slot_no = s)");
        for (int i = 0; i < f.rows(); ++i)
            freeSlots[f.text(i, 0)].push_back(f.int32(i, 1));
    }
    Disc &take() { return discs[next++ % discs.size()]; }
    int freeSlot(const QString &kiosk, int justFreed)
    {
        auto &v = freeSlots[kiosk];
        v.push_back(justFreed);
        const int s = v.front();
        v.erase(v.begin());
        return s;
    }
};

double ms(const QElapsedTimer &t)
{
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

}   // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    const QCommandLineOption buildOpt(QStringLiteral("build"), QStringLiteral("Build folder."), QStringLiteral("dir"));
    const QCommandLineOption sourceOpt(QStringLiteral("source"), QStringLiteral("Source folder."), QStringLiteral("dir"));
    const QCommandLineOption countOpt(QStringLiteral("rentals"), QStringLiteral("Rentals per variant (default 1000)."), QStringLiteral("n"),
                                      QStringLiteral("1000"));
    const QCommandLineOption backlogOpt(QStringLiteral("backlog"), QStringLiteral("Rentals queued for the throughput test."),
                                        QStringLiteral("n"), QStringLiteral("2000"));
    p.addOptions({buildOpt, sourceOpt, countOpt, backlogOpt});
    p.process(app);
    const int n = p.value(countOpt).toInt();
    const int backlog = p.value(backlogOpt).toInt();
    Net net{p.value(buildOpt) + QStringLiteral("/bench-net"),
            p.value(sourceOpt) + QStringLiteral("/deploy/redbox-net"),
            p.value(sourceOpt) + QStringLiteral("/tests/bench/bench-topology.toml"),
            {}};
    if (QFile::exists(net.state + QStringLiteral("/network.json")))
        net.load();
    std::printf("bench-rentals: the distributed rental\n");
    if (net.run({QStringLiteral("up"), QStringLiteral("--kiosks-per-node"), QStringLiteral("4"), QStringLiteral("--forwarder"),
                 p.value(buildOpt) + QStringLiteral("/redbox-forwarder")}) != 0)
        qFatal("could not bring the benchmark network up");
    net.load();
    const QString node = QStringLiteral("west-rb2");
    const QByteArray cardKey = net.cardKey();
    pg::Connection admin = pg::Connection::open(net.conninfo(node, QStringLiteral("postgres")));
    // Each kiosk rents over its own login, as the kiosks do.
    std::map<QString, pg::Connection> kiosks;
    {
        const pg::Result r = admin.exec("SELECT kiosk_id FROM redbox.kiosk_login WHERE revoked_at IS NULL ORDER BY kiosk_id");
        for (int i = 0; i < r.rows(); ++i)
            kiosks.emplace(r.text(i, 0), pg::Connection::open(net.kioskConninfo(node, r.text(i, 0))));
    }
    pg::Connection owner = pg::Connection::open(net.conninfo(node, QStringLiteral("postgres")));
    owner.exec("SET ROLE redbox_owner");
    Shelf shelf;
    shelf.load(admin, node);
    std::vector<std::pair<QString, QString>> cards;   // card hash, PIN
    {
        const std::map<qint64, QString> pin = net.pins();
        const pg::Result r = admin.exec("SELECT member_id FROM redbox.membershipstatus WHERE allowed AND discs_out = 0 "
                                        "ORDER BY member_id LIMIT 400");
        for (int i = 0; i < r.rows(); ++i)
            if (pin.count(r.int64(i, 0)))
                cards.emplace_back(crypto::cardHash(cardKey, memberCardNumber(r.int64(i, 0))), pin.at(r.int64(i, 0)));
    }
    std::printf("  %zu discs and %zu members at %s\n", shelf.discs.size(), cards.size(), qPrintable(node));

    // The floor: pgbench's single commit on the same primary, in this run.
    const QString primary = admin.serverAddress();
    admin.exec("CREATE TABLE IF NOT EXISTS redbox_meta.bench (id bigserial PRIMARY KEY, v int)");
    QFile script(net.state + QStringLiteral("/bench-commit.sql"));
    script.open(QIODevice::WriteOnly);
    script.write("INSERT INTO redbox_meta.bench (v) VALUES (1);\n");
    script.close();
    QProcess pgbench;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGSSLMODE"), QStringLiteral("verify-full"));
    env.insert(QStringLiteral("PGSSLROOTCERT"), net.json.value(QStringLiteral("ca")).toString());
    env.insert(QStringLiteral("PGPASSFILE"),
               net.json.value(QStringLiteral("pgpass")).toObject().value(QStringLiteral("postgres")).toString());
    pgbench.setProcessEnvironment(env);
    pgbench.start(QStringLiteral("pgbench"),
                  {QStringLiteral("-n"), QStringLiteral("-c1"), QStringLiteral("-j1"), QStringLiteral("-T20"), QStringLiteral("-f"),
                   script.fileName(), QStringLiteral("-h"), primary.section(QLatin1Char(':'), 0, 0), QStringLiteral("-p"),
                   primary.section(QLatin1Char(':'), 1, 1), QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("redbox")});
    pgbench.waitForFinished(60'000);
    double floorMs = 0, floorTps = 0;
    for (const QByteArray &line : pgbench.readAllStandardOutput().split('\n')) {
        if (line.startsWith("latency average"))
            floorMs = line.split('=').value(1).trimmed().split(' ').value(0).toDouble();
        if (line.startsWith("tps"))
            floorTps = line.split('=').value(1).trimmed().split(' ').value(0).toDouble();
    }
    admin.exec("TRUNCATE redbox_meta.bench");
    std::printf("  floor: pgbench single commit on %s: %.3f ms average (%.0f TPS)\n", qPrintable(primary), floorMs, floorTps);

    auto cycle = [&](const char *label, bool paperWay, std::vector<double> &rentMs, std::vector<double> &returnMs,
                     std::vector<QString> &ids, int count) {
        for (int i = 0; i < count; ++i) {
            Shelf::Disc &d = shelf.take();
            const auto &[card, pin] = cards[static_cast<size_t>(i) % cards.size()];
            pg::Connection &kiosk = kiosks.at(d.kiosk);
            const QUuid rental = QUuid::createUuid();
            const QString token = QStringLiteral("tok_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
            // The member signs in first (the server checks the PIN and hands out the rental's ticket); not timed.
            const QString ticket =
                paperWay ? QString()
                         : kiosk.exec("SELECT ticket FROM redbox.kiosk_sign_in($1, $2) WHERE outcome = 'ok'", {card, pin}, true).text(0, 0);
            QElapsedTimer t;
            t.start();
            if (paperWay)
                owner.exec("SELECT redbox.rent_paper_way($1, $2, $3, $4, $5, $6, '4242')",
                           {rental, d.kiosk, card, d.barcode, QUuid::createUuid(), token}, true);
            else
                kiosk.exec("SELECT rental_id FROM redbox.kiosk_rent($1, $2, $3, $4, $5, '4242', now(), false, $6::jsonb)",
                           {rental, card, d.barcode, QUuid::createUuid(), token, ticket}, true);
            rentMs.push_back(ms(t));
            ids.push_back(rental.toString(QUuid::WithoutBraces));
            const int slot = shelf.freeSlot(d.kiosk, d.slot);
            t.restart();
            kiosk.exec("SELECT rental_id FROM redbox.kiosk_return($1, $2, now(), $3)", {QUuid::createUuid(), d.barcode, slot}, true);
            returnMs.push_back(ms(t));
            d.slot = slot;
        }
        Q_UNUSED(label);
    };

    // Every phase starts from a quiet network (no backlog being drained).
    auto settle = [&] {
        QElapsedTimer t;
        t.start();
        for (const QString &where :
             {QStringLiteral("hq"), QStringLiteral("west"), QStringLiteral("east"), QStringLiteral("west-rb1"), node}) {
            pg::Connection c = pg::Connection::open(net.conninfo(where, QStringLiteral("postgres")));
            while (c.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND parked_at IS NULL").int64(0, 0) > 0 &&
                   t.elapsed() < 300'000)
                QThread::msleep(200);
        }
        for (const QString &coast : {QStringLiteral("west"), QStringLiteral("east")}) {
            pg::Connection c = pg::Connection::open(net.conninfo(coast, QStringLiteral("postgres")));
            while (c.exec("SELECT count(*) FROM redbox.processor_request WHERE state IN ('queued', 'in_doubt')").int64(0, 0) > 0 &&
                   t.elapsed() < 300'000)
                QThread::msleep(200);
        }
        QThread::msleep(2000);
    };
    settle();

    // Warm up both paths (connections, plans, dblink links).
    {
        std::vector<double> a, b;
        std::vector<QString> c;
        cycle("warm-up", false, a, b, c, 50);
        cycle("warm-up", true, a, b, c, 50);
    }
    std::vector<double> oursRent, oursReturn, paperRent, paperReturn;
    std::vector<QString> oursIds, paperIds;
    settle();
    cycle("ours", false, oursRent, oursReturn, oursIds, n);
    // The same with the coasts' payments services paused: what the payment path (the coast
    // authorizing and capturing through the acquirer) costs the customer's rental here.
    std::vector<double> noPayRent, noPayReturn;
    std::vector<QString> noPayIds;
    settle();
    net.run({QStringLiteral("payments"), QStringLiteral("stop")});
    cycle("no-payments", false, noPayRent, noPayReturn, noPayIds, n);
    net.run({QStringLiteral("payments"), QStringLiteral("start"), QStringLiteral("--forwarder"),
             p.value(buildOpt) + QStringLiteral("/redbox-forwarder")});
    // The customer's path alone: this red box's forwarder paused, as if the coast and HQ
    // ran on machines of their own instead of sharing these two cores.
    std::vector<double> aloneRent, aloneReturn;
    std::vector<QString> aloneIds;
    settle();
    net.run({QStringLiteral("forwarder"), QStringLiteral("stop"), node});
    cycle("alone", false, aloneRent, aloneReturn, aloneIds, n);
    net.run({QStringLiteral("forwarder"), QStringLiteral("start"), node, QStringLiteral("--forwarder"),
             p.value(buildOpt) + QStringLiteral("/redbox-forwarder")});
    settle();
    cycle("paper", true, paperRent, paperReturn, paperIds, n);
    const Stats ours = stats(oursRent), paper = stats(paperRent), ret = stats(oursReturn), alone = stats(aloneRent),
                noPay = stats(noPayRent);
    std::printf("  ours:  kiosk-visible rental over %d rentals: p50 %.3f ms, p99 %.3f ms (%.2fx the floor at p50)\n", ours.n, ours.p50,
                ours.p99, ours.p50 / floorMs);
    std::printf("  ours, payments services paused (the coast's authorizations and captures not running): "
                "p50 %.3f ms, p99 %.3f ms (%.2fx the floor); with them: %+.3f ms at p50\n",
                noPay.p50, noPay.p99, noPay.p50 / floorMs, ours.p50 - noPay.p50);
    std::printf("  ours, hops paused (the customer's path without the downstream nodes' work on these 2 cores): "
                "p50 %.3f ms, p99 %.3f ms (%.2fx the floor)\n",
                alone.p50, alone.p99, alone.p50 / floorMs);
    std::printf("  paper: every hop synchronous over dblink:  p50 %.3f ms, p99 %.3f ms (%.2fx the floor, %.2fx ours)\n", paper.p50,
                paper.p99, paper.p50 / floorMs, paper.p50 / ours.p50);
    std::printf("  returns at the same kiosk: p50 %.3f ms, p99 %.3f ms\n", ret.p50, ret.p99);

    // Delay from the red box's commit to HQ, for our rentals (forwarders running all along).
    pg::Connection hq = pg::Connection::open(net.conninfo(QStringLiteral("hq"), QStringLiteral("postgres")));
    QElapsedTimer waitHq;
    waitHq.start();
    while (hq.exec("SELECT count(*) FROM redbox.rental WHERE rental_id::text = ANY ($1::text[])",
                   {QStringLiteral("{%1}").arg(QStringList(oursIds.begin(), oursIds.end()).join(QLatin1Char(',')))})
                   .int64(0, 0) < static_cast<qint64>(oursIds.size()) &&
           waitHq.elapsed() < 120'000)
        QThread::msleep(200);
    std::vector<double> delay;
    {
        const pg::Result r = hq.exec("SELECT extract(epoch FROM received_at - committed_at) * 1000 FROM redbox.rental "
                                     "WHERE rental_id::text = ANY ($1::text[])",
                                     {QStringLiteral("{%1}").arg(QStringList(oursIds.begin(), oursIds.end()).join(QLatin1Char(',')))});
        for (int i = 0; i < r.rows(); ++i)
            delay.push_back(r.real(i, 0));
    }
    const Stats toHq = stats(delay);
    std::printf("  delay from the red box's commit to HQ (2 hops): p50 %.1f ms, p99 %.1f ms over %d rentals\n", toHq.p50, toHq.p99, toHq.n);

    // Forwarder throughput: a backlog queued while the red box's forwarder is stopped (and the
    // coasts' payments services too, for the settlement path's figure below).
    settle();
    net.run({QStringLiteral("payments"), QStringLiteral("stop")});
    net.run({QStringLiteral("forwarder"), QStringLiteral("stop"), node});
    std::vector<double> a, b;
    std::vector<QString> backlogIds;
    cycle("backlog", false, a, b, backlogIds, backlog);
    const qint64 queued = admin.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL").int64(0, 0);
    QElapsedTimer drain;
    drain.start();
    net.run({QStringLiteral("forwarder"), QStringLiteral("start"), node, QStringLiteral("--forwarder"),
             p.value(buildOpt) + QStringLiteral("/redbox-forwarder")});
    while (admin.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL").int64(0, 0) > 0 && drain.elapsed() < 600'000)
        QThread::msleep(50);
    const double drainS = static_cast<double>(drain.elapsed()) / 1000.0;
    QElapsedTimer toHqAll;
    toHqAll.start();
    pg::Connection west = pg::Connection::open(net.conninfo(QStringLiteral("west"), QStringLiteral("postgres")));
    while (west.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL").int64(0, 0) > 0 && toHqAll.elapsed() < 600'000)
        QThread::msleep(50);
    const double coastDrainS = static_cast<double>(toHqAll.elapsed()) / 1000.0 + drainS;
    std::printf("  forwarder throughput: %lld queued hops (%d rentals and returns) drained from %s in %.1f s = %.0f hops/s; "
                "all at HQ after %.1f s\n",
                static_cast<long long>(queued), backlog, qPrintable(node), drainS, static_cast<double>(queued) / drainS, coastDrainS);

    // The settlement path: the backlog's authorizations and captures, all queued at the coast,
    // sent through the acquirer once the payments services start again.
    const char *openRequests = "SELECT count(*) FILTER (WHERE op = 'capture'), count(*) FROM redbox.processor_request "
                               "WHERE state IN ('queued', 'in_doubt')";
    const pg::Result before = west.exec(openRequests);
    const qint64 captures = before.int64(0, 0), requests = before.int64(0, 1);
    QElapsedTimer pay;
    pay.start();
    net.run({QStringLiteral("payments"), QStringLiteral("start"), QStringLiteral("--forwarder"),
             p.value(buildOpt) + QStringLiteral("/redbox-forwarder")});
    while (west.exec(openRequests).int64(0, 1) > 0 && pay.elapsed() < 600'000)
        QThread::msleep(20);
    const double payS = static_cast<double>(pay.elapsed()) / 1000.0;
    const qint64 failed = west.exec("SELECT count(*) FROM redbox.processor_request WHERE state IN ('failed', 'declined')").int64(0, 0);
    std::printf("  settlement path: %lld requests queued at west (%lld captures) sent through the acquirer in %.1f s "
                "(service start included) = %.0f requests/s, %.0f captures/s; %lld failed or declined\n",
                static_cast<long long>(requests), static_cast<long long>(captures), payS, static_cast<double>(requests) / payS,
                static_cast<double>(captures) / payS, static_cast<long long>(failed));

    QJsonObject out{
        {QStringLiteral("floor_pgbench"), QJsonObject{{QStringLiteral("latency_ms"), floorMs}, {QStringLiteral("tps"), floorTps}}},
        {QStringLiteral("ours_rental"), toJson(ours)},
        {QStringLiteral("ours_rental_hops_paused"), toJson(alone)},
        {QStringLiteral("ours_rental_payments_paused"), toJson(noPay)},
        {QStringLiteral("settlement_requests_per_s"), static_cast<double>(requests) / payS},
        {QStringLiteral("settlement_captures_per_s"), static_cast<double>(captures) / payS},
        {QStringLiteral("paper_way_rental"), toJson(paper)},
        {QStringLiteral("return"), toJson(ret)},
        {QStringLiteral("ratio_ours_to_floor_p50"), ours.p50 / floorMs},
        {QStringLiteral("ratio_paper_to_floor_p50"), paper.p50 / floorMs},
        {QStringLiteral("delay_to_hq"), toJson(toHq)},
        {QStringLiteral("forwarder_hops_per_s"), static_cast<double>(queued) / drainS},
        {QStringLiteral("backlog_hops"), queued}};
    QFile json(p.value(buildOpt) + QStringLiteral("/bench-rentals.json"));
    json.open(QIODevice::WriteOnly);
    json.write(QJsonDocument(out).toJson());
    std::printf("  target: the customer's rental within 1.5x the floor: %s with the whole network on this machine, %s for the "
                "customer's path alone\n",
                ours.p50 <= 1.5 * floorMs ? "met" : "NOT met", alone.p50 <= 1.5 * floorMs ? "met" : "NOT met");
    return 0;
}
