// The kiosk's durable offline outbox: rentals, voids and returns taken while
// neither server of the red box answered, kept in their own SQLite file
// (WAL, synchronous=FULL) under their UUIDs, sealed with the kiosk's key,
// and replayed in order when the red box is back. Replay is exactly once
// because the red box's functions are idempotent on those UUIDs; an entry is
// removed only after the red box has it. An entry the red box refuses for a
// reason no retry can fix is parked with its error for a technician. The
// same file keeps the dispense journal (see beginDispense) and the store
// journal (see beginStore).
#pragma once

#include "sqlite/sqlite.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>
#include <stdexcept>

namespace redbox {

struct OutboxEntry {
    qint64 seq = 0;
    QUuid id;
    QString kind;   // rent | void | return | audit
    QJsonObject payload;
    QDateTime createdAt;
    int attempts = 0;
    QString lastError;
    bool parked = false;
};

// A rental the kiosk asked the red box for whose disc has not come out yet.
struct PendingDispense {
    QUuid rentalId;
    QString barcode;
    int slot = 0;
    QDateTime createdAt;
};

// A returned disc the kiosk began to store whose return is not recorded yet.
struct PendingStore {
    QUuid returnId;
    QString barcode;
    int slot = 0;
    QDateTime createdAt;
};

// The outbox file fails SQLite's integrity check.
class OutboxDamaged : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class OfflineOutbox {
public:
    // Throws OutboxDamaged for a file that fails its integrity check, std::runtime_error otherwise.
    OfflineOutbox(const QString &path, QByteArray kioskKey);
    // Copies every entry (and both journals) that can still be read from a damaged outbox
    // file into this one, in order; returns how many entries.
    int salvageFrom(const QString &damagedPath);

    // Durable when it returns (fsync'd commit).
    void add(const QUuid &id, const QString &kind, const QJsonObject &payload, const QString &memberKey = {});
    // Oldest entry not parked. One that cannot be opened (sealed under a key that is gone, or
    // damaged) is parked with the reason on the way: it never holds up the ones behind it.
    std::optional<OutboxEntry> next();
    // The oldest LIMIT entries not parked, in order (unreadable ones parked on the way, as next()).
    QList<OutboxEntry> nextBatch(int limit);
    void done(qint64 seq);
    void failed(qint64 seq, const QString &error);   // transient: stays first in line
    void park(qint64 seq, const QString &error);
    // What the red box made of a replayed batch, in one commit: each entry removed, or parked
    // with its reason (an empty reason removes it).
    void settle(const QList<QPair<qint64, QString>> &parkedWhy);
    QList<OutboxEntry> parked();
    int depth();   // queued, not parked
    qint64 oldestAgeSeconds();
    int queuedFor(const QString &memberKey);   // queued offline rentals of one member
    void retryParked();

    // The dispense journal: written before a rental is sent, removed once the disc came out
    // or the rental was voided. What a crash leaves here is voided when the kiosk restarts:
    // a customer is never charged for a disc that stayed in the machine.
    void beginDispense(const QUuid &rentalId, const QString &barcode, int slot);
    void endDispense(const QUuid &rentalId);
    QList<PendingDispense> pendingDispenses();

    // The store journal: written before a returned disc is stored, removed once its return is
    // recorded (or the disc was given back). What a crash leaves here is recorded as returned
    // when the kiosk restarts: the customer gave the disc in and cannot have it back.
    void beginStore(const QUuid &returnId, const QString &barcode, int slot);
    void endStore(const QUuid &returnId);
    QList<PendingStore> pendingStores();

private:
    OutboxEntry read(const sqlite::Statement &s, bool *readable);
    QString blind(const QString &value) const;

    sqlite::Database m_db;
    QByteArray m_key;
};

}   // namespace redbox
