// The invariants after a simulator run (see invariants.h).
#include "sim/invariants.h"

#include "payments/acquirerclient.h"

#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QSslCertificate>

namespace redbox::sim {

namespace {

QString uuidArray(const QList<QUuid> &ids)
{
    QStringList s;
    s.reserve(ids.size());
    for (const QUuid &id : ids)
        s << id.toString(QUuid::WithoutBraces);
    return QLatin1Char('{') + s.join(QLatin1Char(',')) + QLatin1Char('}');
}

qint64 scalar(pg::Connection &c, const char *sql)
{
    return c.exec(sql).int64(0, 0);
}

// The money, when the network takes payments: once the coasts' requests have gone out (a
// while after the run), every charge equals the acquirer's ledger to the cent, nothing was
// captured beyond what its rental cost, and every failed dispense's hold was released.
void checkMoney(const NetworkState &net, InvariantReport &rep, qint64 &leftover)
{
    const AcquirerRef acq = net.acquirer();
    if (acq.url.isEmpty())
        return;
    const QStringList coasts = net.nodes(QStringLiteral("coast"));
    const auto inFlight = [&] {
        qint64 n = 0;
        for (const QString &coast : coasts) {
            pg::Connection c = net.connect(coast);
            n += scalar(c, "SELECT count(*) FROM redbox.processor_request WHERE state IN ('queued', 'in_doubt')");
        }
        return n;
    };
    NetworkState::waitFor([&] { return inFlight() == 0; }, std::chrono::seconds(120));
    const qint64 flying = inFlight();
    if (flying > 0)
        rep.details << QStringLiteral("%1 request(s) to the acquirer still in flight").arg(flying);
    leftover += flying;

    QFile keyFile(acq.apiKeyFile);
    payments::AcquirerClient client({QUrl(acq.url), QSslCertificate::fromPath(net.caFile()),
                                     keyFile.open(QIODevice::ReadOnly) ? keyFile.readAll().trimmed() : QByteArray()});
    const std::optional<QJsonArray> ledger = client.ledger(std::chrono::seconds(30));
    QHash<QString, QJsonObject> theirs;
    for (const QJsonValue v : ledger.value_or(QJsonArray()))
        theirs.insert(v.toObject().value(QStringLiteral("key")).toString(), v.toObject());
    static const QHash<QString, QString> status{{QStringLiteral("open"), QStringLiteral("held")},
                                                {QStringLiteral("captured"), QStringLiteral("captured")},
                                                {QStringLiteral("voided"), QStringLiteral("voided")}};
    qint64 disagree = ledger ? 0 : 1, overCaptured = 0, holdsKept = 0, keptUncaptured = 0;
    if (!ledger)
        rep.details << QStringLiteral("the acquirer's ledger could not be read at %1").arg(acq.url);
    QSet<QString> ours;
    for (const QString &coast : coasts) {
        pg::Connection c = net.connect(coast);
        const pg::Result r = c.exec("SELECT auth_key, coalesce(auth_ref, ''), state, held_cents, captured_cents, refunded_cents, in_flight "
                                    "FROM redbox.charge_ledger()");
        for (int i = 0; i < r.rows() && ledger; ++i) {
            const QString key = r.text(i, 0);
            ours.insert(key);
            if (r.boolean(i, 6))
                continue;   // counted above
            const QJsonObject a = theirs.value(key);
            const bool same = a.value(QStringLiteral("auth_id")).toString() == r.text(i, 1) &&
                              a.value(QStringLiteral("status")).toString() == status.value(r.text(i, 2)) &&
                              a.value(QStringLiteral("held_cents")).toInteger() == r.int64(i, 3) &&
                              a.value(QStringLiteral("captured_cents")).toInteger() == r.int64(i, 4) &&
                              a.value(QStringLiteral("refunded_cents")).toInteger() == r.int64(i, 5);
            if (!same && ++disagree <= 5)
                rep.details << QStringLiteral("%1: %2 is %3 (held %4, captured %5) here, not so at the acquirer")
                                   .arg(coast, key, r.text(i, 2), r.text(i, 3), r.text(i, 4));
        }
        overCaptured += scalar(c, "SELECT count(*) FROM redbox.charge ch JOIN redbox.rental r USING (rental_id) "
                                  "WHERE ch.captured_cents > redbox.rental_due_cents(r, now())");
        holdsKept += scalar(c, "SELECT count(*) FROM redbox.charge ch JOIN redbox.rental r USING (rental_id) "
                               "WHERE r.status = 'void' AND (ch.held_cents > 0 OR ch.captured_cents > 0)");
        // A disc bought, or kept after its last night, is captured once nothing is in flight.
        keptUncaptured += scalar(c, "SELECT count(*) FROM redbox.charge ch JOIN redbox.rental r USING (rental_id) "
                                    "WHERE r.status = 'kept' AND ch.state NOT IN ('captured', 'declined') "
                                    "AND NOT EXISTS (SELECT 1 FROM redbox.processor_request q WHERE q.charge_id = ch.charge_id "
                                    "AND q.state IN ('queued', 'in_doubt'))");
    }
    for (auto it = theirs.cbegin(); it != theirs.cend() && ledger; ++it)
        if (!ours.contains(it.key()) && ++disagree <= 10)
            rep.details << QStringLiteral("the acquirer holds %1, which no coast asked for").arg(it.key());
    rep.counts << qMakePair(QStringLiteral("money_ledgers_disagree"), disagree);
    rep.counts << qMakePair(QStringLiteral("captured_beyond_the_rental"), overCaptured);
    rep.counts << qMakePair(QStringLiteral("failed_dispense_holds_kept"), holdsKept);
    rep.counts << qMakePair(QStringLiteral("kept_discs_not_captured"), keptUncaptured);
}

// Days that passed (timemachine.h): every disc kept is kept wherever its rental is, after
// exactly its plan's maximum period and out of stock; every late return paid its nights.
void checkDays(const NetworkState &net, const DaysPassed &days, InvariantReport &rep)
{
    qint64 notKept = 0;
    const QString kept = uuidArray(days.kept);
    for (const QString &node : net.nodes()) {
        pg::Connection c = net.connect(node);
        const pg::Result r = c.exec("SELECT r.rental_id, r.status, r.nights, r.max_nights, coalesce(d.status, 'gone') "
                                    "FROM redbox.rental r LEFT JOIN redbox.dvd d USING (barcode) "
                                    "WHERE r.rental_id = ANY($1::uuid[]) AND (r.status <> 'kept' OR r.nights IS DISTINCT FROM r.max_nights "
                                    "OR d.status IN ('in', 'out'))",
                                    {kept});
        notKept += r.rows();
        for (int i = 0; i < r.rows() && i < 5; ++i)
            rep.details << QStringLiteral("kept rental %1 at %2 is %3 after %4 of %5 nights, its disc %6")
                               .arg(r.text(i, 0), node, r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4));
    }
    rep.counts << qMakePair(QStringLiteral("kept_not_closed_everywhere"), notKept);

    QStringList ids, nights;
    for (auto it = days.late.cbegin(); it != days.late.cend(); ++it) {
        ids << it.key().toString(QUuid::WithoutBraces);
        nights << QString::number(it.value());
    }
    pg::Connection hq = net.connect(net.nodes(QStringLiteral("hq")).value(0));
    const pg::Result late = hq.exec("SELECT r.rental_id, r.nights, l.days FROM unnest($1::uuid[], $2::int[]) AS l(id, days) "
                                    "JOIN redbox.rental r ON r.rental_id = l.id WHERE r.status = 'returned' AND r.nights < l.days",
                                    {QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}'),
                                     QLatin1Char('{') + nights.join(QLatin1Char(',')) + QLatin1Char('}')});
    for (int i = 0; i < late.rows() && i < 5; ++i)
        rep.details << QStringLiteral("rental %1 came back %2 days late and was charged %3 nights at HQ")
                           .arg(late.text(i, 0), late.text(i, 2), late.text(i, 1));
    rep.counts << qMakePair(QStringLiteral("late_returns_not_charged_their_nights"), static_cast<qint64>(late.rows()));
}

}   // namespace

qint64 InvariantReport::violations() const
{
    qint64 n = 0;
    for (const auto &c : counts)
        n += c.second;
    return n;
}

QJsonObject InvariantReport::toJson() const
{
    QJsonObject o;
    for (const auto &c : counts)
        o.insert(c.first, static_cast<double>(c.second));
    return {{QStringLiteral("counts"), o},
            {QStringLiteral("violations"), static_cast<double>(violations())},
            {QStringLiteral("details"), QJsonArray::fromStringList(details)}};
}

InvariantReport checkInvariants(const NetworkState &net, const QHash<QUuid, RentalTrace> &rentals, const KioskLeftovers &kiosks,
                                const DaysPassed &days)
{
    InvariantReport rep;
    const QString hqNode = net.nodes(QStringLiteral("hq")).value(0);
    pg::Connection hq = net.connect(hqNode);

    // What HQ holds for every rental the kiosks asked for.
    QList<QUuid> ids = rentals.keys();
    QHash<QUuid, QString> atHq;
    const pg::Result r = hq.exec("SELECT rental_id, status FROM redbox.rental WHERE rental_id = ANY($1::uuid[])", {uuidArray(ids)});
    for (int i = 0; i < r.rows(); ++i)
        atHq.insert(r.uuid(i, 0), r.text(i, 1));
    qint64 lost = 0, chargedNoDisc = 0;
    for (auto it = rentals.begin(); it != rentals.end(); ++it) {
        const RentalTrace &t = it.value();
        const QString status = atHq.value(it.key());
        if (t.dispensed && !t.voided) {
            if (status.isEmpty() || status == QLatin1String("void")) {
                ++lost;
                if (lost <= 10)
                    rep.details << QStringLiteral("lost: rental %1 (disc %2 at %3, member %4) is %5 at HQ")
                                       .arg(it.key().toString(QUuid::WithoutBraces), t.barcode, t.kiosk)
                                       .arg(t.memberId)
                                       .arg(status.isEmpty() ? QStringLiteral("missing") : status);
            }
        } else if (!status.isEmpty() && status != QLatin1String("void")) {
            ++chargedNoDisc;
            if (chargedNoDisc <= 10)
                rep.details << QStringLiteral("charged without a disc: rental %1 (disc %2 at %3, last call %4) is %5 at HQ")
                                   .arg(it.key().toString(QUuid::WithoutBraces), t.barcode, t.kiosk, t.phase, status);
        }
    }
    rep.counts << qMakePair(QStringLiteral("confirmed_rentals_lost"), lost);
    rep.counts << qMakePair(QStringLiteral("charged_without_a_disc"), chargedNoDisc);

    // Duplicates: two night charges for one rental (HQ and every coast), two rentals of one disc at one instant.
    qint64 dup = scalar(hq, "SELECT count(*) FROM (SELECT rental_id FROM redbox.payment WHERE kind = 'night' AND NOT voided "
                            "GROUP BY rental_id HAVING count(*) > 1) x") +
                 scalar(hq, "SELECT count(*) FROM (SELECT barcode, rented_at FROM redbox.rental WHERE status <> 'void' "
                            "GROUP BY barcode, rented_at HAVING count(*) > 1) x");
    for (const QString &coast : net.nodes(QStringLiteral("coast"))) {
        pg::Connection c = net.connect(coast);
        dup += scalar(c, "SELECT count(*) FROM (SELECT rental_id FROM redbox.payment WHERE kind = 'night' AND NOT voided "
                         "GROUP BY rental_id HAVING count(*) > 1) x");
    }
    rep.counts << qMakePair(QStringLiteral("duplicated_rentals_or_charges"), dup);

    // A disc out on two rentals, at any node.
    qint64 twice = 0;
    for (const QString &node : net.nodes()) {
        pg::Connection c = net.connect(node);
        const pg::Result d = c.exec(
            "SELECT barcode, count(*) FROM redbox.rental WHERE status = 'open' GROUP BY barcode HAVING count(*) > 1");
        twice += d.rows();
        for (int i = 0; i < d.rows() && i < 5; ++i)
            rep.details << QStringLiteral("disc %1 is out on %2 rentals at %3").arg(d.text(i, 0), d.text(i, 1), node);
    }
    rep.counts << qMakePair(QStringLiteral("discs_out_on_two_rentals"), twice);

    const pg::Result over = hq.exec("SELECT o.rental_id, o.member_id, o.discs_out, o.plan_limit FROM redbox.limit_overshoot o "
                                    "JOIN redbox.rental r USING (rental_id) WHERE NOT r.offline");
    for (int i = 0; i < over.rows() && i < 5; ++i)
        rep.details << QStringLiteral("member %1 over the limit on online rental %2 (%3 of %4)")
                           .arg(over.text(i, 1), over.text(i, 0), over.text(i, 2), over.text(i, 3));
    rep.counts << qMakePair(QStringLiteral("member_limits_exceeded_while_whole"), static_cast<qint64>(over.rows()));

    // A promo discount on a rental is one HQ granted to that very rental.
    const pg::Result promos = hq.exec("SELECT r.rental_id, r.promo_code FROM redbox.rental r WHERE r.discount_cents > 0 AND NOT EXISTS "
                                      "(SELECT 1 FROM redbox.promo_redemption x WHERE x.grant_id = r.promo_grant "
                                      "AND x.rental_id = r.rental_id AND x.cents_off >= r.discount_cents)");
    for (int i = 0; i < promos.rows() && i < 5; ++i)
        rep.details << QStringLiteral("rental %1 has promo %2 off that HQ did not grant it").arg(promos.text(i, 0), promos.text(i, 1));
    rep.counts << qMakePair(QStringLiteral("promo_discounts_not_granted"), static_cast<qint64>(promos.rows()));

    // HQ's reconcile: ledgers (lines 1-4), and what is left over (hops, pending returns).
    hq.exec("SET ROLE redbox_owner");
    const pg::Result rec = hq.exec("SELECT problem FROM redbox.reconcile()");
    hq.exec("RESET ROLE");
    qint64 ledgers = 0, leftover = 0;
    for (int i = 0; i < rec.rows(); ++i) {
        const QString line = rec.text(i, 0);
        if (line.contains(QLatin1String("over the plan limit")))
            continue;   // counted above
        if (line.contains(QLatin1String(" hops undelivered ")) || line.contains(QLatin1String("still waits for its rental")))
            ++leftover;
        else
            ++ledgers;
        if (i < 20)
            rep.details << QStringLiteral("reconcile: ") + line;
    }
    rep.counts << qMakePair(QStringLiteral("ledgers_disagree"), ledgers);

    checkMoney(net, rep, leftover);
    checkDays(net, days, rep);

    // Prepared transactions on every server (the network never prepares; a leftover is a bug).
    for (const QString &node : net.nodes())
        for (const ServerRef &s : net.servers(node)) {
            try {
                pg::Connection c = pg::Connection::open(net.serverConninfo(s.hostPort(), QStringLiteral("postgres")));
                const qint64 n = scalar(c, "SELECT count(*) FROM pg_prepared_xacts");
                if (n > 0)
                    rep.details << QStringLiteral("%1 prepared transaction(s) on %2").arg(n).arg(s.member);
                leftover += n;
            } catch (const pg::DbError &e) {
                rep.details << QStringLiteral("server %1 did not answer: %2").arg(s.member, e.message());
                ++leftover;
            }
        }
    if (kiosks.outbox > 0)
        rep.details << QStringLiteral("%1 action(s) left in kiosks' outboxes").arg(kiosks.outbox);
    if (kiosks.journal > 0)
        rep.details << QStringLiteral("%1 entry(ies) left in kiosks' dispense journals").arg(kiosks.journal);
    leftover += kiosks.outbox + kiosks.journal;
    rep.counts << qMakePair(QStringLiteral("work_left_over"), leftover);
    rep.counts << qMakePair(QStringLiteral("unknown_cards_accepted"), kiosks.unknownAccepted);
    return rep;
}

Delays replicationDelays(const NetworkState &net, const QList<QUuid> &rentalIds)
{
    Delays d;
    const QString ids = uuidArray(rentalIds);
    const char *sql = "SELECT extract(epoch FROM received_at - committed_at) * 1000 FROM redbox.rental "
                      "WHERE rental_id = ANY($1::uuid[]) AND NOT offline";
    pg::Connection hq = net.connect(net.nodes(QStringLiteral("hq")).value(0));
    const pg::Result r = hq.exec(sql, {ids});
    for (int i = 0; i < r.rows(); ++i)
        d.toHq.push_back(r.real(i, 0));
    for (const QString &coast : net.nodes(QStringLiteral("coast"))) {
        pg::Connection c = net.connect(coast);
        const pg::Result rc = c.exec(sql, {ids});
        for (int i = 0; i < rc.rows(); ++i)
            d.toCoast.push_back(rc.real(i, 0));
    }
    return d;
}

}   // namespace redbox::sim
