// The registry of the network's error codes (sync/core/errorcodes.h) against
// the code that uses them: every RAISE in schema/ with an RBnnn code, and
// every C++ file of the product.
#include "core/errorcodes.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace redbox;

namespace {

QString text(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QString::fromUtf8(f.readAll());
}

QStringList filesUnder(const QString &dir, const QStringList &patterns)
{
    QStringList out;
    QDirIterator it(QStringLiteral(REDBOX_SOURCE_DIR "/") + dir, patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    out.sort();
    return out;
}

struct Raise {
    QString file;
    int line;
    QString message;
    QString code;
};

// Every `RAISE EXCEPTION 'message' ... USING ERRCODE = 'RBnnn'` in the schema.
QList<Raise> schemaRaises()
{
    static const QRegularExpression re(
        QStringLiteral("RAISE\\s+EXCEPTION\\s+\x27((?:[^\x27]|\x27\x27)*)\x27[^;]*?ERRCODE\\s*=\\s*\x27(RB\\d{3})\x27"),
        QRegularExpression::DotMatchesEverythingOption);
    QList<Raise> out;
    for (const QString &file : filesUnder(QStringLiteral("schema"), {QStringLiteral("*.sql")})) {
        const QString sql = text(file);
        for (auto m = re.globalMatch(sql); m.hasNext();) {
            const auto hit = m.next();
            const int line = static_cast<int>(sql.left(hit.capturedStart()).count(QLatin1Char('\n'))) + 1;
            out.append({file, line, hit.captured(1), hit.captured(2)});
        }
    }
    return out;
}

}   // namespace

class TestErrorCodes : public QObject {
    Q_OBJECT
private slots:
    void everyCodeIsListedOnceWithItsOwnMeaning()
    {
        QSet<QString> states, names;
        QSet<int> codes;
        for (const ErrorCodeInfo &i : kErrorCodes) {
            const QString state = QString::fromLatin1(i.sqlstate.data(), static_cast<qsizetype>(i.sqlstate.size()));
            QVERIFY2(QRegularExpression(QStringLiteral("^RB\\d{3}$")).match(state).hasMatch(), qPrintable(state));
            QVERIFY2(!states.contains(state), qPrintable(state + QLatin1String(" listed twice")));
            QVERIFY2(!codes.contains(static_cast<int>(i.code)), qPrintable(state + QLatin1String(": its enumerator is listed twice")));
            states << state;
            codes << static_cast<int>(i.code);
            names << QString::fromLatin1(i.name.data(), static_cast<qsizetype>(i.name.size()));
            QCOMPARE(redboxErrorOf(state), std::optional<RedboxError>(i.code));
            QVERIFY(errorCodeInfo(i.code).sqlstate == i.sqlstate);
        }
        QCOMPARE(names.size(), static_cast<qsizetype>(kErrorCodes.size()));
        QCOMPARE(redboxErrorOf(QStringLiteral("22023")), std::nullopt);
    }

    void everyRaiseInTheSchemaUsesARegisteredCodeForItsMeaning()
    {
        const QList<Raise> raises = schemaRaises();
        QVERIFY2(raises.size() > 50, "the schema's raises were not found");
        QSet<QString> used;
        QStringList wrong;
        for (const Raise &r : raises) {
            const auto code = redboxErrorOf(r.code);
            if (!code) {
                wrong << QStringLiteral("%1:%2: %3 is not in sync/core/errorcodes.h").arg(r.file).arg(r.line).arg(r.code);
                continue;
            }
            used << r.code;
            const ErrorCodeInfo &info = errorCodeInfo(*code);
            const QRegularExpression meaning(
                QString::fromLatin1(info.messagePattern.data(), static_cast<qsizetype>(info.messagePattern.size())),
                QRegularExpression::CaseInsensitiveOption);
            if (!meaning.match(r.message).hasMatch())
                wrong << QStringLiteral("%1:%2: '%3' raised as %4 (%5), which says /%6/")
                             .arg(r.file)
                             .arg(r.line)
                             .arg(r.message, r.code, QLatin1String(info.name.data(), static_cast<qsizetype>(info.name.size())),
                                  QLatin1String(info.messagePattern.data(), static_cast<qsizetype>(info.messagePattern.size())));
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
        // A code nobody raises is a code nobody can rely on.
        for (const ErrorCodeInfo &i : kErrorCodes) {
            const QString state = QString::fromLatin1(i.sqlstate.data(), static_cast<qsizetype>(i.sqlstate.size()));
            QVERIFY2(used.contains(state), qPrintable(state + QLatin1String(" is registered but never raised")));
        }
    }

    void noCodeIsSpelledOutInTheProductsCpp()
    {
        static const QRegularExpression literal(QStringLiteral("\"RB\\d{3}"));
        QStringList hits;
        for (const QString &dir : {QStringLiteral("sync"), QStringLiteral("kiosk")}) {
            for (const QString &file : filesUnder(dir, {QStringLiteral("*.cpp"), QStringLiteral("*.h")})) {
                if (file.endsWith(QLatin1String("core/errorcodes.h")))
                    continue;
                const QString src = text(file);
                if (literal.match(src).hasMatch())
                    hits << file;
            }
        }
        QVERIFY2(hits.isEmpty(), qPrintable(QLatin1String("RBnnn literals (use RedboxError): ") + hits.join(QLatin1String(", "))));
    }
};

QTEST_APPLESS_MAIN(TestErrorCodes)
#include "tst_errorcodes.moc"
