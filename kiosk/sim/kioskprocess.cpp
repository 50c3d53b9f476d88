// The child side of a kiosk process (redbox-sim --kiosk-process SPEC): one
// full kiosk under its own group id, its calls printed as JSON lines for the
// runner, until its customers are done and its queues drained.
#include "sim/kioskprocesses.h"
#include "sim/simkiosk.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

#include <grp.h>
#include <unistd.h>

namespace redbox::sim {

namespace {

SimMember memberFrom(const QJsonObject &o)
{
    return {o.value(QStringLiteral("id")).toInteger(),      o.value(QStringLiteral("card")).toString(),
            o.value(QStringLiteral("pin")).toString(),      o.value(QStringLiteral("coast")).toString(),
            o.value(QStringLiteral("plan_limit")).toInt(1), o.value(QStringLiteral("walk_up")).toBool()};
}

void emitLine(const QJsonObject &o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
    std::fflush(stdout);
}

}   // namespace

int runKioskProcess(const QString &specPath)
{
    QFile f(specPath);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "redbox-sim: cannot read %s\n", qPrintable(specPath));
        return 2;
    }
    const QJsonObject spec = QJsonDocument::fromJson(f.readAll()).object();
    const int gid = spec.value(QStringLiteral("gid")).toInt();
    if (gid > 0 &&
        (setgroups(0, nullptr) != 0 || setresgid(static_cast<gid_t>(gid), static_cast<gid_t>(gid), static_cast<gid_t>(gid)) != 0)) {
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
    for (const auto &v : spec.value(QStringLiteral("home")).toArray())
        home.append(memberFrom(v.toObject()));
    for (const auto &v : spec.value(QStringLiteral("travelers")).toArray())
        travelers.append(memberFrom(v.toObject()));
    World world(ref, home, travelers);
    for (const auto &v : spec.value(QStringLiteral("holdings")).toArray())
        world.hold(Holding::fromJson(v.toObject()));

    SimKiosk kiosk(ref, simKioskConfig(ref, spec.value(QStringLiteral("storage")).toString(), scenario.offlineAfterMs), &world, scenario,
                   emitLine);
    try {
        kiosk.boot();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-sim: kiosk %s cannot start: %s\n", qPrintable(ref.id), e.what());
        return 2;
    }
    const qint64 until = spec.value(QStringLiteral("until")).toInteger();
    const qint64 drainUntil = spec.value(QStringLiteral("drain_until")).toInteger();
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
        if (QDateTime::currentMSecsSinceEpoch() < until || kiosk.inVisit())
            return;
        kiosk.stopCustomers();
        const OutboxStatus o = kiosk.engine()->outboxStatus();
        const int outbox = o.readable ? o.queued + o.parked : 1;   // unreadable counts as not drained
        if ((outbox > 0 || o.journal > 0) && QDateTime::currentMSecsSinceEpoch() < drainUntil)
            return;
        emitLine({{QStringLiteral("kind"), QStringLiteral("process-done")},
                  {QStringLiteral("outbox"), outbox},
                  {QStringLiteral("journal"), o.journal},
                  {QStringLiteral("max_outbox"), kiosk.stats().maxOutbox},
                  {QStringLiteral("visits"), static_cast<double>(kiosk.stats().visits)}});
        QCoreApplication::exit(0);
    });
    done.start();
    return QCoreApplication::exec();
}

}   // namespace redbox::sim
