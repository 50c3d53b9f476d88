// The kiosk's local SQLite cache of its red box's vertical partition:
// catalog (with FTS5 search), this kiosk's discs and slots, the coast's
// members and the technicians (sealed with AES-256-GCM under the kiosk's key,
// found by keyed blind indexes; no PIN hashes: servers check PINs), and the
// kiosk's own PIN verifiers of cards it saw signed in online (for offline). Numbered migrations run in transactions; a
// cache written by a newer version is refused; a corrupted file is moved
// aside and rebuilt empty (the next sync refills it; the offline outbox lives
// in its own file and is never touched).
#pragma once

#include "core/kiosktypes.h"
#include "sqlite/sqlite.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <stdexcept>

namespace redbox {

class CacheError : public std::runtime_error {
public:
    enum class Kind { NewerVersion, Corrupt, Io };
    CacheError(Kind kind, const QString &message) : std::runtime_error(message.toStdString()), m_kind(kind), m_message(message) {}
    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }

private:
    Kind m_kind;
    QString m_message;
};

struct SyncCursor {
    QString fromSnapshot;   // empty: never synced
    QString roundTo;   // empty: no round in progress
    QString xid, entity, key;
    bool live = true;
    qint64 roundTotal = 0;
    qint64 roundDone = 0;
    QDateTime lastSync;
};

struct CacheRow {
    QString xid;
    QString entity;   // movie | member | kiosk | dvd | technician
    QString key;
    bool deleted = false;
    QJsonObject data;
};

class CacheStore {
public:
    static constexpr int SchemaVersion = 4;

    // Opens (or creates) the cache at PATH. A corrupted file is moved aside
    // and a fresh cache made (rebuilt() tells); a newer one throws NewerVersion.
    CacheStore(const QString &path, QByteArray kioskKey, QString kioskId);

    bool rebuilt() const { return m_rebuilt; }
    const QString &path() const { return m_path; }

    SyncCursor cursor();
    void beginRound(const QString &toSnapshot, qint64 total);
    // Applies one page and moves the cursor in the same transaction (resumable after a kill).
    void applyPage(const QList<CacheRow> &rows);
    void finishRound();
    // Small facts the kiosk keeps across restarts (the maintenance entry's lockout).
    QString meta(const QString &key);
    void setMeta(const QString &key, const QString &value);
    // Forgets every cached row and the cursor: the next round fetches everything.
    void resetForFullSync();

    std::optional<MemberInfo> memberByCard(const QString &cardHash);
    std::optional<TechnicianInfo> technicianByCard(const QString &cardHash);
    // The kiosk's own PIN verifier of a card ("pbkdf2-sha256$..."), made after a server checked
    // its PIN; empty when the kiosk has none.
    QString verifier(const QString &cardHash);
    void setVerifier(const QString &cardHash, const QString &verifierHash);
    // The card's keyed blind index: what the kiosk keeps instead of the card hash (lockout counts).
    QString cardKey(const QString &cardHash) const;
    void adjustMemberDiscsOut(const QString &cardHash, int delta);

    QList<Title> search(const QString &text, const QString &genre = {}, const QString &rating = {}, bool newOnly = false,
                        bool availableOnly = false, int limit = 60);
    std::optional<Title> title(int movieId);
    QStringList genres();
    std::optional<CachedDisc> disc(const QString &barcode);
    QList<CachedDisc> rentableDiscs(int movieId);
    QList<CachedDisc> discs();
    QList<int> freeSlots();
    int slotCount();
    QString timezone();
    // The kiosk's date (in its time zone), as the licence windows are written: YYYY-MM-DD.
    QString today();
    int taxRateBp();
    // The cheapest nightly rate of the plans synced here (0 when none is).
    int lowestNightCents();
    void setDiscOut(const QString &barcode);
    void setDiscIn(const QString &barcode, int movieId, int slot);
    void setDiscCondition(const QString &barcode, const QString &condition);

    struct Counts {
        qint64 movies = 0, members = 0, discs = 0, technicians = 0, verifiers = 0;
    };
    Counts counts();

private:
    void openOrRebuild();
    void migrate();
    QString blind(const QByteArray &label, const QString &value) const;
    void applyRow(const CacheRow &row);

    QString m_path;
    QByteArray m_key;
    QString m_kioskId;
    sqlite::Database m_db;
    bool m_rebuilt = false;
};

}   // namespace redbox
