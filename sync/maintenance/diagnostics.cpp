// The diagnostics bundle (see diagnostics.h).
#include "maintenance/diagnostics.h"

#include "core/logbuffer.h"
#include "kioskcore/kioskconfig.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

namespace redbox {

namespace {

QString serverName(const Endpoint &e)
{
    return e.host + QLatin1Char(':') + QString::number(e.port);
}

QJsonArray hosts(const QList<Endpoint> &eps)
{
    QJsonArray a;
    for (const Endpoint &e : eps)
        a.append(serverName(e));
    return a;
}

QJsonObject healthJson(const MaintenanceHealth &h)
{
    QJsonArray servers;
    for (const ServerProbe &p : h.servers)
        servers.append(QJsonObject{{QStringLiteral("tier"), p.tier},
                                   {QStringLiteral("server"), p.server},
                                   {QStringLiteral("reachable"), p.reachable},
                                   {QStringLiteral("primary"), p.primary},
                                   {QStringLiteral("latency_ms"), p.latencyMs},
                                   {QStringLiteral("error"), LogBuffer::scrub(p.error)}});
    return QJsonObject{{QStringLiteral("servers"), servers},
                       {QStringLiteral("redbox_answered"), h.redboxAnswered},
                       {QStringLiteral("redbox_error"), LogBuffer::scrub(h.redboxError)},
                       {QStringLiteral("primary"), h.primaryServer},
                       {QStringLiteral("standby"), h.standbyName},
                       {QStringLiteral("standby_state"), h.standbyState},
                       {QStringLiteral("standby_sync"), h.standbySync},
                       {QStringLiteral("replay_lag_ms"), h.replayLagMs},
                       {QStringLiteral("links"), h.links},
                       {QStringLiteral("pending_hops"), h.pendingHops},
                       {QStringLiteral("parked_hops"), h.parkedHops},
                       {QStringLiteral("parked"), h.parked},
                       {QStringLiteral("kiosk_link"), linkStatusName(h.kiosk.link)},
                       {QStringLiteral("outbox_depth"), h.kiosk.outboxDepth},
                       {QStringLiteral("outbox_oldest_s"), h.kiosk.outboxOldestAgeS},
                       {QStringLiteral("last_cache_sync"), h.kiosk.lastCacheSync.toString(Qt::ISODate)},
                       {QStringLiteral("storage_fault"), h.kiosk.storageFault},
                       {QStringLiteral("api_refusal"), h.kiosk.refusal}};
}

}   // namespace

TechAnswer writeDiagnostics(const KioskConfig &cfg, const MaintenanceHealth &h, const DiagnosticsFacts &facts)
{
    const QString dir = cfg.exportDir.isEmpty() ? QDir(cfg.storageDir).filePath(QStringLiteral("diagnostics")) : cfg.exportDir;
    QJsonObject doc;
    doc.insert(QStringLiteral("kiosk_id"), cfg.kioskId);
    doc.insert(QStringLiteral("written_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    doc.insert(QStringLiteral("versions"), QJsonObject{{QStringLiteral("redbox"), QStringLiteral(REDBOX_VERSION)},
                                                       {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                                                       {QStringLiteral("libpq"), PQlibVersion()},
                                                       {QStringLiteral("sqlite"), QString::fromLatin1(sqlite3_libversion())},
                                                       {QStringLiteral("openssl"), QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION))}});
    doc.insert(QStringLiteral("configuration"), QJsonObject{{QStringLiteral("redbox_node"), cfg.redboxNode},
                                                            {QStringLiteral("redbox"), hosts(cfg.redbox)},
                                                            {QStringLiteral("coast_node"), cfg.coastNode},
                                                            {QStringLiteral("coast"), hosts(cfg.coast)},
                                                            {QStringLiteral("hq"), hosts(cfg.hq)},
                                                            {QStringLiteral("patroni"), hosts(cfg.patroni)},
                                                            {QStringLiteral("language"), cfg.language},
                                                            {QStringLiteral("orientation"), cfg.orientation}});
    doc.insert(QStringLiteral("health"), healthJson(h));
    if (facts.cache) {
        const CacheCounts &c = *facts.cache;
        doc.insert(QStringLiteral("cache"), QJsonObject{{QStringLiteral("movies"), c.movies},
                                                        {QStringLiteral("members"), c.members},
                                                        {QStringLiteral("discs"), c.discs},
                                                        {QStringLiteral("technicians"), c.technicians}});
        QJsonArray parked;
        for (const OutboxEntry &e : facts.parked)
            parked.append(QJsonObject{{QStringLiteral("kind"), e.kind},
                                      {QStringLiteral("created_at"), e.createdAt.toString(Qt::ISODate)},
                                      {QStringLiteral("error"), LogBuffer::scrub(e.lastError)}});
        doc.insert(QStringLiteral("outbox_parked"), parked);
    } else {
        doc.insert(QStringLiteral("storage_error"), facts.storageError);
    }
    QJsonArray log;
    for (const QString &line : LogBuffer::lines())
        log.append(LogBuffer::scrub(line));
    doc.insert(QStringLiteral("log"), log);
    if (!LogBuffer::installed())
        doc.insert(QStringLiteral("log_note"), QStringLiteral("this process does not keep its log lines"));
    const QString name = QStringLiteral("redbox-diagnostics-%1-%2.json")
                             .arg(cfg.kioskId, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")));
    if (!QDir().mkpath(dir))
        return TechAnswer::failed(QStringLiteral("The export folder %1 cannot be made.").arg(dir));
    QSaveFile f(QDir(dir).filePath(name));
    if (f.open(QIODevice::WriteOnly) && f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
        f.write(QJsonDocument(doc).toJson(QJsonDocument::Indented)) >= 0 && f.commit()) {
        TechAnswer a = TechAnswer::done(QStringLiteral("Diagnostics written to %1 (%2 log lines).").arg(f.fileName()).arg(log.size()));
        a.path = f.fileName();
        return a;
    }
    return TechAnswer::failed(QStringLiteral("The diagnostics file could not be written in %1: %2").arg(dir, f.errorString()));
}

}   // namespace redbox
