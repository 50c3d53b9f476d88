// The kiosk's stored functions called the way a kiosk calls them (kiosk role,
// TLS, parameters bound), for tests of the distributed transactions.
#pragma once

#include "testnetwork.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

#include <optional>

namespace redbox::test {

struct Rented {
    QUuid rentalId;
    qint64 memberId = 0;
    QString barcode;
    QDateTime dueAt;
    int amountCents = 0;
    int taxCents = 0;
    int discsOut = 0;
    int planLimit = 0;
    bool offlineLimited = false;
    bool replayed = false;
};

struct Returned {
    QUuid returnId;
    QUuid rentalId;   // null when the disc was rented elsewhere
    QString title;
    bool foreignDisc = false;
    int nights = 0;
    int chargeCents = 0;
    int lateCents = 0;
    bool replayed = false;
};

class KioskCalls {
public:
    KioskCalls(const QString &node, int kiosk = 1);

    const QString &node() const { return m_node; }
    const QString &kioskId() const { return m_kioskId; }
    pg::Connection &conn() { return m_conn; }

    Rented rent(const QString &cardHash, const QString &barcode, const QDateTime &rentedAt = QDateTime::currentDateTimeUtc(),
                const std::optional<QJsonDocument> &ticket = std::nullopt, bool offline = false, QUuid rentalId = QUuid::createUuid(),
                QUuid paymentId = QUuid::createUuid());
    Returned giveBack(const QString &barcode, const QDateTime &returnedAt = QDateTime::currentDateTimeUtc(),
                      QUuid returnId = QUuid::createUuid());
    // The disc back into SLOT (the one it was rented from), for tests that rent the same discs over and over.
    Returned giveBackTo(const QString &barcode, int slot);
    // A free slot of this kiosk (different each call within a test run).
    int freeSlot();

private:
    Returned giveBack(const QString &barcode, const QDateTime &returnedAt, QUuid returnId, int slot);
    QString m_node;
    QString m_kioskId;
    pg::Connection m_conn;
};

// The escalation of paper section 7: the kiosk's coast, then HQ, as the verifier.
std::optional<QJsonDocument> escalate(const QString &coastNode, const QString &cardHash);

}   // namespace redbox::test
