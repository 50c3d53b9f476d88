// See logbuffer.h.
#include "core/logbuffer.h"

#include <QDateTime>
#include <QMutex>
#include <QRegularExpression>

#include <cstdio>
#include <deque>

namespace redbox {

namespace {

QMutex g_mutex;
std::deque<QString> g_lines;
int g_max = 0;
QtMessageHandler g_previous = nullptr;
bool g_installed = false;

const char *levelName(QtMsgType type)
{
    switch (type) {
        case QtDebugMsg: return "debug";
        case QtInfoMsg: return "info";
        case QtWarningMsg: return "warning";
        case QtCriticalMsg: return "critical";
        case QtFatalMsg: return "fatal";
    }
    return "?";
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_mutex);
        g_lines.push_back(QStringLiteral("%1 %2 %3: %4")
                              .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QLatin1String(levelName(type)),
                                   QLatin1String(context.category ? context.category : "default"), message));
        while (static_cast<int>(g_lines.size()) > g_max)
            g_lines.pop_front();
    }
    if (g_previous)
        g_previous(type, context, message);
    else
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

}   // namespace

void LogBuffer::install(int maxLines)
{
    {
        QMutexLocker lock(&g_mutex);
        g_max = std::max(10, maxLines);
        if (g_installed)
            return;
        g_installed = true;
    }
    g_previous = qInstallMessageHandler(handler);
}

bool LogBuffer::installed()
{
    QMutexLocker lock(&g_mutex);
    return g_installed;
}

QStringList LogBuffer::lines()
{
    QMutexLocker lock(&g_mutex);
    return QStringList(g_lines.begin(), g_lines.end());
}

QString LogBuffer::scrub(const QString &line)
{
    static const QList<std::pair<QRegularExpression, QString>> rules = {
        // key=value and key: value secrets (libpq conninfo, URLs, settings)
        {QRegularExpression(QStringLiteral("(?i)\\b(password|passwd|pwd|secret|token|pin|key)(\\s*[=:]\\s*)('[^']*'|\"[^\"]*\"|\\S+)")),
         QStringLiteral("\\1\\2[scrubbed]")},
        {QRegularExpression(QStringLiteral("(?i)(://[^:/\\s]+:)[^@\\s]+@")), QStringLiteral("\\1[scrubbed]@")},
        {QRegularExpression(QStringLiteral("pbkdf2-sha256\\$\\S+")), QStringLiteral("[hash]")},
        {QRegularExpression(QStringLiteral("(?i)\\b[0-9a-f]{32,}\\b")), QStringLiteral("[hash]")},
        // card numbers (and magnetic track data): runs of 12-19 digits, spaces or dashes allowed
        {QRegularExpression(QStringLiteral("\\b\\d(?:[ -]?\\d){11,18}\\b")), QStringLiteral("[card number]")},
        {QRegularExpression(QStringLiteral(";\\d+=\\d*\\??")), QStringLiteral("[track data]")},
    };
    QString out = line;
    for (const auto &[re, with] : rules)
        out.replace(re, with);
    return out;
}

}   // namespace redbox
