// The hardware line protocol (see lineprotocol.h).
#include "hardware/lineprotocol.h"

#include <QList>
#include <QRegularExpression>

namespace redbox::proto {

namespace {

bool printable(const QByteArray &line)
{
    if (line.isEmpty() || line.size() > MaxLine)
        return false;
    for (const char c : line)
        if (c < 0x20 || c > 0x7e)
            return false;
    return true;
}

std::optional<int> number(const QByteArray &s, int lo, int hi)
{
    if (s.isEmpty() || s.size() > 7)
        return std::nullopt;
    for (const char c : s)
        if (c < '0' || c > '9')
            return std::nullopt;
    if (s.size() > 1 && s.front() == '0')
        return std::nullopt;
    const int v = s.toInt();
    if (v < lo || v > hi)
        return std::nullopt;
    return v;
}

QString restAfter(const QByteArray &line, int words)
{
    qsizetype pos = 0;
    for (int i = 0; i < words; ++i) {
        pos = line.indexOf(' ', pos);
        if (pos < 0)
            return {};
        ++pos;
    }
    return QString::fromLatin1(line.mid(pos));
}

// A disc's label as the readers give it (parsed strictly by the kiosk afterwards).
bool isBarcode(const QString &word)
{
    static const QRegularExpression barcode(QStringLiteral("^[A-Z0-9]{1,20}$"));
    return barcode.match(word).hasMatch();
}

}   // namespace

std::optional<Message> parseDeviceLine(const QByteArray &line)
{
    if (!printable(line) || line.startsWith(' ') || line.endsWith(' ') || line.contains("  "))
        return std::nullopt;
    const QList<QByteArray> w = line.split(' ');
    Message m;
    m.verb = QString::fromLatin1(w[0]);
    static const QRegularExpression token(QStringLiteral("^tok_[A-Za-z0-9]{8,40}$"));
    static const QRegularExpression digits4(QStringLiteral("^[0-9]{4}$"));
    if (m.verb == QLatin1String("DISPENSED") && w.size() == 3) {
        const auto slot = number(w[1], 1, 9999);
        m.word = QString::fromLatin1(w[2]);
        if (!slot || !isBarcode(m.word))
            return std::nullopt;
        m.number = *slot;
        return m;
    }
    if (m.verb == QLatin1String("STORED") && w.size() == 2) {
        const auto slot = number(w[1], 1, 9999);
        if (!slot)
            return std::nullopt;
        m.number = *slot;
        return m;
    }
    if ((m.verb == QLatin1String("DISPENSE-FAILED") || m.verb == QLatin1String("STORE-FAILED")) && w.size() >= 3) {
        const auto slot = number(w[1], 1, 9999);
        if (!slot)
            return std::nullopt;
        m.number = *slot;
        m.text = restAfter(line, 2);
        return m;
    }
    if ((m.verb == QLatin1String("EJECTED") || m.verb == QLatin1String("PONG") || m.verb == QLatin1String("DISC-UNREADABLE") ||
         m.verb == QLatin1String("BUSY") || m.verb == QLatin1String("IDLE")) &&
        w.size() == 1)
        return m;
    if (m.verb == QLatin1String("AUTHORIZED") && w.size() == 3) {
        m.word = QString::fromLatin1(w[1]);
        m.last4 = QString::fromLatin1(w[2]);
        if (!token.match(m.word).hasMatch() || !digits4.match(m.last4).hasMatch())
            return std::nullopt;
        return m;
    }
    if ((m.verb == QLatin1String("DECLINED") || m.verb == QLatin1String("FAULT")) && w.size() >= 2) {
        m.text = restAfter(line, 1);
        return m;
    }
    if ((m.verb == QLatin1String("SELFTEST") || m.verb == QLatin1String("CLEARED")) && w.size() >= 2 && (w[1] == "OK" || w[1] == "FAIL")) {
        m.word = QString::fromLatin1(w[1]);
        m.text = restAfter(line, 2);
        return m;
    }
    if (m.verb == QLatin1String("CARD") && w.size() == 2 && w[1].size() <= 40) {
        m.track = w[1];
        return m;
    }
    if (m.verb == QLatin1String("DISC") && w.size() == 2) {
        m.word = QString::fromLatin1(w[1]);
        if (!isBarcode(m.word))
            return std::nullopt;
        return m;
    }
    return std::nullopt;
}

std::optional<Message> parseRequestLine(const QByteArray &line)
{
    if (!printable(line))
        return std::nullopt;
    const QList<QByteArray> w = line.split(' ');
    Message m;
    m.verb = QString::fromLatin1(w[0]);
    if ((m.verb == QLatin1String("EJECT") || m.verb == QLatin1String("PING") || m.verb == QLatin1String("CLEAR") ||
         m.verb == QLatin1String("STATUS")) &&
        w.size() == 1)
        return m;
    const int lo = 1;
    const int hi = m.verb == QLatin1String("AUTH") ? 1'000'000 : 9999;
    if ((m.verb == QLatin1String("STORE") || m.verb == QLatin1String("AUTH") || m.verb == QLatin1String("SELFTEST")) && w.size() == 2) {
        const auto n = number(w[1], lo, hi);
        if (!n)
            return std::nullopt;
        m.number = *n;
        return m;
    }
    if (m.verb == QLatin1String("DISPENSE") && w.size() == 3) {
        const auto n = number(w[1], lo, hi);
        m.word = QString::fromLatin1(w[2]);
        if (!n || !isBarcode(m.word))
            return std::nullopt;
        m.number = *n;
        return m;
    }
    if (m.verb == QLatin1String("AUTH") && w.size() == 3) {
        const auto n = number(w[1], lo, hi);
        static const QRegularExpression zip(QStringLiteral("^[0-9]{5}$"));
        m.word = QString::fromLatin1(w[2]);
        if (!n || !zip.match(m.word).hasMatch())
            return std::nullopt;
        m.number = *n;
        return m;
    }
    return std::nullopt;
}

QByteArray request(const QString &verb, int n, const QString &word)
{
    QByteArray out = verb.toLatin1();
    if (n >= 0)
        out += ' ' + QByteArray::number(n);
    if (!word.isEmpty())
        out += ' ' + word.toLatin1();
    return out + '\n';
}

static QByteArray clean(const QString &text)
{
    QByteArray out;
    for (const QChar c : text.left(80))
        out += (c.unicode() >= 0x20 && c.unicode() <= 0x7e) ? static_cast<char>(c.unicode()) : '?';
    return out.simplified();
}

QByteArray deviceLine(const Message &m)
{
    QByteArray out = m.verb.toLatin1();
    if (m.verb == QLatin1String("DISPENSED"))
        out += ' ' + QByteArray::number(m.number) + ' ' + m.word.toLatin1();
    else if (m.verb == QLatin1String("STORED"))
        out += ' ' + QByteArray::number(m.number);
    else if (m.verb == QLatin1String("DISPENSE-FAILED") || m.verb == QLatin1String("STORE-FAILED"))
        out += ' ' + QByteArray::number(m.number) + ' ' + clean(m.text.isEmpty() ? QStringLiteral("failed") : m.text);
    else if (m.verb == QLatin1String("AUTHORIZED"))
        out += ' ' + m.word.toLatin1() + ' ' + m.last4.toLatin1();
    else if (m.verb == QLatin1String("DECLINED") || m.verb == QLatin1String("FAULT"))
        out += ' ' + clean(m.text.isEmpty() ? QStringLiteral("unspecified") : m.text);
    else if (m.verb == QLatin1String("SELFTEST") || m.verb == QLatin1String("CLEARED"))
        out += ' ' + m.word.toLatin1() + ' ' + clean(m.text.isEmpty() ? QStringLiteral("done") : m.text);
    else if (m.verb == QLatin1String("CARD"))
        out += ' ' + m.track;
    else if (m.verb == QLatin1String("DISC"))
        out += ' ' + m.word.toLatin1();
    return out + '\n';
}

}   // namespace redbox::proto
