// Card numbers and disc barcodes: the generator's numbers parse, anything
// else is refused; a bank card is a walk-up card, a billing ZIP has 5 digits.
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
    void tracksTellMembersTechniciansAndBankCardsApart()
    {
        const QDate today(2026, 12, 2);
        const TrackResult member = parseCardTrack(";7000000000000047=3012?", today);
        QVERIFY(member.card && !member.card->walkUp && !member.card->technician);
        const TrackResult tech = parseCardTrack(";" + technicianCardNumber(7).toLatin1() + "=3012?", today);
        QVERIFY(tech.card && tech.card->technician && !tech.card->walkUp);
        for (const QByteArray &n : {QByteArray("4111111111111111"), QByteArray("5555555555554444"), QByteArray("6011111111111117")}) {
            const TrackResult bank = parseCardTrack(";" + n + "=3012?", today);
            QVERIFY2(bank.card && bank.card->walkUp && !bank.card->technician, n.constData());
            QCOMPARE(bank.card->number, QString::fromLatin1(n));
        }
        QCOMPARE(parseCardTrack(";9000000000000001=3012?", today).error, TrackError::NotOurCard);
        QCOMPARE(parseCardTrack(";4111111111111112=3012?", today).error, TrackError::BadCheckDigit);
        QCOMPARE(parseCardTrack(";4111111111111111=2611?", today).error, TrackError::Expired);
        QVERIFY(parseCardTrack(";4111111111111111=2612?", today).card);   // good to the end of its month
    }
    void billingZipsHaveFiveDigits()
    {
        QVERIFY(billingZipWellFormed(QStringLiteral("97201")));
        for (const QString &bad : {QString(), QStringLiteral("9720"), QStringLiteral("972011"), QStringLiteral("9720a"),
                                   QStringLiteral("97 01"), QStringLiteral("٩٧٢٠١")})
            QVERIFY2(!billingZipWellFormed(bad), qPrintable(bad));
    }
};

QTEST_GUILESS_MAIN(TestCards)
#include "tst_cards.moc"
