// Numbers printed on things: member and technician cards (Luhn-checked),
// disc barcodes ("D" + movie + serial + Luhn digit), and their strict parsers.
#pragma once

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

} // namespace redbox
