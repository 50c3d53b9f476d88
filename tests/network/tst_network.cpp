// The DVD network as the deploy tool made it: partition routing, the red
// box's vertical partition, synchronous replication, and who may connect how.
#include "testnetwork.h"

#include "core/cards.h"
#include "crypto/crypto.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;
using namespace std::chrono_literals;
using test::TestNetwork;

class TestNetworkShape : public QObject {
    Q_OBJECT

    TestNetwork &net = TestNetwork::get();

    // Registers a member at HQ in STATE; returns the coast HQ routed them to.
    QString registerMember(qint64 id, const QString &state)
    {
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        hq.exec("SET ROLE redbox_owner");
        const QString card = memberCardNumber(id);
        const pg::Result r = hq.exec("SELECT redbox.register_member($1, 'Test', 'Member', NULL, '1 Test Way', '73301', 'Austin', $2, NULL, "
                                     "$3, $4, 1, $5, $6, $7)",
                                     {id, state, QStringLiteral("test%1@example.com").arg(id),
                                      crypto::hashSecret(QStringLiteral("pw"), 1000), net.cardHash(card), card.right(4),
                                      crypto::hashSecret(QStringLiteral("1234"), 1000)});
        return r.text(0, 0);
    }

    QString partitionOf(const QString &coastNode, qint64 id)
    {
        pg::Connection c = net.connect(coastNode);
        const pg::Result r = c.exec("SELECT tableoid::regclass::text FROM redbox.member_partitioned WHERE member_id = $1", {id});
        return r.rows() ? r.text(0, 0) : QString();
    }

private slots:
    void texasMemberLandsInWestMember()
    {
        const qint64 id = 900001;
        QCOMPARE(registerMember(id, QStringLiteral("Texas")), QStringLiteral("west"));
        QVERIFY(TestNetwork::waitFor([&] { return partitionOf(QStringLiteral("west"), id) == QLatin1String("redbox.west_member"); }, 30s));
        QVERIFY(partitionOf(QStringLiteral("east"), id).isEmpty());
        // ...and its membership status reaches both west red boxes (paper: vertical partition).
        for (const QString &rb : {QStringLiteral("west-rb1"), QStringLiteral("west-rb2")}) {
            QVERIFY2(TestNetwork::waitFor(
                         [&] {
                             pg::Connection c = net.connect(rb);
                             return c.exec("SELECT 1 FROM redbox.membershipstatus WHERE member_id = $1", {id}).rows() == 1;
                         },
                         30s),
                     qPrintable(rb));
        }
    }

    void floridaMemberLandsInEastMember()
    {
        const qint64 id = 900002;
        QCOMPARE(registerMember(id, QStringLiteral("Florida")), QStringLiteral("east"));
        QVERIFY(TestNetwork::waitFor([&] { return partitionOf(QStringLiteral("east"), id) == QLatin1String("redbox.east_member"); }, 30s));
        QVERIFY(partitionOf(QStringLiteral("west"), id).isEmpty());
    }

    void unmappedStateIsRefusedAndNothingWritten()
    {
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        const qint64 before = hq.exec("SELECT count(*) FROM redbox.member").int64(0, 0);
        try {
            registerMember(900003, QStringLiteral("Puerto Rico"));
            QFAIL("an unmapped state was accepted");
        } catch (const pg::DbError &e) {
            QVERIFY(e.code() == RedboxError::StateNotMapped);
            QVERIFY2(e.message().contains(QLatin1String("not mapped to a coast")), qPrintable(e.message()));
        }
        QCOMPARE(hq.exec("SELECT count(*) FROM redbox.member").int64(0, 0), before);
        // At a coast, the partitioned table itself has no partition for it either.
        pg::Connection west = net.connect(QStringLiteral("west"));
        try {
            west.exec("INSERT INTO redbox.member_partitioned (member_id, member_first_name, member_last_name, "
                      "member_address_id, member_email, member_password_hash, membership_id, member_since_date, "
                      "zipcode_id, zipcode, state_name, card_hash, card_last4, pin_hash) VALUES (900003, 'a', 'b', 1, "
                      "'e', 'pbkdf2-sha256$x', 1, now(), 1, '00000', 'Puerto Rico', repeat('a', 64), '0000', "
                      "'pbkdf2-sha256$x')");
            QFAIL("the coast accepted a member of an unmapped state");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("no partition")), qPrintable(e.message()));
        }
    }

    void everyStateMapsToExactlyOneCoast()
    {
        pg::Connection hq = net.connect(QStringLiteral("hq"));
        QCOMPARE(hq.exec("SELECT count(*) FROM redbox.state").int64(0, 0), 51);
        QCOMPARE(hq.exec("SELECT string_agg(state_name, ',' ORDER BY state_name) FROM redbox.state WHERE coast = 'west' "
                         "AND state_name IN ('California','Texas')")
                     .text(0, 0),
                 QStringLiteral("California,Texas"));
        QCOMPARE(hq.exec("SELECT count(*) FROM redbox.state WHERE coast = 'east' AND state_name IN ('Delaware','Florida',"
                         "'Georgia','Iowa','New Jersey','New York','Maryland','Pennsylvania')")
                     .int64(0, 0),
                 8);
    }

    void redBoxesHoldNoPrivateColumns()
    {
        static const QRegularExpression privateName(
            QStringLiteral("(first_name|last_name|address|email|phone|password|card_number|card_last4|card_token|token|"
                           "cvv|pan|zipcode|city|birth)"));
        for (const QString &rb : net.nodes(QStringLiteral("redbox"))) {
            pg::Connection c = net.connect(rb);
            const pg::Result r = c.exec("SELECT table_name, column_name FROM information_schema.columns "
                                        "WHERE table_schema = 'redbox'");
            QVERIFY(r.rows() > 20);
            for (int i = 0; i < r.rows(); ++i) {
                const QString col = r.text(i, 1);
                QVERIFY2(!privateName.match(col).hasMatch(), qPrintable(QStringLiteral("%1 holds %2.%3").arg(rb, r.text(i, 0), col)));
            }
            // No member or payment tables at all.
            QCOMPARE(c.exec("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'redbox' AND "
                            "table_name IN ('member', 'member_partitioned', 'payment', 'zipcode', 'city')")
                         .int64(0, 0),
                     0);
        }
        // The coast, by contrast, does have them (the test above can fail).
        pg::Connection west = net.connect(QStringLiteral("west"));
        QVERIFY(west.exec("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'redbox' "
                          "AND column_name = 'member_email'")
                    .int64(0, 0) > 0);
    }

    void everyPrimaryHasASynchronousStandby()
    {
        for (const QString &node : net.nodes()) {
            const QString primary = net.primaryOf(node);
            QVERIFY2(!primary.isEmpty(), qPrintable(node));
            pg::Connection c = pg::Connection::open(net.serverConninfo(primary, QStringLiteral("postgres")));
            const pg::Result r = c.exec("SELECT application_name, sync_state, state FROM pg_stat_replication");
            QCOMPARE(r.rows(), 1);
            QCOMPARE(r.text(0, 1), QStringLiteral("sync"));
            QCOMPARE(r.text(0, 2), QStringLiteral("streaming"));
            QVERIFY(c.exec("SHOW synchronous_standby_names").text(0, 0).contains(r.text(0, 0)));
        }
    }

    void committedRowIsReadableOnTheStandby()
    {
        const QString node = QStringLiteral("west-rb2");
        const QString primary = net.primaryOf(node);
        QString standby;
        for (const QString &s : net.servers(node))
            if (s != primary)
                standby = s;
        pg::Connection p = pg::Connection::open(net.serverConninfo(primary, QStringLiteral("postgres")));
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        p.exec("INSERT INTO redbox.audit_log (audit_id, at, node_name, action) VALUES ($1, now(), 'test', 'replication-check')", {id},
               true);
        pg::Connection s = pg::Connection::open(net.serverConninfo(standby, QStringLiteral("postgres")));
        QVERIFY(s.exec("SELECT pg_is_in_recovery()").boolean(0, 0));
        QVERIFY(
            TestNetwork::waitFor([&] { return s.exec("SELECT 1 FROM redbox.audit_log WHERE audit_id = $1", {id}).rows() == 1; }, 5s, 20ms));
        try {
            s.exec("DELETE FROM redbox.audit_log WHERE audit_id = $1", {id}, true);
            QFAIL("the standby accepted a write");
        } catch (const pg::DbError &e) {
            QCOMPARE(e.kind(), pg::ErrorKind::ReadOnly);
        }
    }

    void pgHbaHasOnlyPeerScramAndReject()
    {
        for (const QString &node : net.nodes())
            for (const QString &hp : net.servers(node)) {
                pg::Connection c = pg::Connection::open(net.serverConninfo(hp, QStringLiteral("postgres")));
                const pg::Result r = c.exec("SELECT type, auth_method, coalesce(error, '') FROM pg_hba_file_rules");
                QVERIFY(r.rows() > 3);
                for (int i = 0; i < r.rows(); ++i) {
                    const QString type = r.text(i, 0), method = r.text(i, 1);
                    QVERIFY2(r.text(i, 2).isEmpty(), qPrintable(r.text(i, 2)));
                    if (type == QLatin1String("local"))
                        QCOMPARE(method, QStringLiteral("peer"));
                    else if (type == QLatin1String("hostssl"))
                        QCOMPARE(method, QStringLiteral("scram-sha-256"));
                    else
                        QVERIFY2(type == QLatin1String("hostnossl") && method == QLatin1String("reject"),
                                 qPrintable(QStringLiteral("%1: %2 %3").arg(hp, type, method)));
                }
                QCOMPARE(c.exec("SHOW password_encryption").text(0, 0), QStringLiteral("scram-sha-256"));
                QCOMPARE(c.exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").boolean(0, 0), true);
            }
    }

    void connectionWithoutTlsIsRefused()
    {
        const QString hp = net.primaryOf(QStringLiteral("west-rb1"));
        try {
            pg::Connection::open(QStringLiteral("host=%1 port=%2 dbname=redbox user=kiosk passfile=%3 sslmode=disable")
                                     .arg(hp.section(QLatin1Char(':'), 0, 0), hp.section(QLatin1Char(':'), 1, 1),
                                          net.stateDir() + QStringLiteral("/secrets/kiosk.pgpass")));
            QFAIL("a connection without TLS was accepted");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("no encryption")) || e.message().contains(QLatin1String("reject")),
                     qPrintable(e.message()));
        }
    }

    void wrongPasswordIsRefused()
    {
        const QString hp = net.primaryOf(QStringLiteral("west-rb1"));
        try {
            pg::Connection::open(QStringLiteral("host=%1 port=%2 dbname=redbox user=kiosk password=not-the-password "
                                                "sslmode=verify-full sslrootcert=%3")
                                     .arg(hp.section(QLatin1Char(':'), 0, 0), hp.section(QLatin1Char(':'), 1, 1), net.caFile()));
            QFAIL("a wrong password was accepted");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("password authentication failed")), qPrintable(e.message()));
        }
    }

    void serverWithACertificateFromAnotherCaIsRefused()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("other-ca.crt"));
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                                    QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                    QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=Another CA"),
                                    QStringLiteral("-keyout"), dir.filePath(QStringLiteral("k")), QStringLiteral("-out"), ca}),
                 0);
        const QString hp = net.primaryOf(QStringLiteral("west-rb1"));
        try {
            pg::Connection::open(net.serverConninfo(hp, QStringLiteral("postgres")).replace(net.caFile(), ca));
            QFAIL("a server certificate from another CA was trusted");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("certificate verify failed")), qPrintable(e.message()));
        }
        // And a host name the certificate does not carry is refused (verify-full, not verify-ca).
        try {
            pg::Connection::open(QStringLiteral("host=wrong.example.test hostaddr=%1 port=%2 dbname=redbox user=postgres "
                                                "passfile=%3 sslmode=verify-full sslrootcert=%4")
                                     .arg(hp.section(QLatin1Char(':'), 0, 0), hp.section(QLatin1Char(':'), 1, 1),
                                          net.passfile(QStringLiteral("postgres")), net.caFile()));
            QFAIL("a certificate for another host name was accepted");
        } catch (const pg::DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("does not match host name")), qPrintable(e.message()));
        }
    }

    void eachRoleMayOnlyRunItsFunctions()
    {
        pg::Connection kiosk = pg::Connection::open(net.kioskConninfo(net.kioskId(QStringLiteral("west-rb1"))));
        for (const char *sql :
             {"SELECT count(*) FROM redbox.dvd", "SELECT count(*) FROM redbox.membershipstatus", "UPDATE redbox.dvd SET status = 'in'",
              "SELECT * FROM redbox.forward_batch('west', 1)", "SELECT * FROM redbox.apply_events('[]')",
              "SELECT ext.dblink_get_connections()", "CREATE TABLE redbox.x (a int)"}) {
            try {
                kiosk.exec(sql);
                QFAIL(sql);
            } catch (const pg::DbError &e) {
                QVERIFY2(e.kind() == pg::ErrorKind::Permission, qPrintable(QString::fromLatin1(sql) + QLatin1String(": ") + e.message()));
            }
        }
        QCOMPARE(kiosk.exec("SELECT node_name FROM redbox.kiosk_health()").text(0, 0), QStringLiteral("west-rb1"));
        pg::Connection fw = net.connect(QStringLiteral("west-rb1"), QStringLiteral("forwarder"));
        try {
            fw.exec("SELECT * FROM redbox.kiosk_member(repeat('a', 64))");
            QFAIL("the forwarder may run kiosk functions");
        } catch (const pg::DbError &e) {
            QCOMPARE(e.kind(), pg::ErrorKind::Permission);
        }
        // Every SECURITY DEFINER function fixes its search_path.
        pg::Connection admin = net.connect(QStringLiteral("west-rb1"));
        QCOMPARE(admin
                     .exec("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                           "WHERE n.nspname = 'redbox' AND p.prosecdef AND NOT EXISTS "
                           "(SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')")
                     .int64(0, 0),
                 0);
    }

    void upAgainIsANoOp()
    {
        pg::Connection before = net.connect(QStringLiteral("west"));
        const qint64 applied = before.exec("SELECT count(*) FROM redbox_meta.schema_migrations").int64(0, 0);
        QVERIFY(applied >= 2);   // common foundation + the coast's own, at least
        QString out;
        QCOMPARE(net.tool({QStringLiteral("up"), QStringLiteral("--forwarder"), qEnvironmentVariable("REDBOX_FORWARDER")}, &out), 0);
        QVERIFY2(out.count(QStringLiteral("up to date")) == 7, qPrintable(out));
        QVERIFY2(!out.contains(QLatin1String("data      hq")), qPrintable(out));   // data not loaded twice
        pg::Connection c = net.connect(QStringLiteral("west"));
        QCOMPARE(c.exec("SELECT count(*) FROM redbox_meta.schema_migrations").int64(0, 0), applied);
    }

    void statusShowsEveryServer()
    {
        QString out;
        QCOMPARE(net.tool({QStringLiteral("status")}, &out), 0);
        QCOMPARE(out.count(QStringLiteral(" primary ")), 7);
        QCOMPARE(out.count(QStringLiteral(" standby ")), 7);
        QCOMPARE(out.count(QStringLiteral(" sync ")), 7);
        QVERIFY2(out.contains(QLatin1String("HOPS PENDING")), qPrintable(out));

        // Watched: the same picture drawn again in place, every second, here twice.
        QString watched;
        QCOMPARE(net.tool({QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("1"), QStringLiteral("--count"),
                           QStringLiteral("2")},
                          &watched),
                 0);
        QCOMPARE(watched.count(QStringLiteral("\033[H\033[2J")), 2);
        QCOMPARE(watched.count(QStringLiteral("HOPS PENDING")), 2);
        QCOMPARE(watched.count(QStringLiteral(" primary ")), 14);
        QVERIFY(net.tool({QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("0")}) != 0);
        QVERIFY(net.tool({QStringLiteral("status"), QStringLiteral("--watch"), QStringLiteral("1"), QStringLiteral("--json")}) != 0);
    }
};

QTEST_GUILESS_MAIN(TestNetworkShape)
#include "tst_network.moc"
