// The rental's rules of time and money, as the kiosk shows them before the
// red box has answered (offline rentals, the summary screen). They are the
// same rules as schema/common/functions/20_pricing.sql, which decides what
// is charged; tst_rentals checks that the two agree.
#pragma once

#include <QDateTime>
#include <QString>

namespace redbox::pricing {

// A rental day ends at 9 pm (the kiosk's local time) the day after the rental.
inline constexpr int kDayEndsAtHour = 21;

// When the first night's day ends, in UTC. TZ is an IANA name; an unknown one counts as UTC.
QDateTime rentalDueAt(const QDateTime &rentedAt, const QString &tz);

// Nights charged for a disc rented at RENTEDAT and returned at RETURNEDAT (at least one).
int rentalNights(const QDateTime &rentedAt, const QDateTime &returnedAt, const QString &tz);

// What a card is authorized for when nothing is due now (a promo made the night free): a card
// kiosk still checks the card with a small hold; the coast holds the same (free_night_hold_cents()).
inline constexpr int kFreeNightHoldCents = 100;

// Sales tax on AMOUNTCENTS at RATEBP basis points, rounded half away from zero (as SQL's round()).
int taxOn(int amountCents, int rateBp);

}   // namespace redbox::pricing
