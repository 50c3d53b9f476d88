// Numbers printed on things: member and technician cards (Luhn-checked),
// disc barcodes ("D" + movie + serial + Luhn digit), and their strict parsers;
// and what customers type at the kiosk (a PIN, a billing ZIP, an e-mail address).
#pragma once

#include <QByteArray>
#include <QDate>
#include <QString>

#include <optional>

namespace redbox {

char luhnDigit(const QString &digits);
bool luhnValid(const QString &number);

QString memberCardNumber(qint64 memberId);
QString technicianCardNumber(qint64 technicianId);
QString discBarcode(int movieId, int serial);

struct DiscBarcode {
    QString text;
    int movieId = 0;
    int serial = 0;
};
// Accepts exactly "D" + 12 digits with a correct check digit.
std::optional<DiscBarcode> parseDiscBarcode(const QString &raw);

// A card as the magnetic reader delivers it (track 2, ISO 7813): ";" + 16
// digits + "=" + YYMM expiry + up to 10 discretionary digits + "?". The
// number must start 70 (member), 79 (technician) or 2-6 (a credit or debit
// card: a walk-up customer), pass Luhn, and the card must not be expired at
// `today`.
struct CardTrack {
    QString number;
    int expiryYear = 0;   // 20YY
    int expiryMonth = 0;
    bool technician = false;
    bool walkUp = false;   // a bank card, not a Redbox card
};
enum class TrackError { Malformed, NotOurCard, BadCheckDigit, Expired };
struct TrackResult {
    std::optional<CardTrack> card;
    TrackError error = TrackError::Malformed;
};
TrackResult parseCardTrack(const QByteArray &raw, const QDate &today);

// A member's PIN as typed: exactly 4 digits.
bool memberPinWellFormed(const QString &pin);
// A billing ZIP code as typed: exactly 5 digits.
bool billingZipWellFormed(const QString &zip);
// An e-mail address as typed for a receipt: local@domain.tld, plain ASCII, at most 64 characters
// (the servers check it again).
bool emailAddressWellFormed(const QString &address);

}   // namespace redbox
