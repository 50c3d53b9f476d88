// A kiosk's configuration file: what redbox-net writes loads; every mistake
// an operator can make is refused with a message naming it.
#include "kioskcore/kioskconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;

class TestKioskConfig : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString file(const QString &name, const QByteArray &content, QFile::Permissions perms = QFile::ReadOwner | QFile::WriteOwner)
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(content);
        f.close();
        f.setPermissions(perms);
        return path;
    }

    QString ini(const QString &extra = {}, const QString &drop = {})
    {
        QStringList lines{QStringLiteral("[kiosk]"),
                          QStringLiteral("id = WRB2-01"),
                          QStringLiteral("language = es"),
                          QStringLiteral("orientation = landscape"),
                          QStringLiteral("[redbox]"),
                          QStringLiteral("node = west-rb2"),
                          QStringLiteral("hosts = 127.0.0.1:5426,127.0.0.1:5427"),
                          QStringLiteral("[coast]"),
                          QStringLiteral("node = west"),
                          QStringLiteral("hosts = db-west-1.example.net:5430,db-west-2.example.net:5430"),
                          QStringLiteral("[hq]"),
                          QStringLiteral("hosts = 127.0.0.1:5440,127.0.0.1:5441"),
                          QStringLiteral("[security]"),
                          QStringLiteral("ca = %1").arg(file(QStringLiteral("ca.crt"), "x", QFile::ReadOwner | QFile::ReadOther)),
                          QStringLiteral("kiosk_passfile = %1").arg(file(QStringLiteral("kiosk.pgpass"), "x")),
                          QStringLiteral("verifier_passfile = %1").arg(file(QStringLiteral("verifier.pgpass"), "x")),
                          QStringLiteral("card_key_file = %1").arg(file(QStringLiteral("card.key"), QByteArray(64, 'a'))),
                          QStringLiteral("kiosk_key_file = %1").arg(dir.filePath(QStringLiteral("kiosk.key"))),
                          QStringLiteral("[storage]"),
                          QStringLiteral("dir = %1").arg(dir.filePath(QStringLiteral("data")))};
        if (!drop.isEmpty())
            lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const QString &l) { return l.startsWith(drop); }), lines.end());
        if (!extra.isEmpty())
            lines << extra;
        return file(QStringLiteral("kiosk.ini"), lines.join(QLatin1Char('\n')).toUtf8());
    }

private slots:
    void theToolsFileLoads()
    {
        const KioskConfig c = KioskConfig::load(ini());
        QCOMPARE(c.kioskId, QStringLiteral("WRB2-01"));
        QCOMPARE(c.redbox.size(), 2);
        QCOMPARE(c.redbox[1].port, 5427);
        QCOMPARE(c.coast[0].host, QStringLiteral("db-west-1.example.net"));
        QCOMPARE(c.language, QStringLiteral("es"));
        QCOMPARE(c.orientation, QStringLiteral("landscape"));
        QVERIFY(c.redboxConninfo().contains(QLatin1String("host=127.0.0.1,127.0.0.1 port=5426,5427")));
        QVERIFY(c.redboxConninfo().contains(QLatin1String("sslmode=verify-full")));
        QVERIFY(c.redboxConninfo().contains(QLatin1String("target_session_attrs=read-write")));
        QVERIFY(!c.redboxConninfo().contains(QLatin1String("password")));
        QVERIFY(c.redboxConninfo(1).contains(QLatin1String("port=5427,5426")));   // rotated after a timeout
    }

    void mistakesAreNamed_data()
    {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("drop");
        QTest::addColumn<QString>("words");
        QTest::newRow("missing id") << QString() << QStringLiteral("id =") << QStringLiteral("kiosk/id is required");
        QTest::newRow("unknown key") << QStringLiteral("[kiosk]\ncolour = red") << QString()
                                     << QStringLiteral("unknown setting kiosk/colour");
        QTest::newRow("bad host") << QStringLiteral("[hq]\nhosts = not a host:5440") << QStringLiteral("hosts = 127.0.0.1:5440")
                                  << QStringLiteral("is not host:port");
        QTest::newRow("bad port") << QStringLiteral("[hq]\nhosts = 127.0.0.1:99999") << QStringLiteral("hosts = 127.0.0.1:5440")
                                  << QStringLiteral("is not host:port");
        QTest::newRow("bad number") << QStringLiteral("[behaviour]\noffline_allowance = lots") << QString()
                                    << QStringLiteral("offline_allowance must be a number");
        QTest::newRow("heartbeat range") << QStringLiteral("[behaviour]\nheartbeat_s = 0") << QString() << QStringLiteral("heartbeat_s");
        QTest::newRow("bad language") << QStringLiteral("[kiosk]\nlanguage = fr") << QStringLiteral("language =")
                                      << QStringLiteral("language fr");
    }
    void mistakesAreNamed()
    {
        QFETCH(QString, extra);
        QFETCH(QString, drop);
        QFETCH(QString, words);
        try {
            KioskConfig::load(ini(extra, drop));
            QFAIL("a bad configuration was accepted");
        } catch (const ConfigError &e) {
            QVERIFY2(e.message().contains(words), qPrintable(e.message()));
        }
    }

    void secretsReadableByOthersAreRefused()
    {
        const QString path = ini();
        QFile::setPermissions(dir.filePath(QStringLiteral("kiosk.pgpass")), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
        try {
            KioskConfig::load(path);
            QFAIL("a world-readable password file was accepted");
        } catch (const ConfigError &e) {
            QVERIFY2(e.message().contains(QLatin1String("readable by its owner only")), qPrintable(e.message()));
        }
        QFile::setPermissions(dir.filePath(QStringLiteral("kiosk.pgpass")), QFile::ReadOwner | QFile::WriteOwner);
    }

    void aMissingFileIsNamed()
    {
        try {
            KioskConfig::load(dir.filePath(QStringLiteral("nope.ini")));
            QFAIL("accepted");
        } catch (const ConfigError &e) {
            QVERIFY(e.message().contains(QLatin1String("does not exist")));
        }
    }
};

QTEST_GUILESS_MAIN(TestKioskConfig)
#include "tst_kioskconfig.moc"
