// The kiosk's local SQLite cache (see cachestore.h).
#include "cache/cachestore.h"

#include "core/logging.h"
#include "crypto/crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTimeZone>

namespace redbox {

namespace {

QString readResource(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw CacheError(CacheError::Kind::Io, QStringLiteral("missing built-in migration %1").arg(path));
    return QString::fromUtf8(f.readAll());
}

QJsonObject openSealed(const QByteArray &key, const QByteArray &sealed, const QString &lookup)
{
    const auto plain = crypto::open(key, sealed, lookup.toUtf8());
    if (!plain)
        throw CacheError(CacheError::Kind::Corrupt, QStringLiteral("a sealed cache row does not open with this kiosk's key"));
    return QJsonDocument::fromJson(*plain).object();
}

// User text -> an FTS5 query of quoted word prefixes, all required.
QString ftsQuery(const QString &text)
{
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}]+"));
    QStringList terms;
    auto it = word.globalMatch(text.left(100));
    while (it.hasNext() && terms.size() < 8)
        terms << QLatin1Char('"') + it.next().captured(0) + QStringLiteral("\"*");
    return terms.join(QStringLiteral(" AND "));
}

}   // namespace

CacheStore::CacheStore(const QString &path, QByteArray kioskKey, QString kioskId)
    : m_path(path), m_key(std::move(kioskKey)), m_kioskId(std::move(kioskId))
{
    openOrRebuild();
}

void CacheStore::openOrRebuild()
{
    try {
        m_db = sqlite::Database::open(m_path);
        const QString check = m_db.integrityCheck();
        if (check != QLatin1String("ok"))
            throw CacheError(CacheError::Kind::Corrupt, QStringLiteral("integrity check: %1").arg(check.left(200)));
        migrate();
        return;
    } catch (const sqlite::Error &e) {
        if (!e.isCorruption())
            throw CacheError(CacheError::Kind::Io, e.message());
        qCWarning(lcCache) << "cache" << m_path << "is corrupt:" << e.message();
    } catch (const CacheError &e) {
        if (e.kind() != CacheError::Kind::Corrupt)
            throw;
        qCWarning(lcCache) << "cache" << m_path << "is corrupt:" << e.message();
    }
    // Keep the damaged file for a technician, start afresh; the next sync refills it.
    m_db.close();
    const QString aside = m_path + QStringLiteral(".corrupt-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss"));
    QFile::rename(m_path, aside);
    QFile::remove(m_path + QStringLiteral("-wal"));
    QFile::remove(m_path + QStringLiteral("-shm"));
    m_db = sqlite::Database::open(m_path);
    migrate();
    m_rebuilt = true;
    qCWarning(lcCache) << "rebuilt the cache; the damaged file is" << aside;
}

void CacheStore::migrate()
{
    const int have = m_db.userVersion();
    if (have > SchemaVersion)
        throw CacheError(CacheError::Kind::NewerVersion,
                         QStringLiteral("the cache %1 was written by a newer kiosk version (schema %2, this version knows %3); "
                                        "refusing to open it")
                             .arg(m_path)
                             .arg(have)
                             .arg(SchemaVersion));
    for (int v = have + 1; v <= SchemaVersion; ++v) {
        sqlite::Transaction tx(m_db);
        m_db.exec(readResource(QStringLiteral(":/redbox/cache/migrations/%1_cache.sql").arg(v, 3, 10, QLatin1Char('0'))));
        m_db.exec(QStringLiteral("PRAGMA user_version = %1").arg(v));
        tx.commit();
        qCInfo(lcCache) << "cache schema migrated to" << v;
    }
}

QString CacheStore::blind(const QByteArray &label, const QString &value) const
{
    return QString::fromLatin1(QMessageAuthenticationCode::hash(label + value.toUtf8(), m_key, QCryptographicHash::Sha256).toHex());
}

SyncCursor CacheStore::cursor()
{
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT from_snapshot, round_to, cursor_xid, cursor_entity, cursor_key, cursor_live, round_total, round_done, "
                       "last_sync FROM sync_state"));
    s.step();
    SyncCursor c;
    c.fromSnapshot = s.text(0);
    c.roundTo = s.text(1);
    c.xid = s.text(2);
    c.entity = s.text(3);
    c.key = s.text(4);
    c.live = s.isNull(5) || s.int64(5) != 0;
    c.roundTotal = s.int64(6);
    c.roundDone = s.int64(7);
    c.lastSync = QDateTime::fromString(s.text(8), Qt::ISODateWithMs);
    return c;
}

void CacheStore::beginRound(const QString &toSnapshot, qint64 total)
{
    m_db.prepare(QStringLiteral("UPDATE sync_state SET round_to = ?, cursor_xid = NULL, cursor_entity = NULL, cursor_key = NULL, "
                                "cursor_live = NULL, round_total = ?, round_done = 0"))
        .bindAll({toSnapshot, total})
        .run();
}

void CacheStore::applyPage(const QList<CacheRow> &rows)
{
    if (rows.isEmpty())
        return;
    sqlite::Transaction tx(m_db);
    for (const CacheRow &r : rows)
        applyRow(r);
    const CacheRow &last = rows.last();
    m_db.prepare(QStringLiteral("UPDATE sync_state SET cursor_xid = ?, cursor_entity = ?, cursor_key = ?, cursor_live = ?, "
                                "round_done = round_done + ?"))
        .bindAll({last.xid, last.entity, last.key, last.deleted ? 0 : 1, rows.size()})
        .run();
    tx.commit();
}

void CacheStore::finishRound()
{
    m_db.prepare(QStringLiteral("UPDATE sync_state SET from_snapshot = round_to, round_to = NULL, cursor_xid = NULL, "
                                "cursor_entity = NULL, cursor_key = NULL, cursor_live = NULL, last_sync = ?"))
        .bind(1, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
        .run();
}

QString CacheStore::meta(const QString &key)
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    s.bind(1, key);
    return s.step() ? s.text(0) : QString();
}

void CacheStore::setMeta(const QString &key, const QString &value)
{
    m_db.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"))
        .bindAll({key, value})
        .run();
}

void CacheStore::resetForFullSync()
{
    sqlite::Transaction tx(m_db);
    for (const char *table : {"movie", "plan", "price", "kiosk", "dvd", "member", "technician"})
        m_db.prepare(QStringLiteral("DELETE FROM %1").arg(QLatin1String(table))).run();
    m_db.prepare(QStringLiteral("UPDATE sync_state SET from_snapshot = NULL, round_to = NULL, cursor_xid = NULL, "
                                "cursor_entity = NULL, cursor_key = NULL, cursor_live = NULL, round_total = 0, round_done = 0"))
        .run();
    tx.commit();
}

void CacheStore::applyRow(const CacheRow &r)
{
    const QJsonObject &d = r.data;
    if (r.entity == QLatin1String("movie")) {
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM movie WHERE movie_id = ?")).bind(1, r.key.toLongLong()).run();
            return;
        }
        m_db.prepare(QStringLiteral(
                         "INSERT INTO movie (movie_id, title, genre, categories, rating, release_year, runtime_min, blurb, "
                         "cover_ref, rent_from, rent_until, is_new_release, format, sell_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                         "ON CONFLICT (movie_id) DO UPDATE SET title = excluded.title, genre = excluded.genre, "
                         "categories = excluded.categories, rating = excluded.rating, release_year = excluded.release_year, "
                         "runtime_min = excluded.runtime_min, blurb = excluded.blurb, cover_ref = excluded.cover_ref, "
                         "rent_from = excluded.rent_from, rent_until = excluded.rent_until, is_new_release = excluded.is_new_release, "
                         "format = excluded.format, sell_from = excluded.sell_from"))
            .bindAll(
                {d.value(QStringLiteral("movie_id")).toInteger(), d.value(QStringLiteral("title")).toString(),
                 d.value(QStringLiteral("genre")).toString(),
                 QString::fromUtf8(QJsonDocument(d.value(QStringLiteral("categories")).toArray()).toJson(QJsonDocument::Compact)),
                 d.value(QStringLiteral("rating")).toString(), d.value(QStringLiteral("release_year")).toInteger(),
                 d.value(QStringLiteral("runtime_min")).toInteger(), d.value(QStringLiteral("blurb")).toString(),
                 d.value(QStringLiteral("cover_ref")).toString(), d.value(QStringLiteral("rent_from")).toString(),
                 // No end to the licence: NULL (the key may be null, absent or empty).
                 d.value(QStringLiteral("rent_until")).toString().isEmpty() ? QVariant()
                                                                            : QVariant(d.value(QStringLiteral("rent_until")).toString()),
                 d.value(QStringLiteral("is_new_release")).toBool() ? 1 : 0,
                 d.value(QStringLiteral("format")).toString(QStringLiteral("dvd")),
                 // Not for sale: NULL (as for the licence's end).
                 d.value(QStringLiteral("sell_from")).toString().isEmpty() ? QVariant()
                                                                           : QVariant(d.value(QStringLiteral("sell_from")).toString())})
            .run();
    } else if (r.entity == QLatin1String("price")) {
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM price WHERE key = ?")).bind(1, r.key).run();
            return;
        }
        // As text that sorts by time: UTC with milliseconds; the launch prices hold since forever.
        const QString from = d.value(QStringLiteral("valid_from")).toString();
        const QDateTime at = QDateTime::fromString(from, Qt::ISODateWithMs);
        if (from != QLatin1String("-infinity") && !at.isValid()) {
            qCWarning(lcCache) << "ignoring a price whose start is not a time" << r.key;
            return;
        }
        m_db.prepare(QStringLiteral("INSERT OR REPLACE INTO price (key, format, valid_from, night_extra_cents, max_extra_cents, "
                                    "sale_cents) VALUES (?,?,?,?,?,?)"))
            .bindAll({r.key, d.value(QStringLiteral("format")).toString(),
                      at.isValid() ? at.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
                                   : QStringLiteral("0000-01-01T00:00:00.000Z"),
                      d.value(QStringLiteral("night_extra_cents")).toInteger(), d.value(QStringLiteral("max_extra_cents")).toInteger(),
                      std::max<qint64>(0, d.value(QStringLiteral("sale_cents")).toInteger())})
            .run();
    } else if (r.entity == QLatin1String("dvd")) {
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM dvd WHERE barcode = ?")).bind(1, r.key).run();
            return;
        }
        m_db.prepare(QStringLiteral("INSERT INTO dvd (barcode, movie_id, slot_no, status, condition) VALUES (?,?,?,?,?) "
                                    "ON CONFLICT (barcode) DO UPDATE SET movie_id = excluded.movie_id, slot_no = excluded.slot_no, "
                                    "status = excluded.status, condition = excluded.condition"))
            .bindAll({d.value(QStringLiteral("barcode")).toString(), d.value(QStringLiteral("movie_id")).toInteger(),
                      d.value(QStringLiteral("slot_no")).isNull() ? QVariant() : QVariant(d.value(QStringLiteral("slot_no")).toInteger()),
                      d.value(QStringLiteral("status")).toString(), d.value(QStringLiteral("condition")).toString()})
            .run();
    } else if (r.entity == QLatin1String("kiosk")) {
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM kiosk WHERE kiosk_id = ?")).bind(1, r.key).run();
            return;
        }
        m_db.prepare(QStringLiteral("INSERT OR REPLACE INTO kiosk (kiosk_id, timezone, tax_rate_bp, slot_count) VALUES (?,?,?,?)"))
            .bindAll({d.value(QStringLiteral("kiosk_id")).toString(), d.value(QStringLiteral("timezone")).toString(),
                      d.value(QStringLiteral("tax_rate_bp")).toInteger(), d.value(QStringLiteral("slot_count")).toInteger()})
            .run();
    } else if (r.entity == QLatin1String("plan")) {
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM plan WHERE membership_id = ?")).bind(1, r.key.toLongLong()).run();
            return;
        }
        m_db.prepare(QStringLiteral("INSERT OR REPLACE INTO plan VALUES (?,?,?,?,?)"))
            .bindAll({d.value(QStringLiteral("membership_id")).toInteger(), d.value(QStringLiteral("plan_name")).toString(),
                      d.value(QStringLiteral("max_discs_out")).toInteger(), d.value(QStringLiteral("daily_rate_cents")).toInteger(),
                      d.value(QStringLiteral("max_charge_cents")).toInteger()})
            .run();
    } else if (r.entity == QLatin1String("member") || r.entity == QLatin1String("technician")) {
        const bool member = r.entity == QLatin1String("member");
        const QString table = member ? QStringLiteral("member") : QStringLiteral("technician");
        const QString idIndex = blind(member ? QByteArrayLiteral("member:") : QByteArrayLiteral("technician:"), r.key);
        if (r.deleted) {
            m_db.prepare(QStringLiteral("DELETE FROM %1 WHERE id_index = ?").arg(table)).bind(1, idIndex).run();
            return;
        }
        const QString lookup = blind(QByteArrayLiteral("card:"), d.value(QStringLiteral("card_hash")).toString());
        const QByteArray sealed = crypto::seal(m_key, QJsonDocument(d).toJson(QJsonDocument::Compact), lookup.toUtf8());
        m_db.prepare(QStringLiteral("DELETE FROM %1 WHERE id_index = ? AND lookup <> ?").arg(table)).bindAll({idIndex, lookup}).run();
        m_db.prepare(QStringLiteral("INSERT INTO %1 (lookup, id_index, sealed) VALUES (?,?,?) ON CONFLICT (lookup) DO UPDATE "
                                    "SET id_index = excluded.id_index, sealed = excluded.sealed")
                         .arg(table))
            .bindAll({lookup, idIndex, sealed})
            .run();
    } else {
        qCWarning(lcCache) << "ignoring a cache row of unknown kind" << r.entity;
    }
}

std::optional<MemberInfo> CacheStore::memberByCard(const QString &cardHash)
{
    const QString lookup = blind(QByteArrayLiteral("card:"), cardHash);
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT sealed FROM member WHERE lookup = ?"));
    s.bind(1, lookup);
    if (!s.step())
        return std::nullopt;
    const QJsonObject o = openSealed(m_key, s.blob(0), lookup);
    MemberInfo m;
    m.memberId = o.value(QStringLiteral("member_id")).toInteger();
    m.cardHash = cardHash;
    m.allowed = o.value(QStringLiteral("allowed")).toBool();
    m.discsOut = static_cast<int>(o.value(QStringLiteral("discs_out")).toInteger());
    m.planLimit = static_cast<int>(o.value(QStringLiteral("plan_limit")).toInteger());
    m.membershipId = static_cast<int>(o.value(QStringLiteral("membership_id")).toInteger());
    m.homeCoast = o.value(QStringLiteral("home_coast")).toString();
    if (o.value(QStringLiteral("locked_until")).isString())
        m.lockedUntil = QDateTime::fromString(o.value(QStringLiteral("locked_until")).toString(), Qt::ISODateWithMs);
    m.source = QStringLiteral("cache");
    sqlite::Statement p = m_db.prepare(QStringLiteral("SELECT daily_rate_cents, max_charge_cents FROM plan WHERE membership_id = ?"));
    p.bind(1, m.membershipId);
    if (p.step()) {
        m.dailyRateCents = static_cast<int>(p.int64(0));
        m.maxChargeCents = static_cast<int>(p.int64(1));
    }
    return m;
}

void CacheStore::adjustMemberDiscsOut(const QString &cardHash, int delta)
{
    const QString lookup = blind(QByteArrayLiteral("card:"), cardHash);
    sqlite::Transaction tx(m_db);
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT sealed FROM member WHERE lookup = ?"));
    s.bind(1, lookup);
    if (!s.step())
        return;
    QJsonObject o = openSealed(m_key, s.blob(0), lookup);
    o[QStringLiteral("discs_out")] = std::max<qint64>(0, o.value(QStringLiteral("discs_out")).toInteger() + delta);
    m_db.prepare(QStringLiteral("UPDATE member SET sealed = ? WHERE lookup = ?"))
        .bindAll({crypto::seal(m_key, QJsonDocument(o).toJson(QJsonDocument::Compact), lookup.toUtf8()), lookup})
        .run();
    tx.commit();
}

std::optional<TechnicianInfo> CacheStore::technicianByCard(const QString &cardHash)
{
    const QString lookup = blind(QByteArrayLiteral("card:"), cardHash);
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT sealed FROM technician WHERE lookup = ?"));
    s.bind(1, lookup);
    if (!s.step())
        return std::nullopt;
    const QJsonObject o = openSealed(m_key, s.blob(0), lookup);
    TechnicianInfo t;
    t.technicianId = o.value(QStringLiteral("technician_id")).toInteger();
    t.name = o.value(QStringLiteral("name")).toString();
    t.active = o.value(QStringLiteral("active")).toBool();
    return t;
}

QString CacheStore::cardKey(const QString &cardHash) const
{
    return blind(QByteArrayLiteral("card:"), cardHash);
}

QString CacheStore::verifier(const QString &cardHash)
{
    const QString lookup = blind(QByteArrayLiteral("verifier:"), cardHash);
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT sealed FROM verifier WHERE lookup = ?"));
    s.bind(1, lookup);
    if (!s.step())
        return {};
    return openSealed(m_key, s.blob(0), lookup).value(QStringLiteral("hash")).toString();
}

void CacheStore::setVerifier(const QString &cardHash, const QString &verifierHash)
{
    const QString lookup = blind(QByteArrayLiteral("verifier:"), cardHash);
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QJsonObject o{{QStringLiteral("hash"), verifierHash}, {QStringLiteral("made_at"), now}};
    m_db.prepare(QStringLiteral("INSERT INTO verifier (lookup, sealed, made_at) VALUES (?,?,?) ON CONFLICT (lookup) DO UPDATE "
                                "SET sealed = excluded.sealed, made_at = excluded.made_at"))
        .bindAll({lookup, crypto::seal(m_key, QJsonDocument(o).toJson(QJsonDocument::Compact), lookup.toUtf8()), now})
        .run();
}

// TODAY: the kiosk's date (YYYY-MM-DD), to tell whether the title's discs are on sale.
static Title titleFrom(const sqlite::Statement &s, const QString &today)
{
    Title t;
    t.movieId = static_cast<int>(s.int64(0));
    t.title = s.text(1);
    t.genre = s.text(2);
    t.rating = s.text(3);
    t.year = static_cast<int>(s.int64(4));
    t.runtime = static_cast<int>(s.int64(5));
    t.blurb = s.text(6);
    t.coverRef = s.text(7);
    t.newRelease = s.int64(8) != 0;
    t.available = static_cast<int>(s.int64(9));
    t.format = s.text(10);
    t.nightExtraCents = static_cast<int>(s.int64(11));
    const QString sellFrom = s.text(12);
    t.saleCents = !sellFrom.isEmpty() && sellFrom <= today ? static_cast<int>(s.int64(13)) : 0;
    return t;
}

static const char *kTitleColumns =
    "m.movie_id, m.title, m.genre, m.rating, m.release_year, m.runtime_min, m.blurb, m.cover_ref, m.is_new_release, "
    "(SELECT count(*) FROM dvd d WHERE d.movie_id = m.movie_id AND d.status = 'in' AND d.condition = 'good') AS available, "
    "m.format, coalesce((SELECT p.night_extra_cents FROM price p WHERE p.format = m.format "
    "AND p.valid_from <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ORDER BY p.valid_from DESC LIMIT 1), 0), "
    "coalesce(m.sell_from, ''), coalesce((SELECT p.sale_cents FROM price p WHERE p.format = m.format "
    "AND p.valid_from <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ORDER BY p.valid_from DESC LIMIT 1), 0)";

QList<Title> CacheStore::search(const QString &text, const QString &genre, const QString &rating, bool newOnly, bool availableOnly,
                                int limit)
{
    const QString match = ftsQuery(text);
    QString sql = QStringLiteral("SELECT %1 FROM movie m ").arg(QLatin1String(kTitleColumns));
    if (!match.isEmpty())
        sql += QStringLiteral("JOIN movie_fts f ON f.rowid = m.movie_id AND movie_fts MATCH :match ");
    // Only titles inside their licence window today (the red box refuses the others).
    sql += QStringLiteral("WHERE (:genre = '' OR m.genre = :genre) AND (:rating = '' OR m.rating = :rating) "
                          "AND (:new = 0 OR m.is_new_release = 1) "
                          "AND m.rent_from <= :today AND (m.rent_until IS NULL OR m.rent_until >= :today) ");
    if (availableOnly)
        sql += QStringLiteral(
            "AND EXISTS (SELECT 1 FROM dvd d WHERE d.movie_id = m.movie_id AND d.status = 'in' AND d.condition = 'good') ");
    else
        sql += QStringLiteral("AND EXISTS (SELECT 1 FROM dvd d WHERE d.movie_id = m.movie_id) ");
    sql += QStringLiteral("ORDER BY available > 0 DESC, m.title COLLATE NOCASE LIMIT :limit");
    sqlite::Statement s = m_db.prepare(sql);
    int i = 1;
    if (!match.isEmpty())
        s.bind(i++, match);
    s.bind(i++, genre.left(30));
    s.bind(i++, rating.left(8));
    s.bind(i++, newOnly ? 1 : 0);
    const QString day = today();
    s.bind(i++, day);
    s.bind(i, std::clamp(limit, 1, 1000));
    QList<Title> out;
    while (s.step())
        out << titleFrom(s, day);
    return out;
}

std::optional<Title> CacheStore::title(int movieId)
{
    const QString day = today();
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT %1 FROM movie m WHERE m.movie_id = ?").arg(QLatin1String(kTitleColumns)));
    s.bind(1, movieId);
    if (!s.step())
        return std::nullopt;
    return titleFrom(s, day);
}

QStringList CacheStore::genres()
{
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT DISTINCT m.genre FROM movie m WHERE EXISTS (SELECT 1 FROM dvd d WHERE d.movie_id = m.movie_id) ORDER BY 1"));
    QStringList out;
    while (s.step())
        out << s.text(0);
    return out;
}

static CachedDisc discFrom(const sqlite::Statement &s)
{
    return CachedDisc{s.text(0), static_cast<int>(s.int64(1)), static_cast<int>(s.int64(2)), s.text(3), s.text(4)};
}

std::optional<CachedDisc> CacheStore::disc(const QString &barcode)
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT barcode, movie_id, slot_no, status, condition FROM dvd WHERE barcode = ?"));
    s.bind(1, barcode);
    if (!s.step())
        return std::nullopt;
    return discFrom(s);
}

QList<CachedDisc> CacheStore::rentableDiscs(int movieId)
{
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT barcode, movie_id, slot_no, status, condition FROM dvd WHERE movie_id = ?1 AND status = 'in' "
                       "AND condition = 'good' AND EXISTS (SELECT 1 FROM movie m WHERE m.movie_id = ?1 AND m.rent_from <= ?2 "
                       "AND (m.rent_until IS NULL OR m.rent_until >= ?2)) ORDER BY slot_no"));
    s.bind(1, movieId);
    s.bind(2, today());
    QList<CachedDisc> out;
    while (s.step())
        out << discFrom(s);
    return out;
}

QList<CachedDisc> CacheStore::discs()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT barcode, movie_id, slot_no, status, condition FROM dvd ORDER BY slot_no"));
    QList<CachedDisc> out;
    while (s.step())
        out << discFrom(s);
    return out;
}

int CacheStore::slotCount()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT slot_count FROM kiosk WHERE kiosk_id = ?"));
    s.bind(1, m_kioskId);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

QString CacheStore::today()
{
    const QTimeZone zone(timezone().toUtf8());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return (zone.isValid() ? now.toTimeZone(zone) : now).date().toString(Qt::ISODate);
}

QString CacheStore::timezone()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT timezone FROM kiosk WHERE kiosk_id = ?"));
    s.bind(1, m_kioskId);
    return s.step() ? s.text(0) : QStringLiteral("UTC");
}

int CacheStore::taxRateBp()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT tax_rate_bp FROM kiosk WHERE kiosk_id = ?"));
    s.bind(1, m_kioskId);
    return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

int CacheStore::lowestNightCents()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT min(daily_rate_cents) FROM plan"));
    return s.step() && !s.isNull(0) ? static_cast<int>(s.int64(0)) : 0;
}

QList<int> CacheStore::freeSlots()
{
    const int n = slotCount();
    QList<bool> used(n + 1, false);
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT slot_no FROM dvd WHERE slot_no IS NOT NULL"));
    while (s.step()) {
        const qint64 slot = s.int64(0);
        if (slot >= 1 && slot <= n)
            used[static_cast<qsizetype>(slot)] = true;
    }
    QList<int> out;
    for (int i = 1; i <= n; ++i)
        if (!used[i])
            out << i;
    return out;
}

void CacheStore::setDiscOut(const QString &barcode)
{
    m_db.prepare(QStringLiteral("UPDATE dvd SET status = 'out', slot_no = NULL WHERE barcode = ?")).bind(1, barcode).run();
}

void CacheStore::setDiscIn(const QString &barcode, int movieId, int slot)
{
    m_db.prepare(QStringLiteral("INSERT INTO dvd (barcode, movie_id, slot_no, status, condition) VALUES (?,?,?,'in','good') "
                                "ON CONFLICT (barcode) DO UPDATE SET slot_no = excluded.slot_no, status = 'in'"))
        .bindAll({barcode, movieId, slot})
        .run();
}

void CacheStore::setDiscCondition(const QString &barcode, const QString &condition)
{
    m_db.prepare(QStringLiteral("UPDATE dvd SET condition = ? WHERE barcode = ?")).bindAll({condition, barcode}).run();
}

CacheStore::Counts CacheStore::counts()
{
    Counts c;
    auto one = [&](const char *sql) {
        sqlite::Statement s = m_db.prepare(QLatin1String(sql));
        s.step();
        return s.int64(0);
    };
    c.movies = one("SELECT count(*) FROM movie");
    c.members = one("SELECT count(*) FROM member");
    c.discs = one("SELECT count(*) FROM dvd");
    c.technicians = one("SELECT count(*) FROM technician");
    c.verifiers = one("SELECT count(*) FROM verifier");
    return c;
}

}   // namespace redbox
