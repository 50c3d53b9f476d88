// A simulator run's scenario file (see scenario.h).
#include "sim/scenario.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace redbox::sim {

namespace {

[[noreturn]] void fail(const QString &message)
{
    throw ScenarioError(message.toStdString());
}

void onlyKnown(const QJsonObject &o, const QStringList &known, const QString &where)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            fail(QStringLiteral("%1: unknown field \"%2\" (known: %3)").arg(where, it.key(), known.join(QStringLiteral(", "))));
}

double number(const QJsonObject &o, const QString &key, double fallback, double lo, double hi, const QString &where)
{
    if (!o.contains(key))
        return fallback;
    const QJsonValue v = o.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble()))
        fail(QStringLiteral("%1.%2 must be a number").arg(where, key));
    const double d = v.toDouble();
    if (d < lo || d > hi)
        fail(QStringLiteral("%1.%2 must be between %3 and %4 (it is %5)").arg(where, key).arg(lo).arg(hi).arg(d));
    return d;
}

int integer(const QJsonObject &o, const QString &key, int fallback, int lo, int hi, const QString &where)
{
    const double d = number(o, key, fallback, lo, hi, where);
    if (d != std::floor(d))
        fail(QStringLiteral("%1.%2 must be a whole number").arg(where, key));
    return static_cast<int>(d);
}

QString text(const QJsonObject &o, const QString &key, const QString &fallback, const QString &where)
{
    if (!o.contains(key))
        return fallback;
    if (!o.value(key).isString())
        fail(QStringLiteral("%1.%2 must be a string").arg(where, key));
    QString s = o.value(key).toString();
    if (s.size() > 64)
        fail(QStringLiteral("%1.%2 is too long").arg(where, key));
    return s;
}

}   // namespace

const QStringList &Scenario::faultKinds()
{
    static const QStringList kinds{
        QStringLiteral("kill_redbox_primary"), QStringLiteral("stop_coast"), QStringLiteral("stop_hq"),  QStringLiteral("kill_forwarder"),
        QStringLiteral("kill_kiosk"),          QStringLiteral("cut_kiosk"),  QStringLiteral("fill_disk")};
    return kinds;
}

bool Scenario::needs(const QString &kind) const
{
    for (const FaultSpec &f : faults)
        if (f.kind == kind)
            return true;
    return randomFaultsPerMin > 0 && randomFaultKinds.contains(kind);
}

Scenario Scenario::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read the scenario file %1: %2").arg(path, f.errorString()));
    if (f.size() > 1'000'000)
        fail(QStringLiteral("the scenario file %1 is too large").arg(path));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError)
        fail(QStringLiteral("%1 is not valid JSON at offset %2: %3").arg(path).arg(err.offset).arg(err.errorString()));
    if (!doc.isObject())
        fail(QStringLiteral("%1 must hold a JSON object").arg(path));
    return fromJson(doc.object());
}

Scenario Scenario::fromJson(const QJsonObject &o)
{
    const QString top = QStringLiteral("scenario");
    onlyKnown(o,
              {QStringLiteral("name"), QStringLiteral("seed"), QStringLiteral("kiosks"), QStringLiteral("process_kiosks"),
               QStringLiteral("duration_s"), QStringLiteral("drain_timeout_s"), QStringLiteral("arrivals_per_kiosk_per_min"),
               QStringLiteral("think_ms"), QStringLiteral("titles_per_rental"), QStringLiteral("offline_after_ms"),
               QStringLiteral("customers"), QStringLiteral("faults"), QStringLiteral("random_faults"), QStringLiteral("comment")},
              top);
    Scenario s;
    s.name = text(o, QStringLiteral("name"), s.name, top);
    s.seed = static_cast<quint64>(number(o, QStringLiteral("seed"), 1, 0, 9.0e15, top));
    s.kiosks = integer(o, QStringLiteral("kiosks"), s.kiosks, 1, 5000, top);
    s.processKiosks = integer(o, QStringLiteral("process_kiosks"), s.processKiosks, 0, 16, top);
    if (s.processKiosks > s.kiosks)
        fail(QStringLiteral("scenario.process_kiosks (%1) cannot exceed scenario.kiosks (%2)").arg(s.processKiosks).arg(s.kiosks));
    s.durationS = number(o, QStringLiteral("duration_s"), s.durationS, 1, 7 * 24 * 3600, top);
    s.drainTimeoutS = number(o, QStringLiteral("drain_timeout_s"), s.drainTimeoutS, 10, 24 * 3600, top);
    s.arrivalsPerKioskPerMin = number(o, QStringLiteral("arrivals_per_kiosk_per_min"), s.arrivalsPerKioskPerMin, 0.01, 60, top);
    s.thinkMs = integer(o, QStringLiteral("think_ms"), s.thinkMs, 0, 60'000, top);
    s.offlineAfterMs = integer(o, QStringLiteral("offline_after_ms"), s.offlineAfterMs, 500, 120'000, top);
    if (o.contains(QStringLiteral("titles_per_rental"))) {
        const QJsonArray a = o.value(QStringLiteral("titles_per_rental")).toArray();
        if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble())
            fail(QStringLiteral("scenario.titles_per_rental must be [min, max]"));
        s.titlesMin = a[0].toInt();
        s.titlesMax = a[1].toInt();
        if (s.titlesMin < 1 || s.titlesMax < s.titlesMin || s.titlesMax > 6)
            fail(QStringLiteral("scenario.titles_per_rental must satisfy 1 <= min <= max <= 6"));
    }
    if (o.contains(QStringLiteral("customers"))) {
        if (!o.value(QStringLiteral("customers")).isObject())
            fail(QStringLiteral("scenario.customers must be an object"));
        const QJsonObject c = o.value(QStringLiteral("customers")).toObject();
        const QString w = QStringLiteral("scenario.customers");
        onlyKnown(c,
                  {QStringLiteral("returns"), QStringLiteral("return_elsewhere"), QStringLiteral("away"), QStringLiteral("late_return"),
                   QStringLiteral("wrong_pin"), QStringLiteral("unknown_card"), QStringLiteral("jam"), QStringLiteral("declined"),
                   QStringLiteral("walk_up"), QStringLiteral("promo"), QStringLiteral("promo_code"), QStringLiteral("buy"),
                   QStringLiteral("lost_answer"), QStringLiteral("kept")},
                  w);
        s.returns = number(c, QStringLiteral("returns"), s.returns, 0, 1, w);
        s.returnElsewhere = number(c, QStringLiteral("return_elsewhere"), s.returnElsewhere, 0, 1, w);
        s.away = number(c, QStringLiteral("away"), s.away, 0, 1, w);
        s.lateReturn = number(c, QStringLiteral("late_return"), s.lateReturn, 0, 1, w);
        s.wrongPin = number(c, QStringLiteral("wrong_pin"), s.wrongPin, 0, 1, w);
        s.unknownCard = number(c, QStringLiteral("unknown_card"), s.unknownCard, 0, 1, w);
        s.jam = number(c, QStringLiteral("jam"), s.jam, 0, 1, w);
        s.declined = number(c, QStringLiteral("declined"), s.declined, 0, 1, w);
        s.walkUp = number(c, QStringLiteral("walk_up"), s.walkUp, 0, 1, w);
        s.promo = number(c, QStringLiteral("promo"), s.promo, 0, 1, w);
        s.buy = number(c, QStringLiteral("buy"), s.buy, 0, 1, w);
        s.lostAnswer = number(c, QStringLiteral("lost_answer"), s.lostAnswer, 0, 1, w);
        s.kept = number(c, QStringLiteral("kept"), s.kept, 0, 1, w);
        if (c.contains(QStringLiteral("promo_code"))) {
            s.promoCode = c.value(QStringLiteral("promo_code")).toString();
            static const QRegularExpression code(QStringLiteral("^[A-Z0-9]{4,16}$"));
            if (!code.match(s.promoCode).hasMatch())
                fail(QStringLiteral("scenario.customers.promo_code must be 4 to 16 capital letters and digits"));
        }
        if (s.returns + s.unknownCard > 1)
            fail(QStringLiteral("scenario.customers: returns + unknown_card must not exceed 1"));
    }
    if (o.contains(QStringLiteral("faults"))) {
        if (!o.value(QStringLiteral("faults")).isArray())
            fail(QStringLiteral("scenario.faults must be a list"));
        const QJsonArray a = o.value(QStringLiteral("faults")).toArray();
        if (a.size() > 1000)
            fail(QStringLiteral("scenario.faults: at most 1000 faults"));
        for (int i = 0; i < a.size(); ++i) {
            const QString w = QStringLiteral("scenario.faults[%1]").arg(i);
            if (!a[i].isObject())
                fail(w + QStringLiteral(" must be an object"));
            const QJsonObject fo = a[i].toObject();
            onlyKnown(fo, {QStringLiteral("at_s"), QStringLiteral("kind"), QStringLiteral("node"), QStringLiteral("for_s")}, w);
            FaultSpec f;
            if (!fo.contains(QStringLiteral("at_s")) || !fo.contains(QStringLiteral("kind")))
                fail(w + QStringLiteral(" needs at_s and kind"));
            f.atS = number(fo, QStringLiteral("at_s"), 0, 0, s.durationS, w);
            f.kind = text(fo, QStringLiteral("kind"), {}, w);
            if (!faultKinds().contains(f.kind))
                fail(QStringLiteral("%1.kind \"%2\" is not a fault the simulator knows (%3)")
                         .arg(w, f.kind, faultKinds().join(QStringLiteral(", "))));
            f.node = text(fo, QStringLiteral("node"), {}, w);
            f.forS = number(fo, QStringLiteral("for_s"), 0, 0, 3600, w);
            s.faults.append(f);
        }
    }
    if (o.contains(QStringLiteral("random_faults"))) {
        const QJsonObject r = o.value(QStringLiteral("random_faults")).toObject();
        const QString w = QStringLiteral("scenario.random_faults");
        onlyKnown(r, {QStringLiteral("per_min"), QStringLiteral("kinds"), QStringLiteral("for_s")}, w);
        s.randomFaultsPerMin = number(r, QStringLiteral("per_min"), 0, 0, 60, w);
        s.randomFaultForS = number(r, QStringLiteral("for_s"), s.randomFaultForS, 1, 3600, w);
        for (const auto &v : r.value(QStringLiteral("kinds")).toArray()) {
            if (!faultKinds().contains(v.toString()))
                fail(QStringLiteral("%1.kinds: \"%2\" is not a fault the simulator knows").arg(w, v.toString()));
            s.randomFaultKinds << v.toString();
        }
        if (s.randomFaultsPerMin > 0 && s.randomFaultKinds.isEmpty())
            fail(w + QStringLiteral(".kinds must name at least one fault"));
    }
    if ((s.needs(QStringLiteral("kill_kiosk")) || s.needs(QStringLiteral("cut_kiosk"))) && s.processKiosks < 1)
        fail(QStringLiteral("kill_kiosk and cut_kiosk need scenario.process_kiosks >= 1 (kiosks in their own process)"));
    return s;
}

QJsonObject Scenario::toJson() const
{
    QJsonArray faultList;
    for (const FaultSpec &f : faults)
        faultList.append(QJsonObject{{QStringLiteral("at_s"), f.atS},
                                     {QStringLiteral("kind"), f.kind},
                                     {QStringLiteral("node"), f.node},
                                     {QStringLiteral("for_s"), f.forS}});
    return {{QStringLiteral("name"), name},
            {QStringLiteral("seed"), static_cast<double>(seed)},
            {QStringLiteral("kiosks"), kiosks},
            {QStringLiteral("process_kiosks"), processKiosks},
            {QStringLiteral("duration_s"), durationS},
            {QStringLiteral("drain_timeout_s"), drainTimeoutS},
            {QStringLiteral("arrivals_per_kiosk_per_min"), arrivalsPerKioskPerMin},
            {QStringLiteral("think_ms"), thinkMs},
            {QStringLiteral("titles_per_rental"), QJsonArray{titlesMin, titlesMax}},
            {QStringLiteral("offline_after_ms"), offlineAfterMs},
            {QStringLiteral("customers"), QJsonObject{{QStringLiteral("returns"), returns},
                                                      {QStringLiteral("return_elsewhere"), returnElsewhere},
                                                      {QStringLiteral("away"), away},
                                                      {QStringLiteral("late_return"), lateReturn},
                                                      {QStringLiteral("wrong_pin"), wrongPin},
                                                      {QStringLiteral("unknown_card"), unknownCard},
                                                      {QStringLiteral("jam"), jam},
                                                      {QStringLiteral("declined"), declined},
                                                      {QStringLiteral("walk_up"), walkUp},
                                                      {QStringLiteral("promo"), promo},
                                                      {QStringLiteral("promo_code"), promoCode},
                                                      {QStringLiteral("buy"), buy},
                                                      {QStringLiteral("lost_answer"), lostAnswer},
                                                      {QStringLiteral("kept"), kept}}},
            {QStringLiteral("faults"), faultList},
            {QStringLiteral("random_faults"), QJsonObject{{QStringLiteral("per_min"), randomFaultsPerMin},
                                                          {QStringLiteral("kinds"), QJsonArray::fromStringList(randomFaultKinds)},
                                                          {QStringLiteral("for_s"), randomFaultForS}}}};
}

}   // namespace redbox::sim
