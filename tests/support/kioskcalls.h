// The kiosk's stored functions called the way a kiosk calls them (the kiosk's
// own login, TLS, parameters bound), for tests of the distributed transactions.
#pragma once

#include "testnetwork.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

#include <optional>

namespace redbox::test {

struct Rented {
    QString outcome;   // rented | parked (a replayed offline rental the red box kept for an operator)
    QString note;   // why it was parked
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

struct SignedIn {
    QString outcome;   // ok | wrong_pin | locked
    int triesLeft = 0;
    QDateTime lockedUntil;
    std::optional<QJsonDocument> ticket;
    // On ok: the card as the server that answered counts it.
    int discsOut = 0;
    int planLimit = 0;
    int plan = 0;
    QString homeCoast;
};

struct Promo {
    QString outcome;   // ok | unknown | expired | used | throttled
    int centsOff = 0;
    std::optional<QJsonDocument> grant;
    QString message;
};

class KioskCalls {
public:
    KioskCalls(const QString &node, int kiosk = 1);

    const QString &node() const { return m_node; }
    const QString &kioskId() const { return m_kioskId; }
    pg::Connection &conn() { return m_conn; }

    // The member's PIN at the red box (default: the card's own PIN, from the generated roster).
    SignedIn signIn(const QString &cardHash, const std::optional<QString> &pin = std::nullopt);
    // At the kiosk's coast, then HQ, over the kiosk's escalation login: the PIN checked there and
    // the ticket for this kiosk's red box (nullopt when no tier knows the card).
    std::optional<QJsonDocument> escalate(const QString &cardHash);
    // A walk-up card (a bank card, no PIN) at the red box: as it knows the card, or new to the network.
    SignedIn walkUp(const QString &cardHash);
    // A walk-up card this kiosk's red box does not know, at its coast, then HQ (nullopt: neither knows it).
    std::optional<SignedIn> escalateWalkUp(const QString &cardHash);
    // A promo code for this card and transaction at HQ, over the kiosk's escalation login.
    Promo redeemPromo(const QString &cardHash, const QString &code, const QUuid &grantId = QUuid::createUuid());
    // The next rent() carries this promo grant (once).
    void usePromo(const std::optional<QJsonDocument> &grant) { m_promo = grant; }
    // The kiosk's escalation login at NODE (its coast, or HQ).
    pg::Connection escalationConnection(const QString &node) const;

    // Online (OFFLINEAT empty): the red box's time, with TICKET, or this card's sign-in here when
    // none is given. Offline: replayed as the kiosk's outbox replays a rental made at OFFLINEAT.
    Rented rent(const QString &cardHash, const QString &barcode, const std::optional<QDateTime> &offlineAt = std::nullopt,
                const std::optional<QJsonDocument> &ticket = std::nullopt, QUuid rentalId = QUuid::createUuid(),
                QUuid paymentId = QUuid::createUuid());
    // A disc bought (online, on this card's sign-in here unless TICKET is given); final once dispensed().
    Rented buy(const QString &cardHash, const QString &barcode, const std::optional<QJsonDocument> &ticket = std::nullopt,
               QUuid rentalId = QUuid::createUuid());
    // The card reader's token for the next rentals (empty: a new random one each time).
    void useCardToken(const QString &token) { m_cardToken = token; }
    // The disc came out of its slot (a void is refused after this).
    void dispensed(const QUuid &rentalId);
    Returned giveBack(const QString &barcode, const std::optional<QDateTime> &offlineAt = std::nullopt,
                      QUuid returnId = QUuid::createUuid());
    // The disc back into SLOT (the one it was rented from), for tests that rent the same discs over and over.
    Returned giveBackTo(const QString &barcode, int slot);
    // A free slot of this kiosk (different each call within a test run).
    int freeSlot();

private:
    std::optional<QJsonDocument> proofFor(const QString &cardHash, const std::optional<QJsonDocument> &ticket);
    QString nextCardToken() const;
    Returned giveBack(const QString &barcode, const std::optional<QDateTime> &offlineAt, QUuid returnId, int slot);
    QString m_node;
    QString m_kioskId;
    QString m_cardToken;
    std::optional<QJsonDocument> m_promo;
    pg::Connection m_conn;
};

}   // namespace redbox::test
