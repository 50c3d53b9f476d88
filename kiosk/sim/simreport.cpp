// What a simulator run reports (see simreport.h).
#include "sim/simreport.h"

#include "core/percentile.h"

#include <QTextStream>

#include <algorithm>

namespace redbox::sim {

namespace {

double n(qint64 v)
{
    return static_cast<double>(v);
}

QString ms(const QJsonObject &o)
{
    return QStringLiteral("p50 %1 / p95 %2 / p99 %3 (n=%4)")
        .arg(o.value(QStringLiteral("p50")).toDouble(), 0, 'f', 1)
        .arg(o.value(QStringLiteral("p95")).toDouble(), 0, 'f', 1)
        .arg(o.value(QStringLiteral("p99")).toDouble(), 0, 'f', 1)
        .arg(o.value(QStringLiteral("n")).toInt());
}

QJsonObject at(const QJsonObject &o, const char *path1, const char *path2 = nullptr)
{
    const QJsonObject first = o.value(QLatin1String(path1)).toObject();
    return path2 ? first.value(QLatin1String(path2)).toObject() : first;
}

}   // namespace

QJsonObject spread(const std::vector<double> &v)
{
    return {{QStringLiteral("n"), static_cast<double>(v.size())},
            {QStringLiteral("p50"), percentile(v, 0.50)},
            {QStringLiteral("p95"), percentile(v, 0.95)},
            {QStringLiteral("p99"), percentile(v, 0.99)},
            {QStringLiteral("max"), v.empty() ? 0.0 : *std::max_element(v.begin(), v.end())}};
}

std::vector<double> failoverTimes(QJsonArray &faults, const QHash<QUuid, RentalTrace> &rentals, qint64 runStartMs)
{
    std::vector<double> out;
    for (QJsonValueRef entry : faults) {
        QJsonObject f = entry.toObject();
        if (f.value(QStringLiteral("kind")).toString() != QLatin1String("kill_redbox_primary") ||
            !f.value(QStringLiteral("injected")).toBool())
            continue;
        const qint64 killedAt = runStartMs + static_cast<qint64>(f.value(QStringLiteral("at_s")).toDouble() * 1000);
        const QString node = f.value(QStringLiteral("target")).toString();
        qint64 next = 0;
        for (const RentalTrace &t : rentals)
            if (t.node == node && t.phase == QLatin1String("ok") && !t.offline && t.invokedMs > killedAt && (next == 0 || t.endedMs < next))
                next = t.endedMs;
        if (next) {
            f.insert(QStringLiteral("next_committed_rental_after_s"), static_cast<double>(next - killedAt) / 1000.0);
            out.push_back(static_cast<double>(next - killedAt) / 1000.0);
        }
        entry = f;
    }
    return out;
}

QJsonObject reportJson(const RunFacts &f)
{
    const HistoryCounts &h = f.history;
    QJsonObject failures;
    for (auto it = h.failures.begin(); it != h.failures.end(); ++it)
        failures.insert(it.key(), n(it.value()));
    return {{QStringLiteral("scenario"), f.scenario.toJson()},
            {QStringLiteral("kiosks"), QJsonObject{{QStringLiteral("full"), f.scenario.kiosks},
                                                   {QStringLiteral("in_process"), n(f.inProcess)},
                                                   {QStringLiteral("processes"), f.scenario.processKiosks},
                                                   {QStringLiteral("threads"), n(f.threads)},
                                                   {QStringLiteral("boot_all_s"), n(f.bootAllMs) / 1000.0},
                                                   {QStringLiteral("first_sync_ms"), spread(f.firstSyncMs)},
                                                   {QStringLiteral("process_restarts"), f.processRestarts}}},
            {QStringLiteral("visits"), QJsonObject{{QStringLiteral("total"), n(f.stats.visits)},
                                                   {QStringLiteral("rent"), n(f.stats.rentVisits)},
                                                   {QStringLiteral("walk_up"), n(f.stats.walkUpVisits)},
                                                   {QStringLiteral("promo_tried"), n(f.stats.promoTries)},
                                                   {QStringLiteral("promo_applied"), n(f.stats.promoApplied)},
                                                   {QStringLiteral("buy_tried"), n(f.stats.buyTries)},
                                                   {QStringLiteral("bought"), n(f.stats.bought)},
                                                   {QStringLiteral("lost_answers"), n(f.stats.lostAnswers)},
                                                   {QStringLiteral("return"), n(f.stats.returnVisits)},
                                                   {QStringLiteral("unknown_card"), n(f.stats.unknownCardVisits)},
                                                   {QStringLiteral("walked_away"), n(f.stats.walkedAway)},
                                                   {QStringLiteral("no_free_member"), n(f.stats.noMember)},
                                                   {QStringLiteral("late_returns"), n(f.stats.lateReturns)},
                                                   {QStringLiteral("late_returned_on_time"), n(f.stats.lateOnTime)},
                                                   {QStringLiteral("kept_at_the_end"), n(f.days.kept.size())},
                                                   {QStringLiteral("carried_to_another_kiosk"), n(f.stats.carriedAway)},
                                                   {QStringLiteral("stuck"), n(h.stuckVisits)}}},
            {QStringLiteral("rentals"), QJsonObject{{QStringLiteral("ok_online"), n(h.rentOk)},
                                                    {QStringLiteral("ok_offline"), n(h.rentOffline)},
                                                    {QStringLiteral("failed"), n(h.rentFailed)},
                                                    {QStringLiteral("unknown"), n(h.rentUnknown)},
                                                    {QStringLiteral("failed_by_reason"), failures},
                                                    {QStringLiteral("dispensed"), n(h.dispensed)},
                                                    {QStringLiteral("voids"), n(h.voids)}}},
            {QStringLiteral("returns"), QJsonObject{{QStringLiteral("ok_online"), n(h.returnOk)},
                                                    {QStringLiteral("ok_offline"), n(h.returnOffline)},
                                                    {QStringLiteral("failed"), n(h.returnFailed)}}},
            {QStringLiteral("lookups"), QJsonObject{{QStringLiteral("total"), n(h.lookups)},
                                                    {QStringLiteral("escalated"), n(h.escalations)},
                                                    {QStringLiteral("refused"), n(h.lookupFailed)}}},
            {QStringLiteral("faults"), f.faults},
            {QStringLiteral("failover_to_next_rental_s"), spread(f.failoverS)},
            {QStringLiteral("rental_latency_ms"),
             QJsonObject{{QStringLiteral("online"), spread(f.rentOnlineMs)}, {QStringLiteral("offline"), spread(f.rentOfflineMs)}}},
            {QStringLiteral("event_loop_lag_ms"), spread(f.loopLagMs)},
            {QStringLiteral("delay_to_coast_ms"), spread(f.delays.toCoast)},
            {QStringLiteral("delay_to_hq_ms"), spread(f.delays.toHq)},
            {QStringLiteral("outbox_peak"),
             QJsonObject{{QStringLiteral("kiosk"), f.kioskOutboxPeak}, {QStringLiteral("network_hops"), f.hopPeak}}},
            {QStringLiteral("invariants"), f.invariants.toJson()},
            {QStringLiteral("notes"), QJsonArray::fromStringList(f.notes)},
            {QStringLiteral("history"), f.historyPath},
            {QStringLiteral("run_s"), f.runS}};
}

QString reportText(const RunFacts &f, const QJsonObject &report, const QString &reportPath)
{
    const HistoryCounts &h = f.history;
    const KioskStats &s = f.stats;
    QString text;
    QTextStream t(&text);
    t << "\n== redbox-sim report: " << f.scenario.name << " (seed " << f.scenario.seed << ") ==\n";
    t << "kiosks      " << f.scenario.kiosks << " full kiosks (" << f.inProcess << " in " << f.threads << " threads, "
      << f.scenario.processKiosks << " as processes, " << f.processRestarts << " restart(s)); all synced in "
      << QString::number(n(f.bootAllMs) / 1000.0, 'f', 1) << " s\n";
    t << "visits      " << s.visits << " (" << s.rentVisits << " to rent (" << s.walkUpVisits << " walk-up cards, " << s.promoTries
      << " promo codes typed, " << s.promoApplied << " granted, " << s.bought << " of " << s.buyTries << " discs bought, " << s.lostAnswers
      << " with a device answer lost), " << s.returnVisits << " to return, " << s.unknownCardVisits << " unknown cards, " << s.lateReturns
      << " returned days late, " << f.days.kept.size() << " kept at the end, " << s.carriedAway << " discs carried elsewhere, "
      << h.stuckVisits << " stuck)\n";
    t << "rentals     " << h.rentOk << " online, " << h.rentOffline << " offline, " << h.rentFailed << " refused, " << h.rentUnknown
      << " unknown; " << h.dispensed << " discs dispensed, " << h.voids << " voids\n";
    t << "returns     " << h.returnOk << " online, " << h.returnOffline << " offline, " << h.returnFailed << " refused\n";
    t << "escalations " << h.escalations << " of " << h.lookups << " card lookups\n";
    t << "latency     rental online  " << ms(at(report, "rental_latency_ms", "online")) << " ms\n";
    t << "            rental offline " << ms(at(report, "rental_latency_ms", "offline")) << " ms\n";
    t << "            event-loop lag (a kiosk thread's 50 ms timer) " << ms(at(report, "event_loop_lag_ms")) << " ms\n";
    t << "delay       to coast " << ms(at(report, "delay_to_coast_ms")) << " ms\n";
    t << "            to HQ    " << ms(at(report, "delay_to_hq_ms")) << " ms\n";
    t << "outbox peak " << f.kioskOutboxPeak << " in one kiosk; " << f.hopPeak << " hops undelivered network-wide\n";
    for (const auto &v : f.faults) {
        const QJsonObject o = v.toObject();
        t << "fault       " << QString::number(o.value(QStringLiteral("at_s")).toDouble(), 'f', 1) << " s "
          << o.value(QStringLiteral("kind")).toString() << " " << o.value(QStringLiteral("target")).toString() << ": "
          << o.value(QStringLiteral("note")).toString();
        auto seconds = [&](const char *key, const char *words) {
            if (o.contains(QLatin1String(key)))
                t << "; " << words << " " << QString::number(o.value(QLatin1String(key)).toDouble(), 'f', 1) << " s";
        };
        seconds("new_primary_after_s", "new primary after");
        seconds("next_committed_rental_after_s", "next committed rental after");
        seconds("healed_at_s", "healed at");
        t << "\n";
    }
    t << "invariants\n";
    for (const auto &c : f.invariants.counts)
        t << "  " << (c.second == 0 ? "ok   " : "FAIL ") << c.first << " = " << c.second << "\n";
    for (const QString &d : f.invariants.details)
        t << "  - " << d << "\n";
    for (const QString &note : f.notes)
        t << "note: " << note << "\n";
    t << "report " << reportPath << "; every call in " << f.historyPath << "\n";
    t.flush();
    return text;
}

}   // namespace redbox::sim
