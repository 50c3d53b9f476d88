// The kiosk's durable offline outbox (see offlineoutbox.h).
#include "outbox/offlineoutbox.h"

#include "crypto/crypto.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>

#include <stdexcept>

namespace redbox {

namespace {

// An entry that cannot be sent, ever: it is parked with this, and the ones behind it go on.
const QString kUnreadable = QStringLiteral(
    "this entry does not open with the kiosk's key (sealed under another key, or damaged on disk); kept for a technician");

}   // namespace

OfflineOutbox::OfflineOutbox(const QString &path, QByteArray kioskKey) : m_key(std::move(kioskKey))
{
    m_db = sqlite::Database::open(path, sqlite::Database::Mode::ReadWrite, true);
    int v = m_db.userVersion();
    if (v > 5)
        throw std::runtime_error("the outbox " + path.toStdString() + " was written by a newer kiosk version; refusing to open it");
    const QString check = m_db.integrityCheck();
    if (check != QLatin1String("ok"))
        throw OutboxDamaged("the outbox " + path.toStdString() + " is damaged (" + check.left(200).toStdString() + ")");
    if (v == 0) {
        sqlite::Transaction tx(m_db);
        m_db.exec(QStringLiteral("CREATE TABLE action ("
                                 " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                                 " id TEXT NOT NULL UNIQUE,"
                                 " kind TEXT NOT NULL CHECK (kind IN ('rent', 'void', 'return')),"
                                 " sealed BLOB NOT NULL,"
                                 " member_key TEXT,"
                                 " created_at TEXT NOT NULL,"
                                 " attempts INTEGER NOT NULL DEFAULT 0,"
                                 " last_error TEXT,"
                                 " parked_at TEXT);"
                                 "CREATE INDEX action_member ON action (member_key) WHERE parked_at IS NULL;"
                                 "PRAGMA user_version = 1;"));
        tx.commit();
        v = 1;
    }
    if (v == 1) {
        // Version 2: the dispense journal (rentals asked for whose disc has not come out yet).
        sqlite::Transaction tx(m_db);
        m_db.exec(QStringLiteral("CREATE TABLE dispense ("
                                 " rental_id TEXT PRIMARY KEY,"
                                 " barcode TEXT NOT NULL,"
                                 " slot INTEGER NOT NULL,"
                                 " created_at TEXT NOT NULL);"
                                 "PRAGMA user_version = 2;"));
        tx.commit();
        v = 2;
    }
    if (v == 2) {
        // Version 3: technicians' audit rows wait here too (kind 'audit'). SQLite cannot alter a
        // CHECK: the table is copied into one with the wider check, in one transaction.
        sqlite::Transaction tx(m_db);
        m_db.exec(QStringLiteral(
            "CREATE TABLE action3 ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " id TEXT NOT NULL UNIQUE,"
            " kind TEXT NOT NULL CHECK (kind IN ('rent', 'void', 'return', 'audit')),"
            " sealed BLOB NOT NULL,"
            " member_key TEXT,"
            " created_at TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " last_error TEXT,"
            " parked_at TEXT);"
            "INSERT INTO action3 SELECT seq, id, kind, sealed, member_key, created_at, attempts, last_error, parked_at FROM action;"
            "DROP TABLE action;"
            "ALTER TABLE action3 RENAME TO action;"
            "CREATE INDEX action_member ON action (member_key) WHERE parked_at IS NULL;"
            "PRAGMA user_version = 3;"));
        tx.commit();
        v = 3;
    }
    if (v == 3) {
        // Version 4: a disc's dispense reported to the red box ('dispensed': after that its rental
        // cannot be voided) and PIN attempts checked offline ('pin') wait here too.
        sqlite::Transaction tx(m_db);
        m_db.exec(QStringLiteral(
            "CREATE TABLE action4 ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " id TEXT NOT NULL UNIQUE,"
            " kind TEXT NOT NULL CHECK (kind IN ('rent', 'void', 'return', 'audit', 'dispensed', 'pin')),"
            " sealed BLOB NOT NULL,"
            " member_key TEXT,"
            " created_at TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " last_error TEXT,"
            " parked_at TEXT);"
            "INSERT INTO action4 SELECT seq, id, kind, sealed, member_key, created_at, attempts, last_error, parked_at FROM action;"
            "DROP TABLE action;"
            "ALTER TABLE action4 RENAME TO action;"
            "CREATE INDEX action_member ON action (member_key) WHERE parked_at IS NULL;"
            "PRAGMA user_version = 4;"));
        tx.commit();
        v = 4;
    }
    if (v == 4) {
        // Version 5: the store journal (returned discs going into a slot, not yet recorded).
        sqlite::Transaction tx(m_db);
        m_db.exec(QStringLiteral("CREATE TABLE store ("
                                 " return_id TEXT PRIMARY KEY,"
                                 " barcode TEXT NOT NULL,"
                                 " slot INTEGER NOT NULL,"
                                 " created_at TEXT NOT NULL);"
                                 "PRAGMA user_version = 5;"));
        tx.commit();
    }
}

void OfflineOutbox::beginDispense(const QUuid &rentalId, const QString &barcode, int slot)
{
    m_db.prepare(QStringLiteral("INSERT INTO dispense (rental_id, barcode, slot, created_at) VALUES (?,?,?,?) "
                                "ON CONFLICT (rental_id) DO NOTHING"))
        .bindAll({rentalId.toString(QUuid::WithoutBraces), barcode, slot, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)})
        .run();
}

void OfflineOutbox::endDispense(const QUuid &rentalId)
{
    m_db.prepare(QStringLiteral("DELETE FROM dispense WHERE rental_id = ?")).bind(1, rentalId.toString(QUuid::WithoutBraces)).run();
}

QList<PendingDispense> OfflineOutbox::pendingDispenses()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT rental_id, barcode, slot, created_at FROM dispense ORDER BY created_at"));
    QList<PendingDispense> out;
    while (s.step())
        out.append(
            {QUuid::fromString(s.text(0)), s.text(1), static_cast<int>(s.int64(2)), QDateTime::fromString(s.text(3), Qt::ISODateWithMs)});
    return out;
}

void OfflineOutbox::beginStore(const QUuid &returnId, const QString &barcode, int slot)
{
    m_db.prepare(QStringLiteral("INSERT INTO store (return_id, barcode, slot, created_at) VALUES (?,?,?,?) "
                                "ON CONFLICT (return_id) DO NOTHING"))
        .bindAll({returnId.toString(QUuid::WithoutBraces), barcode, slot, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)})
        .run();
}

void OfflineOutbox::endStore(const QUuid &returnId)
{
    m_db.prepare(QStringLiteral("DELETE FROM store WHERE return_id = ?")).bind(1, returnId.toString(QUuid::WithoutBraces)).run();
}

QList<PendingStore> OfflineOutbox::pendingStores()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT return_id, barcode, slot, created_at FROM store ORDER BY created_at"));
    QList<PendingStore> out;
    while (s.step())
        out.append(
            {QUuid::fromString(s.text(0)), s.text(1), static_cast<int>(s.int64(2)), QDateTime::fromString(s.text(3), Qt::ISODateWithMs)});
    return out;
}

QString OfflineOutbox::blind(const QString &value) const
{
    return QString::fromLatin1(QMessageAuthenticationCode::hash("outbox:" + value.toUtf8(), m_key, QCryptographicHash::Sha256).toHex());
}

void OfflineOutbox::add(const QUuid &id, const QString &kind, const QJsonObject &payload, const QString &memberKey)
{
    const QString sid = id.toString(QUuid::WithoutBraces);
    m_db.prepare(QStringLiteral("INSERT INTO action (id, kind, sealed, member_key, created_at) VALUES (?,?,?,?,?) "
                                "ON CONFLICT (id) DO NOTHING"))
        .bindAll({sid, kind, crypto::seal(m_key, QJsonDocument(payload).toJson(QJsonDocument::Compact), sid.toUtf8()),
                  memberKey.isEmpty() ? QVariant() : QVariant(blind(memberKey)),
                  QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)})
        .run();
}

OutboxEntry OfflineOutbox::read(const sqlite::Statement &s, bool *readable)
{
    OutboxEntry e;
    e.seq = s.int64(0);
    e.id = QUuid::fromString(s.text(1));
    e.kind = s.text(2);
    const auto plain = crypto::open(m_key, s.blob(3), s.text(1).toUtf8());
    const QJsonDocument doc = plain ? QJsonDocument::fromJson(*plain) : QJsonDocument();
    *readable = doc.isObject() && !e.id.isNull();
    e.payload = doc.object();
    e.createdAt = QDateTime::fromString(s.text(4), Qt::ISODateWithMs);
    e.attempts = static_cast<int>(s.int64(5));
    e.lastError = s.text(6);
    e.parked = !s.isNull(7);
    return e;
}

std::optional<OutboxEntry> OfflineOutbox::next()
{
    const QList<OutboxEntry> first = nextBatch(1);
    return first.isEmpty() ? std::nullopt : std::optional<OutboxEntry>(first.front());
}

QList<OutboxEntry> OfflineOutbox::nextBatch(int limit)
{
    for (;;) {
        QList<OutboxEntry> out;
        QList<qint64> unreadable;
        {
            sqlite::Statement s = m_db.prepare(
                QStringLiteral("SELECT seq, id, kind, sealed, created_at, attempts, last_error, parked_at FROM action "
                               "WHERE parked_at IS NULL ORDER BY seq LIMIT ?"));
            s.bind(1, static_cast<qint64>(std::max(1, limit)));
            while (s.step()) {
                bool readable = false;
                OutboxEntry e = read(s, &readable);
                if (readable)
                    out << e;
                else
                    unreadable << e.seq;
            }
        }
        if (unreadable.isEmpty())
            return out;
        for (const qint64 seq : std::as_const(unreadable))
            park(seq, kUnreadable);
    }
}

void OfflineOutbox::settle(const QList<QPair<qint64, QString>> &parkedWhy)
{
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    sqlite::Transaction tx(m_db);
    sqlite::Statement remove = m_db.prepare(QStringLiteral("DELETE FROM action WHERE seq = ?"));
    sqlite::Statement park = m_db.prepare(
        QStringLiteral("UPDATE action SET attempts = attempts + 1, last_error = ?, parked_at = ? WHERE seq = ?"));
    for (const auto &[seq, why] : parkedWhy) {
        if (why.isEmpty()) {
            remove.reset();
            remove.bind(1, seq).run();
        } else {
            park.reset();
            park.bindAll({why.left(500), now, seq}).run();
        }
    }
    tx.commit();
}

int OfflineOutbox::salvageFrom(const QString &damagedPath)
{
    int copied = 0;
    try {
        sqlite::Database old = sqlite::Database::open(damagedPath, sqlite::Database::Mode::ReadOnly, false);
        sqlite::Statement s = old.prepare(
            QStringLiteral("SELECT id, kind, sealed, member_key, created_at, attempts, last_error, parked_at FROM action ORDER BY seq"));
        sqlite::Statement j = old.prepare(QStringLiteral("SELECT rental_id, barcode, slot, created_at FROM dispense"));
        sqlite::Transaction tx(m_db);
        // Row by row: SQLite may read rows past a damaged page; the first one it cannot read ends it.
        try {
            while (s.step()) {
                m_db.prepare(
                        QStringLiteral("INSERT INTO action (id, kind, sealed, member_key, created_at, attempts, last_error, parked_at) "
                                       "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING"))
                    .bindAll({s.text(0), s.text(1), s.blob(2), s.isNull(3) ? QVariant() : QVariant(s.text(3)), s.text(4), s.int64(5),
                              s.isNull(6) ? QVariant() : QVariant(s.text(6)), s.isNull(7) ? QVariant() : QVariant(s.text(7))})
                    .run();
                ++copied;
            }
        } catch (const std::exception &) {
        }
        try {
            while (j.step())
                m_db.prepare(QStringLiteral("INSERT INTO dispense (rental_id, barcode, slot, created_at) VALUES (?,?,?,?) "
                                            "ON CONFLICT (rental_id) DO NOTHING"))
                    .bindAll({j.text(0), j.text(1), j.int64(2), j.text(3)})
                    .run();
        } catch (const std::exception &) {
        }
        try {
            if (old.userVersion() >= 5) {
                sqlite::Statement st = old.prepare(QStringLiteral("SELECT return_id, barcode, slot, created_at FROM store"));
                while (st.step())
                    m_db.prepare(QStringLiteral("INSERT INTO store (return_id, barcode, slot, created_at) VALUES (?,?,?,?) "
                                                "ON CONFLICT (return_id) DO NOTHING"))
                        .bindAll({st.text(0), st.text(1), st.int64(2), st.text(3)})
                        .run();
            }
        } catch (const std::exception &) {
        }
        tx.commit();
    } catch (const std::exception &) {
        // Not even readable as a database: nothing to copy; the file stays aside for a technician.
    }
    return copied;
}

void OfflineOutbox::done(qint64 seq)
{
    m_db.prepare(QStringLiteral("DELETE FROM action WHERE seq = ?")).bind(1, seq).run();
}

void OfflineOutbox::failed(qint64 seq, const QString &error)
{
    m_db.prepare(QStringLiteral("UPDATE action SET attempts = attempts + 1, last_error = ? WHERE seq = ?"))
        .bindAll({error.left(500), seq})
        .run();
}

void OfflineOutbox::park(qint64 seq, const QString &error)
{
    m_db.prepare(QStringLiteral("UPDATE action SET attempts = attempts + 1, last_error = ?, parked_at = ? WHERE seq = ?"))
        .bindAll({error.left(500), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), seq})
        .run();
}

QList<OutboxEntry> OfflineOutbox::parked()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral(
        "SELECT seq, id, kind, sealed, created_at, attempts, last_error, parked_at FROM action WHERE parked_at IS NOT NULL ORDER BY seq"));
    QList<OutboxEntry> out;
    bool readable = false;
    while (s.step())
        out << read(s, &readable);   // an unreadable one is listed with its reason
    return out;
}

int OfflineOutbox::depth()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT count(*) FROM action WHERE parked_at IS NULL"));
    s.step();
    return static_cast<int>(s.int64(0));
}

qint64 OfflineOutbox::oldestAgeSeconds()
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT min(created_at) FROM action WHERE parked_at IS NULL"));
    if (!s.step() || s.isNull(0))
        return 0;
    return QDateTime::fromString(s.text(0), Qt::ISODateWithMs).secsTo(QDateTime::currentDateTimeUtc());
}

int OfflineOutbox::queuedFor(const QString &memberKey)
{
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT count(*) FROM action WHERE member_key = ? AND kind = 'rent' AND parked_at IS NULL"));
    s.bind(1, blind(memberKey));
    s.step();
    return static_cast<int>(s.int64(0));
}

void OfflineOutbox::retryParked()
{
    m_db.exec(QStringLiteral("UPDATE action SET parked_at = NULL WHERE parked_at IS NOT NULL"));
}

}   // namespace redbox
