// Card numbers and disc barcodes (see cards.h).
#include "core/cards.h"

#include <QRegularExpression>

#include <algorithm>

namespace redbox {

char luhnDigit(const QString &digits)
{
    int total = 0;
    for (qsizetype i = 0; i < digits.size(); ++i) {
        int d = digits.at(digits.size() - 1 - i).digitValue();
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        total += d;
    }
    return static_cast<char>('0' + (10 - total % 10) % 10);
}

bool luhnValid(const QString &number)
{
    if (number.size() < 2)
        return false;
    for (const QChar c : number)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    return luhnDigit(number.left(number.size() - 1)) == number.back().toLatin1();
}

QString memberCardNumber(qint64 memberId)
{
    const QString body = QStringLiteral("70") + QStringLiteral("%1").arg(memberId, 13, 10, QLatin1Char('0'));
    return body + QLatin1Char(luhnDigit(body));
}

QString technicianCardNumber(qint64 technicianId)
{
    const QString body = QStringLiteral("79") + QStringLiteral("%1").arg(technicianId, 13, 10, QLatin1Char('0'));
    return body + QLatin1Char(luhnDigit(body));
}

QString discBarcode(int movieId, int serial)
{
    const QString body = QStringLiteral("%1%2").arg(movieId, 5, 10, QLatin1Char('0')).arg(serial, 6, 10, QLatin1Char('0'));
    return QStringLiteral("D") + body + QLatin1Char(luhnDigit(body));
}

std::optional<DiscBarcode> parseDiscBarcode(const QString &raw)
{
    if (raw.size() != 13 || raw.at(0) != QLatin1Char('D'))
        return std::nullopt;
    const QString digits = raw.mid(1);
    if (!luhnValid(digits))
        return std::nullopt;
    DiscBarcode b;
    b.text = raw;
    b.movieId = digits.left(5).toInt();
    b.serial = digits.mid(5, 6).toInt();
    if (b.movieId == 0)
        return std::nullopt;
    return b;
}

}   // namespace redbox

namespace redbox {

TrackResult parseCardTrack(const QByteArray &raw, const QDate &today)
{
    TrackResult r;
    // Exactly: ';' 16 digits '=' 4 digits (YYMM) 0-10 digits '?'  (nothing else, no whitespace)
    if (raw.size() < 23 || raw.size() > 33 || raw.front() != ';' || raw.back() != '?')
        return r;
    const QByteArray body = raw.mid(1, raw.size() - 2);
    const qsizetype sep = body.indexOf('=');
    if (sep != 16)
        return r;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body.at(i);
        if (i == sep)
            continue;
        if (c < '0' || c > '9')
            return r;
    }
    const QString number = QString::fromLatin1(body.left(16));
    const QByteArray rest = body.mid(17);
    if (rest.size() < 4)
        return r;
    const bool ours = number.startsWith(QLatin1String("70")) || number.startsWith(QLatin1String("79"));
    const bool bank = number.at(0) >= u'2' && number.at(0) <= u'6';
    if (!ours && !bank) {
        r.error = TrackError::NotOurCard;
        return r;
    }
    if (!luhnValid(number)) {
        r.error = TrackError::BadCheckDigit;
        return r;
    }
    const int yy = rest.left(2).toInt();
    const int mm = rest.mid(2, 2).toInt();
    if (mm < 1 || mm > 12)
        return r;
    const QDate lastDay = QDate(2000 + yy, mm, 1).addMonths(1).addDays(-1);
    if (today > lastDay) {
        r.error = TrackError::Expired;
        return r;
    }
    r.card = CardTrack{number, 2000 + yy, mm, number.startsWith(QLatin1String("79")), bank};
    return r;
}

namespace {
bool digits(const QString &s, qsizetype n)
{
    return s.size() == n && std::all_of(s.begin(), s.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}
}   // namespace

bool memberPinWellFormed(const QString &pin)
{
    return digits(pin, 4);
}

bool billingZipWellFormed(const QString &zip)
{
    return digits(zip, 5);
}

bool emailAddressWellFormed(const QString &address)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$"));
    return address.size() <= 64 && re.match(address).hasMatch();
}

}   // namespace redbox
