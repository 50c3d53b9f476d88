// Prometheus's text exposition format (version 0.0.4), written by hand-sized
// pieces: a family's HELP and TYPE lines, then its samples with their labels.
// Names are checked (a bad name is a programming error and throws); label
// values are escaped as the format says, so any text from the database is safe.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace redbox::metrics {

enum class Type { Counter, Gauge };

using Labels = QList<std::pair<QByteArray, QString>>;

class Exposition {
public:
    // Starts a family. Throws std::invalid_argument for a name the format does not allow.
    void family(const QByteArray &name, Type type, const QString &help);
    // One sample of the family started last (the same name). NaN and infinities are written as the format spells them.
    void sample(const QByteArray &name, const Labels &labels, double value);
    const QByteArray &text() const { return m_text; }

    static bool validName(const QByteArray &name);
    static bool validLabelName(const QByteArray &name);
    static QByteArray escapeLabelValue(const QString &value);
    static QByteArray formatValue(double value);

private:
    QByteArray m_text;
    QByteArray m_family;
};

}   // namespace redbox::metrics
