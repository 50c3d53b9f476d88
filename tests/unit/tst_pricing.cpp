// The rental's rules of time and money as the kiosk computes them
// (sync/core/pricing.h): the 9 pm due time in the kiosk's time zone, nights
// counted across days and daylight-saving changes, tax rounded as SQL rounds.
// tst_rentals checks the same rules against the SQL that charges.
#include "core/pricing.h"

#include <QTest>
#include <QTimeZone>

using namespace redbox;

namespace {

QDateTime at(const char *localIso, const char *tz)
{
    return QDateTime(QDate::fromString(QString::fromLatin1(localIso).left(10), Qt::ISODate),
                     QTime::fromString(QString::fromLatin1(localIso).mid(11), Qt::ISODate), QTimeZone(tz));
}

}   // namespace

class TestPricing : public QObject {
    Q_OBJECT
private slots:
    void theFirstNightEndsAtNinePmTheNextDayInTheKiosksZone()
    {
        const QDateTime due = pricing::rentalDueAt(at("2026-03-10T23:30:00", "America/New_York"), QStringLiteral("America/New_York"));
        QCOMPARE(due, at("2026-03-11T21:00:00", "America/New_York").toUTC());
        // Rented just after midnight: still due the next evening, not the same one.
        const QDateTime early = pricing::rentalDueAt(at("2026-03-11T00:05:00", "America/Los_Angeles"),
                                                     QStringLiteral("America/Los_Angeles"));
        QCOMPARE(early, at("2026-03-12T21:00:00", "America/Los_Angeles").toUTC());
    }

    void nightsCountFromTheRentalDayToTheDayTheReturnCountsFor()
    {
        const QString tz = QStringLiteral("America/Chicago");
        const QDateTime rented = at("2026-06-01T18:00:00", "America/Chicago");
        QCOMPARE(pricing::rentalNights(rented, rented.addSecs(60), tz), 1);
        QCOMPARE(pricing::rentalNights(rented, at("2026-06-02T20:59:59", "America/Chicago"), tz), 1);
        QCOMPARE(pricing::rentalNights(rented, at("2026-06-02T21:00:00", "America/Chicago"), tz), 1);   // 9 pm sharp: still on time
        QCOMPARE(pricing::rentalNights(rented, at("2026-06-02T21:00:01", "America/Chicago"), tz), 2);
        QCOMPARE(pricing::rentalNights(rented, at("2026-06-05T10:00:00", "America/Chicago"), tz), 4);
        // A return before the rental (a kiosk clock gone wrong) still costs one night, never less.
        QCOMPARE(pricing::rentalNights(rented, rented.addDays(-2), tz), 1);
    }

    void daylightSavingDoesNotAddOrLoseANight()
    {
        const QString tz = QStringLiteral("America/New_York");
        // Clocks go forward on 2026-03-08.
        const QDateTime rented = at("2026-03-07T20:00:00", "America/New_York");
        QCOMPARE(pricing::rentalNights(rented, at("2026-03-08T20:30:00", "America/New_York"), tz), 1);
        QCOMPARE(pricing::rentalDueAt(rented, tz), at("2026-03-08T21:00:00", "America/New_York").toUTC());
    }

    void anUnknownZoneCountsAsUtc()
    {
        const QDateTime rented(QDate(2026, 1, 1), QTime(12, 0), QTimeZone::utc());
        QCOMPARE(pricing::rentalDueAt(rented, QStringLiteral("Nowhere/Never")),
                 QDateTime(QDate(2026, 1, 2), QTime(21, 0), QTimeZone::utc()));
    }

    void taxRoundsHalfAwayFromZeroAsSqlDoes()
    {
        QCOMPARE(pricing::taxOn(199, 825), 16);   // 16.4175
        QCOMPARE(pricing::taxOn(179, 825), 15);   // 14.7675
        QCOMPARE(pricing::taxOn(200, 250), 5);   // 5.0
        QCOMPARE(pricing::taxOn(100, 50), 1);   // 0.5: half rounds up
        QCOMPARE(pricing::taxOn(0, 825), 0);
        QCOMPARE(pricing::taxOn(2500, 0), 0);
    }
};

QTEST_APPLESS_MAIN(TestPricing)
#include "tst_pricing.moc"
