// PIN hashes, card hashes and AES-256-GCM: what the kiosk relies on.
#include "crypto/crypto.h"

#include <QTest>

using namespace redbox;

class TestCrypto : public QObject {
    Q_OBJECT
private slots:
    void pinVerifiesAgainstItsOwnHashOnly()
    {
        const QString h = crypto::hashSecret(QStringLiteral("4131"), 10'000);
        QVERIFY(h.startsWith(QLatin1String("pbkdf2-sha256$10000$")));
        QVERIFY(crypto::verifySecret(QStringLiteral("4131"), h));
        QVERIFY(!crypto::verifySecret(QStringLiteral("4132"), h));
        QVERIFY(crypto::hashSecret(QStringLiteral("4131"), 10'000) != h);   // salted
    }
    void pinVerifiesAgainstTheGeneratorsFormat()
    {
        // Made by deploy/redboxnet/data.py pbkdf2_hash("1234", b"0123456789abcdef", 10000).
        const QString h = QStringLiteral("pbkdf2-sha256$10000$MDEyMzQ1Njc4OWFiY2RlZg==$"
                                         "ixxYM1J8PQqA5j6d5jAkX8XLxDakMhAO4cNeFjzkuVE=");
        QVERIFY(crypto::verifySecret(QStringLiteral("1234"), h));
    }
    void malformedHashesNeverVerify_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::newRow("empty") << QString();
        QTest::newRow("plain") << QStringLiteral("1234");
        QTest::newRow("md5") << QStringLiteral("md5$81dc9bdb52d04dc20036dbd8313ed055");
        QTest::newRow("few iterations") << QStringLiteral("pbkdf2-sha256$1$MDEy$MDEy");
        QTest::newRow("bad base64") << QStringLiteral("pbkdf2-sha256$10000$***$***");
    }
    void malformedHashesNeverVerify()
    {
        QFETCH(QString, hash);
        QVERIFY(!crypto::verifySecret(QStringLiteral("1234"), hash));
    }
    void cardHashIsKeyed()
    {
        const QByteArray k1(32, 'a');
        const QByteArray k2(32, 'b');
        const QString c = QStringLiteral("7000000000000047");
        QCOMPARE(crypto::cardHash(k1, c).size(), 64);
        QCOMPARE(crypto::cardHash(k1, c), crypto::cardHash(k1, c));
        QVERIFY(crypto::cardHash(k1, c) != crypto::cardHash(k2, c));
    }
    void sealedDataOpensOnlyWithItsKeyAndRow()
    {
        const QByteArray key = crypto::randomBytes(32);
        const QByteArray sealed = crypto::seal(key, "pin-hash", "member:4");
        QCOMPARE(crypto::open(key, sealed, "member:4").value_or(QByteArray()), QByteArray("pin-hash"));
        QVERIFY(!crypto::open(key, sealed, "member:5").has_value());
        QVERIFY(!crypto::open(crypto::randomBytes(32), sealed, "member:4").has_value());
        QByteArray tampered = sealed;
        tampered[14] = static_cast<char>(tampered[14] ^ 1);
        QVERIFY(!crypto::open(key, tampered, "member:4").has_value());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
