// Kiosk configuration loading and validation (see kioskconfig.h).
#include "kioskcore/kioskconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

#include <sys/stat.h>

namespace redbox {

namespace {

QString quoted(const QString &v)
{
    QString out = v;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString conninfo(const QList<Endpoint> &eps, const QString &db, const QString &user, const QString &passfile, const QString &ca,
                 int timeoutS, int rotate, const QString &attrs = QStringLiteral("read-write"))
{
    QStringList hosts, ports;
    for (qsizetype i = 0; i < eps.size(); ++i) {
        const Endpoint &e = eps[(i + rotate) % eps.size()];
        hosts << e.host;
        ports << QString::number(e.port);
    }
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4 passfile=%5 sslmode=verify-full sslrootcert=%6 "
                          "target_session_attrs=%7 connect_timeout=%8 keepalives=1 keepalives_idle=5 "
                          "keepalives_interval=2 keepalives_count=3 tcp_user_timeout=10000")
        .arg(hosts.join(QLatin1Char(',')), ports.join(QLatin1Char(',')), db, user, quoted(passfile), quoted(ca), attrs)
        .arg(timeoutS);
}

void needFile(const QString &path, const QString &what, bool secret)
{
    if (path.isEmpty())
        throw ConfigError(QStringLiteral("%1 is not set").arg(what));
    QFileInfo fi(path);
    if (!fi.exists())
        throw ConfigError(QStringLiteral("%1 %2 does not exist").arg(what, path));
    if (!fi.isReadable())
        throw ConfigError(QStringLiteral("%1 %2 is not readable").arg(what, path));
    if (secret) {
        struct stat st {};
        if (::stat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & 077) != 0)
            throw ConfigError(QStringLiteral("%1 %2 must be readable by its owner only (chmod 600)").arg(what, path));
    }
}

}   // namespace

QList<Endpoint> parseEndpoints(const QString &text, const QString &what)
{
    static const QRegularExpression hostRe(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"));
    QList<Endpoint> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed();
        const int colon = static_cast<int>(p.lastIndexOf(QLatin1Char(':')));
        bool ok = false;
        const int port = colon > 0 ? p.mid(colon + 1).toInt(&ok) : 0;
        const QString host = colon > 0 ? p.left(colon) : QString();
        if (!ok || port < 1 || port > 65535 || !hostRe.match(host).hasMatch())
            throw ConfigError(QStringLiteral("%1: %2 is not host:port").arg(what, p));
        out.append({host, port});
    }
    if (out.isEmpty())
        throw ConfigError(QStringLiteral("%1: no servers listed (host:port,host:port)").arg(what));
    if (out.size() > 8)
        throw ConfigError(QStringLiteral("%1: at most 8 servers").arg(what));
    return out;
}

KioskConfig KioskConfig::load(const QString &path)
{
    if (!QFileInfo::exists(path))
        throw ConfigError(QStringLiteral("configuration file %1 does not exist").arg(path));
    QSettings s(path, QSettings::IniFormat);
    if (s.status() != QSettings::NoError)
        throw ConfigError(QStringLiteral("configuration file %1 is not a valid INI file").arg(path));
    static const QStringList known = {QStringLiteral("kiosk/id"),
                                      QStringLiteral("kiosk/language"),
                                      QStringLiteral("kiosk/orientation"),
                                      QStringLiteral("kiosk/theme"),
                                      QStringLiteral("redbox/node"),
                                      QStringLiteral("redbox/hosts"),
                                      QStringLiteral("redbox/database"),
                                      QStringLiteral("coast/node"),
                                      QStringLiteral("coast/hosts"),
                                      QStringLiteral("hq/hosts"),
                                      QStringLiteral("redbox/patroni"),
                                      QStringLiteral("maintenance/export_dir"),
                                      QStringLiteral("security/ca"),
                                      QStringLiteral("security/kiosk_passfile"),
                                      QStringLiteral("security/verifier_passfile"),
                                      QStringLiteral("security/patroni_secret"),
                                      QStringLiteral("security/card_key_file"),
                                      QStringLiteral("security/kiosk_key_file"),
                                      QStringLiteral("storage/dir"),
                                      QStringLiteral("behaviour/offline_after_ms"),
                                      QStringLiteral("behaviour/escalation_timeout_ms"),
                                      QStringLiteral("behaviour/offline_allowance"),
                                      QStringLiteral("behaviour/cache_page_size"),
                                      QStringLiteral("behaviour/heartbeat_s"),
                                      QStringLiteral("hardware/dispense_ms"),
                                      QStringLiteral("hardware/store_ms"),
                                      QStringLiteral("hardware/eject_ms"),
                                      QStringLiteral("hardware/payment_ms"),
                                      QStringLiteral("hardware/selftest_ms"),
                                      QStringLiteral("hardware/clear_jam_ms"),
                                      QStringLiteral("hardware/status_ms")};
    for (const QString &k : s.allKeys()) {
        if (k == QLatin1String("security/technician_passfile"))
            throw ConfigError(QStringLiteral("%1: security/technician_passfile: kiosks hold no technician password any more "
                                             "(technicians sign in on the red box); enrol the kiosk again "
                                             "(redbox-net kiosk enroll ID) and use the configuration it writes")
                                  .arg(path));
        if (!known.contains(k))
            throw ConfigError(QStringLiteral("%1: unknown setting %2").arg(path, k));
    }
    // QSettings reads "a,b" as a list: join it back.
    auto text = [&](const char *key, const QString &def = {}) {
        const QVariant v = s.value(QLatin1String(key), def);
        return (v.metaType().id() == QMetaType::QStringList ? v.toStringList().join(QLatin1Char(',')) : v.toString()).trimmed();
    };
    auto need = [&](const char *key) {
        QString v = text(key);
        if (v.isEmpty())
            throw ConfigError(QStringLiteral("%1: %2 is required").arg(path, QLatin1String(key)));
        return v;
    };
    auto number = [&](const char *key, int def, int lo, int hi) {
        if (!s.contains(QLatin1String(key)))
            return def;
        bool ok = false;
        const int v = text(key).toInt(&ok);
        if (!ok || v < lo || v > hi)
            throw ConfigError(QStringLiteral("%1: %2 must be a number from %3 to %4").arg(path, QLatin1String(key)).arg(lo).arg(hi));
        return v;
    };
    KioskConfig c;
    c.kioskId = need("kiosk/id");
    c.language = text("kiosk/language", QStringLiteral("en"));
    c.orientation = text("kiosk/orientation", QStringLiteral("portrait"));
    c.theme = text("kiosk/theme", QStringLiteral("day"));
    c.redboxNode = need("redbox/node");
    c.redbox = parseEndpoints(need("redbox/hosts"), QStringLiteral("redbox/hosts"));
    c.database = text("redbox/database", QStringLiteral("redbox"));
    c.coastNode = need("coast/node");
    c.coast = parseEndpoints(need("coast/hosts"), QStringLiteral("coast/hosts"));
    c.hq = parseEndpoints(need("hq/hosts"), QStringLiteral("hq/hosts"));
    if (!text("redbox/patroni").isEmpty())
        c.patroni = parseEndpoints(text("redbox/patroni"), QStringLiteral("redbox/patroni"));
    c.exportDir = text("maintenance/export_dir");
    c.caFile = need("security/ca");
    c.kioskPassfile = need("security/kiosk_passfile");
    c.verifierPassfile = need("security/verifier_passfile");
    c.patroniSecretFile = text("security/patroni_secret");
    c.cardKeyFile = need("security/card_key_file");
    c.kioskKeyFile = need("security/kiosk_key_file");
    c.storageDir = need("storage/dir");
    c.offlineAfterMs = number("behaviour/offline_after_ms", 1000, 0, 600000);
    c.escalationTimeoutMs = number("behaviour/escalation_timeout_ms", 3000, 200, 60000);
    c.offlineAllowance = number("behaviour/offline_allowance", 3, 0, 20);
    c.cachePageSize = number("behaviour/cache_page_size", 500, 10, 10000);
    c.heartbeatEveryS = number("behaviour/heartbeat_s", 60, 1, 3600);
    c.dispenseTimeoutMs = number("hardware/dispense_ms", c.dispenseTimeoutMs, 100, 300'000);
    c.storeTimeoutMs = number("hardware/store_ms", c.storeTimeoutMs, 100, 300'000);
    c.ejectTimeoutMs = number("hardware/eject_ms", c.ejectTimeoutMs, 100, 300'000);
    c.paymentTimeoutMs = number("hardware/payment_ms", c.paymentTimeoutMs, 1000, 600'000);
    c.selfTestTimeoutMs = number("hardware/selftest_ms", c.selfTestTimeoutMs, 1000, 3'600'000);
    c.clearJamTimeoutMs = number("hardware/clear_jam_ms", c.clearJamTimeoutMs, 1000, 600'000);
    c.statusTimeoutMs = number("hardware/status_ms", c.statusTimeoutMs, 100, 60'000);
    c.validate();
    return c;
}

void KioskConfig::validate() const
{
    static const QRegularExpression idRe(QStringLiteral("^[A-Z0-9-]{3,20}$"));
    static const QRegularExpression nodeRe(QStringLiteral("^[a-z][a-z0-9-]{0,30}$"));
    static const QRegularExpression dbRe(QStringLiteral("^[a-z_][a-z0-9_]{0,30}$"));
    if (!idRe.match(kioskId).hasMatch())
        throw ConfigError(QStringLiteral("kiosk id %1 must be 3-20 capital letters, digits or '-'").arg(kioskId));
    if (!nodeRe.match(redboxNode).hasMatch() || !nodeRe.match(coastNode).hasMatch())
        throw ConfigError(QStringLiteral("node names must be lower-case letters, digits and '-'"));
    if (!dbRe.match(database).hasMatch())
        throw ConfigError(QStringLiteral("database %1 is not a plain name").arg(database));
    if (redbox.isEmpty() || coast.isEmpty() || hq.isEmpty())
        throw ConfigError(QStringLiteral("the red box, coast and HQ servers must all be listed"));
    if (!QStringList{QStringLiteral("en"), QStringLiteral("es")}.contains(language))
        throw ConfigError(QStringLiteral("language %1: en or es").arg(language));
    if (!QStringList{QStringLiteral("portrait"), QStringLiteral("landscape")}.contains(orientation))
        throw ConfigError(QStringLiteral("orientation %1: portrait or landscape").arg(orientation));
    if (!QStringList{QStringLiteral("day"), QStringLiteral("night")}.contains(theme))
        throw ConfigError(QStringLiteral("theme %1: day or night").arg(theme));
    needFile(caFile, QStringLiteral("CA certificate"), false);
    needFile(kioskPassfile, QStringLiteral("kiosk password file"), true);
    needFile(verifierPassfile, QStringLiteral("verifier password file"), true);
    if (!patroniSecretFile.isEmpty())
        needFile(patroniSecretFile, QStringLiteral("Patroni secret file"), true);
    needFile(cardKeyFile, QStringLiteral("card key file"), true);
    if (storageDir.isEmpty())
        throw ConfigError(QStringLiteral("storage dir is not set"));
    if (!QDir().mkpath(storageDir))
        throw ConfigError(QStringLiteral("storage dir %1 cannot be created").arg(storageDir));
    QFileInfo sd(storageDir);
    if (!sd.isDir() || !sd.isWritable())
        throw ConfigError(QStringLiteral("storage dir %1 is not a writable folder").arg(storageDir));
}

QString KioskConfig::redboxLogin() const
{
    return QStringLiteral("kiosk.") + kioskId;
}

QString KioskConfig::verifierLogin() const
{
    return QStringLiteral("verifier.") + kioskId;
}

QString KioskConfig::redboxConninfo(int rotate) const
{
    return conninfo(redbox, database, redboxLogin(), kioskPassfile, caFile, 3, rotate) + QStringLiteral(" application_name=kiosk-") +
           kioskId;
}

QString KioskConfig::coastConninfo() const
{
    return conninfo(coast, database, verifierLogin(), verifierPassfile, caFile, 2, 0);
}

QString KioskConfig::hqConninfo() const
{
    return conninfo(hq, database, verifierLogin(), verifierPassfile, caFile, 2, 0);
}

QString KioskConfig::serverConninfo(const Endpoint &server, bool redboxServer, int timeoutS) const
{
    return conninfo({server}, database, redboxServer ? redboxLogin() : verifierLogin(), redboxServer ? kioskPassfile : verifierPassfile,
                    caFile, timeoutS, 0, QStringLiteral("any")) +
           QStringLiteral(" application_name=probe-") + kioskId;
}

}   // namespace redbox
