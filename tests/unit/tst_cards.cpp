// Card numbers and disc barcodes: the generator's numbers parse, anything
// else is refused.
#include "core/cards.h"

#include <QTest>

using namespace redbox;

class TestCards : public QObject {
    Q_OBJECT
private slots:
    void memberCardsCarryAValidCheckDigit()
    {
        QCOMPARE(memberCardNumber(4), QStringLiteral("7000000000000047"));
        QVERIFY(luhnValid(memberCardNumber(123456)));
        QVERIFY(!luhnValid(QStringLiteral("7000000000000048")));
    }
    void discBarcodesRoundTrip()
    {
        const QString b = discBarcode(14, 1);
        QCOMPARE(b, QStringLiteral("D000140000019"));
        const auto parsed = parseDiscBarcode(b);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->movieId, 14);
        QCOMPARE(parsed->serial, 1);
    }
    void malformedBarcodesAreRefused_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::newRow("empty") << QString();
        QTest::newRow("short") << QStringLiteral("D00014000001");
        QTest::newRow("long") << QStringLiteral("D0001400000190");
        QTest::newRow("wrong check digit") << QStringLiteral("D000140000018");
        QTest::newRow("letters") << QStringLiteral("D0001A0000019");
        QTest::newRow("no prefix") << QStringLiteral("X000140000019");
        QTest::newRow("movie zero") << discBarcode(0, 1);
        QTest::newRow("sql") << QStringLiteral("D'; DROP TABLE");
    }
    void malformedBarcodesAreRefused()
    {
        QFETCH(QString, raw);
        QVERIFY(!parseDiscBarcode(raw).has_value());
    }
};

QTEST_GUILESS_MAIN(TestCards)
#include "tst_cards.moc"
