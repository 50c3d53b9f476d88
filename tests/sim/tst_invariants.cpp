// The simulator's invariants can fail: after the CI run (sim_short) they are
// all zero on the simulator's network, and each one counts a fault planted
// on purpose (in the run's traces, or in a tier's tables, removed again).
#include "network/networkstate.h"
#include "sim/history.h"
#include "sim/invariants.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;
using namespace redbox::sim;

class TstInvariants : public QObject {
    Q_OBJECT

    std::unique_ptr<NetworkState> m_net;
    std::unique_ptr<History> m_history;
    QTemporaryDir m_tmp;

    qint64 count(const InvariantReport &r, const QString &name)
    {
        for (const auto &c : r.counts)
            if (c.first == name)
                return c.second;
        qFatal("no invariant %s", qPrintable(name));
    }
    // Runs SQL as the administrator on NODE's primary.
    void sql(const QString &node, const char *statement)
    {
        pg::Connection c = m_net->connect(node);
        c.exec(statement, {}, true);
    }

private slots:
    void initTestCase()
    {
        const QString state = QProcessEnvironment::systemEnvironment().value(QStringLiteral("REDBOX_SIM_STATE"));
        QVERIFY2(!state.isEmpty(), "REDBOX_SIM_STATE must be set (ctest sets it)");
        m_net = std::make_unique<NetworkState>(state);
        m_history = History::replay(state + QStringLiteral("/sim/history.jsonl"), m_tmp.filePath(QStringLiteral("h.jsonl")));
        QVERIFY2(m_history->counts().dispensed > 50, "the CI run left a history of rentals");
        QVERIFY(m_net->waitForQuiet(std::chrono::seconds(60)));
    }

    void cleanAfterTheRun()
    {
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        QVERIFY2(r.violations() == 0, qPrintable(r.details.join(QLatin1Char('\n'))));
    }

    void lostAndChargedWithoutDisc()
    {
        QHash<QUuid, RentalTrace> traces = m_history->rentals();
        // A rental the kiosk voided, told as if its disc had come out: lost.
        // A rental whose disc came out, told as if it had not: charged without a disc.
        QUuid voided, dispensed;
        for (auto it = traces.begin(); it != traces.end(); ++it) {
            if (it->voided && !it->dispensed && voided.isNull())
                voided = it.key();
            if (it->dispensed && !it->voided && dispensed.isNull())
                dispensed = it.key();
        }
        QVERIFY2(!voided.isNull() && !dispensed.isNull(), "the run has a voided and a dispensed rental");
        traces[voided].voided = false;
        traces[voided].dispensed = true;
        traces[dispensed].dispensed = false;
        const InvariantReport r = checkInvariants(*m_net, traces, {});
        QCOMPARE(count(r, QStringLiteral("confirmed_rentals_lost")), 1);
        QCOMPARE(count(r, QStringLiteral("charged_without_a_disc")), 1);
    }

    void kioskLeftovers()
    {
        KioskLeftovers left;
        left.outbox = 2;
        left.journal = 1;
        left.unknownAccepted = 1;
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), left);
        QCOMPARE(count(r, QStringLiteral("work_left_over")), 3);
        QCOMPARE(count(r, QStringLiteral("unknown_cards_accepted")), 1);
    }

    void duplicatedChargeAndLedgers()
    {
        sql(QStringLiteral("hq"), "INSERT INTO redbox.payment (payment_id, rental_id, member_id, kind, amount_cents, tax_cents, "
                                  "card_token, card_last4, paid_at) SELECT '00000000-0000-4000-8000-00000000d0d0', rental_id, "
                                  "member_id, kind, amount_cents, tax_cents, card_token, card_last4, paid_at FROM redbox.payment "
                                  "WHERE kind = 'night' AND NOT voided ORDER BY paid_at LIMIT 1");
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(QStringLiteral("hq"), "DELETE FROM redbox.payment WHERE payment_id = '00000000-0000-4000-8000-00000000d0d0'");
        QCOMPARE(count(r, QStringLiteral("duplicated_rentals_or_charges")), 1);
        QVERIFY2(count(r, QStringLiteral("ledgers_disagree")) >= 1, "the member paid more at HQ than at the home coast");
    }

    void discOutTwice()
    {
        // Red boxes cannot hold it (a unique index: one open rental per disc); HQ's table can.
        const QString node = QStringLiteral("hq");
        sql(node, "INSERT INTO redbox.rental SELECT (jsonb_populate_record(NULL::redbox.rental, to_jsonb(r) || jsonb_build_object("
                  "'rental_id', '00000000-0000-4000-8000-00000000d1d1', 'return_id', NULL))).* "
                  "FROM (SELECT * FROM redbox.rental WHERE status = 'open' LIMIT 1) r");
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(node, "DELETE FROM redbox.rental WHERE rental_id = '00000000-0000-4000-8000-00000000d1d1'");
        QCOMPARE(count(r, QStringLiteral("discs_out_on_two_rentals")), 1);
    }

    void limitExceededOnline()
    {
        sql(QStringLiteral("hq"), "INSERT INTO redbox.limit_overshoot (rental_id, member_id, discs_out, plan_limit) "
                                  "SELECT rental_id, member_id, 9, 2 FROM redbox.rental WHERE NOT offline "
                                  "AND rental_id NOT IN (SELECT rental_id FROM redbox.limit_overshoot) LIMIT 1");
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(QStringLiteral("hq"), "DELETE FROM redbox.limit_overshoot WHERE discs_out = 9 AND plan_limit = 2");
        QCOMPARE(count(r, QStringLiteral("member_limits_exceeded_while_whole")), 1);
    }

    // The run's customers typed promo codes, and HQ granted every discount a rental has; a
    // discount HQ never granted is counted.
    void aPromoDiscountHqDidNotGrant()
    {
        const QString hq = QStringLiteral("hq");
        QVERIFY2(m_net->connect(hq).exec("SELECT count(*) FROM redbox.rental WHERE discount_cents > 0").int64(0, 0) > 0,
                 "the run rented nothing with a promo code");
        sql(hq, "UPDATE redbox.rental SET discount_cents = 1, promo_code = 'PLANTED1', promo_grant = gen_random_uuid() "
                "WHERE rental_id = (SELECT rental_id FROM redbox.rental WHERE discount_cents = 0 ORDER BY rental_id LIMIT 1)");
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(hq, "UPDATE redbox.rental SET discount_cents = 0, promo_code = NULL, promo_grant = NULL WHERE promo_code = 'PLANTED1'");
        QCOMPARE(count(r, QStringLiteral("promo_discounts_not_granted")), 1);
    }

    // The money: a capture that differs from the acquirer's by a cent, and a failed dispense
    // whose hold was not given back.
    void moneyThatDisagreesWithTheAcquirer()
    {
        QVERIFY2(!m_net->acquirer().url.isEmpty(), "the simulator's network takes payments");
        const QString west = QStringLiteral("west");
        sql(west, "UPDATE redbox.charge SET captured_cents = captured_cents + 1 WHERE charge_id = "
                  "(SELECT charge_id FROM redbox.charge WHERE state = 'captured' ORDER BY charge_id LIMIT 1)");
        InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(west, "UPDATE redbox.charge SET captured_cents = captured_cents - 1 WHERE charge_id = "
                  "(SELECT charge_id FROM redbox.charge WHERE state = 'captured' ORDER BY charge_id LIMIT 1)");
        QCOMPARE(count(r, QStringLiteral("money_ledgers_disagree")), 1);
        QCOMPARE(count(r, QStringLiteral("captured_beyond_the_rental")), 1);

        // A failed dispense whose hold was taken and released, at whichever coast the run made one.
        const char *released = "SELECT count(*) FROM redbox.charge c JOIN redbox.rental x USING (rental_id) "
                               "WHERE x.status = 'void' AND c.state = 'voided'";
        QString coast;
        for (const QString &c : {west, QStringLiteral("east")})
            if (coast.isEmpty() && m_net->connect(c).exec(released).int64(0, 0) > 0)
                coast = c;
        QVERIFY2(!coast.isEmpty(), "the run voided no rental whose hold a coast had taken (and released)");
        sql(coast, "UPDATE redbox.charge c SET held_cents = 100 FROM redbox.rental x WHERE x.rental_id = c.rental_id "
                   "AND x.status = 'void' AND c.charge_id = (SELECT c2.charge_id FROM redbox.charge c2 JOIN redbox.rental x2 "
                   "USING (rental_id) WHERE x2.status = 'void' AND c2.state = 'voided' ORDER BY c2.charge_id LIMIT 1)");
        r = checkInvariants(*m_net, m_history->rentals(), {});
        sql(coast, "UPDATE redbox.charge c SET held_cents = 0 FROM redbox.rental x WHERE x.rental_id = c.rental_id "
                   "AND x.status = 'void' AND c.state = 'voided' AND c.held_cents = 100");
        QCOMPARE(count(r, QStringLiteral("failed_dispense_holds_kept")), 1);
    }

    // Days that passed: the run kept some discs, and they are kept everywhere; a disc told as
    // kept that is still out is counted at every node holding it. A rental told as returned a
    // night later than it was charged is counted.
    void keptAndLateAsTheDaysPassed()
    {
        pg::Connection hq = m_net->connect(QStringLiteral("hq"));
        QStringList ids;
        for (const QUuid &id : m_history->rentals().keys())
            ids << id.toString(QUuid::WithoutBraces);
        const QString run = QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}');
        const auto first = [&](const char *where) {
            const pg::Result r = hq.exec(
                QByteArray("SELECT rental_id, coalesce(nights, 0) FROM redbox.rental WHERE rental_id = ANY($1::uuid[]) "
                           "AND NOT purchase AND ") +
                    where + " ORDER BY rental_id LIMIT 1",
                {run});
            return r.rows() ? std::pair{r.uuid(0, 0), static_cast<int>(r.int64(0, 1))} : std::pair{QUuid(), 0};
        };
        const auto [kept, keptNights] = first("status = 'kept'");
        const auto [open, zero] = first("status = 'open'");
        const auto [returned, nights] = first("status = 'returned'");
        Q_UNUSED(keptNights);
        Q_UNUSED(zero);
        QVERIFY2(!kept.isNull(), "the run kept no disc (its scenario's \"kept\" share)");
        QVERIFY2(!open.isNull() && !returned.isNull(), "the run left a disc out and had one returned");

        DaysPassed days;
        days.kept = {kept};
        days.late.insert(returned, nights);
        InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {}, days);
        QCOMPARE(count(r, QStringLiteral("kept_not_closed_everywhere")), 0);
        QCOMPARE(count(r, QStringLiteral("late_returns_not_charged_their_nights")), 0);

        days.kept = {open};
        days.late.insert(returned, nights + 1);
        r = checkInvariants(*m_net, m_history->rentals(), {}, days);
        QVERIFY2(count(r, QStringLiteral("kept_not_closed_everywhere")) >= 3, "open at its red box, its coast and HQ");
        QCOMPARE(count(r, QStringLiteral("late_returns_not_charged_their_nights")), 1);
    }

    void cleanAgain()
    {
        const InvariantReport r = checkInvariants(*m_net, m_history->rentals(), {});
        QVERIFY2(r.violations() == 0, qPrintable(r.details.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TstInvariants)
#include "tst_invariants.moc"
