#include "metrics/exposition.h"

#include <QLocale>

#include <cmath>
#include <stdexcept>

namespace redbox::metrics {

namespace {
bool nameChar(char c, bool first, bool colon)
{
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
}

bool checkName(const QByteArray &name, bool colon)
{
    if (name.isEmpty() || name.size() > 200)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i)
        if (!nameChar(name.at(i), i == 0, colon))
            return false;
    return true;
}
}   // namespace

bool Exposition::validName(const QByteArray &name)
{
    return checkName(name, true);
}

bool Exposition::validLabelName(const QByteArray &name)
{
    return checkName(name, false) && !name.startsWith("__");
}

QByteArray Exposition::escapeLabelValue(const QString &value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray Exposition::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        return QByteArray::number(static_cast<qint64>(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void Exposition::family(const QByteArray &name, Type type, const QString &help)
{
    if (!validName(name))
        throw std::invalid_argument("not a metric name: " + name.toStdString());
    QString oneLine = help;
    oneLine.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\n'), QLatin1String("\\n"));
    m_text += "# HELP " + name + ' ' + oneLine.toUtf8() + '\n';
    m_text += "# TYPE " + name + (type == Type::Counter ? " counter\n" : " gauge\n");
    m_family = name;
}

void Exposition::sample(const QByteArray &name, const Labels &labels, double value)
{
    if (name != m_family)
        throw std::invalid_argument("sample " + name.toStdString() + " outside its family");
    m_text += name;
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (!validLabelName(labels[i].first))
                throw std::invalid_argument("not a label name: " + labels[i].first.toStdString());
            if (i > 0)
                m_text += ',';
            m_text += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formatValue(value) + '\n';
}

}   // namespace redbox::metrics
