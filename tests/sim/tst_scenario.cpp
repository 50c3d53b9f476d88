// The simulator's scenario files (every field checked, clear errors) and the
// dealing of members to kiosks (each member at one kiosk, travelers across
// the coasts, the same deal for the same seed).
#include "sim/scenario.h"
#include "sim/world.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox::sim;

class TstScenario : public QObject {
    Q_OBJECT

    static QString error(const QJsonObject &o)
    {
        try {
            Scenario::fromJson(o);
        } catch (const ScenarioError &e) {
            return QString::fromUtf8(e.what());
        }
        return {};
    }

private slots:
    void shippedScenariosLoad()
    {
        for (const char *name : {"ci-short.json", "fleet.json", "failover20.json"}) {
            const Scenario s = Scenario::load(QStringLiteral(REDBOX_SIM_SCENARIOS "/") + QLatin1String(name));
            QVERIFY(s.kiosks >= 1);
            QVERIFY(s.durationS > 0);
        }
        const Scenario ci = Scenario::load(QStringLiteral(REDBOX_SIM_SCENARIOS "/ci-short.json"));
        QVERIFY2(ci.kiosks >= 50, "the CI profile runs at least 50 full kiosks");
        for (const char *kind : {"kill_redbox_primary", "stop_coast", "kill_kiosk"})
            QVERIFY2(ci.needs(QLatin1String(kind)), kind);
    }

    void roundTrip()
    {
        const Scenario s = Scenario::load(QStringLiteral(REDBOX_SIM_SCENARIOS "/ci-short.json"));
        const Scenario again = Scenario::fromJson(s.toJson());
        QCOMPARE(again.toJson(), s.toJson());
    }

    void badScenarios_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field") << QByteArray(R"({"kioskz": 3})") << "unknown field \"kioskz\"";
        QTest::newRow("share above 1") << QByteArray(R"({"customers": {"jam": 1.5}})") << "scenario.customers.jam must be between 0 and 1";
        QTest::newRow("share not a number") << QByteArray(R"({"customers": {"away": "lots"}})")
                                            << "scenario.customers.away must be a number";
        QTest::newRow("unknown customer field") << QByteArray(R"({"customers": {"robbers": 0.1}})") << "unknown field \"robbers\"";
        QTest::newRow("no kiosks") << QByteArray(R"({"kiosks": 0})") << "scenario.kiosks must be between 1 and 5000";
        QTest::newRow("fractional kiosks") << QByteArray(R"({"kiosks": 2.5})") << "scenario.kiosks must be a whole number";
        QTest::newRow("processes exceed kiosks") << QByteArray(R"({"kiosks": 1, "process_kiosks": 2})") << "cannot exceed";
        QTest::newRow("unknown fault") << QByteArray(R"({"faults": [{"at_s": 1, "kind": "meteor"}]})") << "\"meteor\" is not a fault";
        QTest::newRow("fault after the run") << QByteArray(R"({"duration_s": 10, "faults": [{"at_s": 20, "kind": "stop_hq"}]})")
                                             << "scenario.faults[0].at_s must be between 0 and 10";
        QTest::newRow("fault without a time") << QByteArray(R"({"faults": [{"kind": "stop_hq"}]})") << "needs at_s and kind";
        QTest::newRow("kill without a process")
            << QByteArray(R"({"faults": [{"at_s": 1, "kind": "kill_kiosk"}]})") << "need scenario.process_kiosks >= 1";
        QTest::newRow("titles range") << QByteArray(R"({"titles_per_rental": [3, 1]})") << "1 <= min <= max <= 6";
        QTest::newRow("random faults without kinds")
            << QByteArray(R"({"random_faults": {"per_min": 1}})") << "must name at least one fault";
        QTest::newRow("shares add up past 1") << QByteArray(R"({"customers": {"returns": 0.8, "unknown_card": 0.3}})")
                                              << "must not exceed 1";
    }
    void badScenarios()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString e = error(QJsonDocument::fromJson(json).object());
        QVERIFY2(e.contains(expected), qPrintable(QStringLiteral("got: \"%1\", expected it to say \"%2\"").arg(e, expected)));
    }

    void badFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        auto write = [&](const QByteArray &b) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(b);
        };
        write("{ not json");
        QVERIFY_THROWS_EXCEPTION(ScenarioError, Scenario::load(path));
        write("[1, 2]");
        QVERIFY_THROWS_EXCEPTION(ScenarioError, Scenario::load(path));
        QVERIFY_THROWS_EXCEPTION(ScenarioError, Scenario::load(dir.filePath(QStringLiteral("missing.json"))));
    }

    void dealing()
    {
        QList<SimMember> members;
        for (int i = 1; i <= 400; ++i)
            members.append(
                {i, QStringLiteral("card%1").arg(i), QStringLiteral("1234"), i % 3 ? QStringLiteral("west") : QStringLiteral("east"), 2});
        const QList<SimKioskRef> kiosks{{QStringLiteral("W-01"), QStringLiteral("west-rb1"), QStringLiteral("west"), {}},
                                        {QStringLiteral("W-02"), QStringLiteral("west-rb2"), QStringLiteral("west"), {}},
                                        {QStringLiteral("E-01"), QStringLiteral("east-rb1"), QStringLiteral("east"), {}}};
        World a(members, kiosks, 42), b(members, kiosks, 42), c(members, kiosks, 43);
        QSet<qint64> seen;
        int travelers = 0;
        for (const SimKioskRef &k : kiosks) {
            QCOMPARE(a.homeMembers(k.id), b.homeMembers(k.id));   // same seed, same deal
            for (qint64 id : a.homeMembers(k.id)) {
                QVERIFY2(!seen.contains(id), "a member is dealt to one kiosk only");
                seen.insert(id);
                QCOMPARE(a.member(id).coast, k.coast);
            }
            for (qint64 id : a.travelers(k.id)) {
                QVERIFY(!seen.contains(id));
                seen.insert(id);
                QVERIFY2(a.member(id).coast != k.coast, "travelers visit the other coast");
                ++travelers;
            }
        }
        QCOMPARE(seen.size(), 400);
        QVERIFY(travelers > 20 && travelers < 80);
        QVERIFY(a.homeMembers(QStringLiteral("W-01")) != c.homeMembers(QStringLiteral("W-01")));

        // Holdings and discs carried to another kiosk.
        a.hold({QUuid::createUuid(), QStringLiteral("D000100000017"), QStringLiteral("W-01"), 5});
        a.hold({QUuid::createUuid(), QStringLiteral("D000100000025"), QStringLiteral("W-01"), 5});
        QCOMPARE(a.heldCount(5), 2);
        a.carryTo(QStringLiteral("E-01"), a.heldBy(5).first());
        QVERIFY(a.heldBy(5).first().carried);
        const auto carried = a.takeCarried(QStringLiteral("E-01"));
        QVERIFY(carried.has_value());
        QVERIFY(!a.takeCarried(QStringLiteral("E-01")).has_value());
        a.released(carried->barcode);
        QCOMPARE(a.heldCount(5), 1);
    }
};

QTEST_GUILESS_MAIN(TstScenario)
#include "tst_scenario.moc"
