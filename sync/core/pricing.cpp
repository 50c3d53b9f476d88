// The rental's rules of time and money (see pricing.h).
#include "core/pricing.h"

#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace redbox::pricing {

namespace {

QTimeZone zoneOf(const QString &tz)
{
    const QTimeZone zone(tz.toLatin1());
    return zone.isValid() ? zone : QTimeZone::utc();
}

}   // namespace

QDateTime rentalDueAt(const QDateTime &rentedAt, const QString &tz)
{
    const QTimeZone zone = zoneOf(tz);
    const QDate rentDay = rentedAt.toTimeZone(zone).date();
    return QDateTime(rentDay.addDays(1), QTime(kDayEndsAtHour, 0), zone).toUTC();
}

int rentalNights(const QDateTime &rentedAt, const QDateTime &returnedAt, const QString &tz)
{
    const QTimeZone zone = zoneOf(tz);
    const QDate rentDay = rentedAt.toTimeZone(zone).date();
    // The day a return counts for: one that lands at 9 pm sharp still belongs to the day before.
    const QDate lastDay = returnedAt.toTimeZone(zone).addSecs(-static_cast<qint64>(kDayEndsAtHour) * 3600).addMSecs(-1).date();
    return static_cast<int>(std::max<qint64>(1, rentDay.daysTo(lastDay) + 1));
}

int taxOn(int amountCents, int rateBp)
{
    return static_cast<int>(std::llround(static_cast<double>(amountCents) * rateBp / 10000.0));
}

}   // namespace redbox::pricing
