// What the kiosk's screens and the simulator exchange with the sync engine:
// plain values, copyable across threads.
#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace redbox {

// The kiosk API level this kiosk speaks (schema/common/030_kiosk_api.sql): raised by
// a release whose kiosk calls something the previous release's servers lack. Level 2:
// the kiosk logs in as itself, servers check PINs and keep the time (migration 035).
inline constexpr int kKioskApiLevel = 2;

// Why a call did not succeed, in words a screen can show and a test can check.
enum class Failure {
    None,
    UnknownCard,   // not a member anywhere (after escalation)
    NotAllowed,   // account on hold
    LimitReached,   // plan limit (or offline allowance)
    DiscUnavailable,   // out, damaged, wrong kiosk, outside its window
    DiscNotOurs,   // not one of our discs / not rentable here
    DiscAlreadyIn,
    BadInput,   // malformed card data, PIN, barcode, oversized value
    Offline,   // neither the red box nor the offline path could take it
    InDoubt,   // the answer was lost and the lookup by id did not settle it yet
    PromoRefused,   // the red box would not take the promo grant (the rental was not made)
    Internal,
};

QString failureName(Failure f);

struct MemberInfo {
    qint64 memberId = 0;
    QString cardHash;
    bool allowed = false;
    int discsOut = 0;
    int planLimit = 0;
    int membershipId = 0;
    QString homeCoast;
    int dailyRateCents = 0;
    int maxChargeCents = 0;
    bool away = false;   // verified by escalation, not known at this red box
    bool walkUp = false;   // a bank card: no PIN, its billing ZIP goes with the authorization
    // The sign-in's proof: a server checked the PIN (the red box, or the coast or HQ for an away
    // member) and signed this for this kiosk and card. Empty: not signed in, or signed in offline.
    std::optional<QJsonDocument> ticket;
    QDateTime lockedUntil;   // too many wrong PINs: no sign-in until then (invalid: not locked)
    QString source;   // where the card was found: "redbox", "cache", "west", "east", "hq"
};

struct RentRequest {
    QUuid rentalId = QUuid::createUuid();
    QUuid paymentId = QUuid::createUuid();
    QString barcode;
    int slot = 0;   // where the disc sits (0: as the cache says)
    MemberInfo member;
    QString cardToken;   // from the payment processor (the card reader)
    QString cardLast4;
    // HQ's grant of a promo code for this card, taken off this disc's first night (one disc per transaction).
    std::optional<QJsonDocument> promoGrant;
    // The disc is bought ("previously viewed"), not rented: online only, its sale price once.
    bool purchase = false;
    // The kiosk's time, on the red box's clock (the measured skew applied): counts only for a
    // rental made offline; an online rental takes the red box's time.
    QDateTime rentedAt = QDateTime::currentDateTimeUtc();
};

// A promo code the customer typed, as HQ answered it: a grant for this card and kiosk worth up
// to CENTSOFF off one disc's first night, or why not.
struct PromoResult {
    Failure failure = Failure::None;   // BadInput: refused (OUTCOME and MESSAGE say why); Offline: not checked
    QString outcome;   // HQ's word: ok, unknown, expired, used, throttled (empty: no answer)
    QString message;
    QString code;   // as the kiosk sent it (capitals, no spaces)
    QUuid grantId;
    int centsOff = 0;
    std::optional<QJsonDocument> grant;
};

struct RentResult {
    Failure failure = Failure::None;
    QString message;
    QUuid rentalId;
    QString barcode;
    QDateTime dueAt;
    int amountCents = 0;
    int taxCents = 0;
    int discsOut = 0;
    bool offline = false;   // kept in the kiosk's durable outbox, not yet at the red box
    bool replayed = false;
    bool parked = false;   // a replayed offline rental the red box kept for an operator (message: why)
};

struct ReturnRequest {
    QUuid returnId = QUuid::createUuid();
    QString barcode;
    int slot = 0;
    QDateTime returnedAt = QDateTime::currentDateTimeUtc();   // used only if the return is made offline
};

struct ReturnResult {
    Failure failure = Failure::None;
    QString message;
    QUuid returnId;
    QUuid rentalId;
    int movieId = 0;
    QString title;
    bool foreignDisc = false;
    int nights = 0;
    int chargeCents = 0;
    int lateCents = 0;
    bool offline = false;
};

// A void of a rental whose disc did not come out.
struct VoidRequest {
    QUuid rentalId;
    QString barcode;
    int slot = 0;
    bool damaged = false;
    QString reason;
    // The dispense was tried and failed (a jam, no answer, a wrong disc at the exit): nobody knows
    // what is in the slot now, so the disc is not offered again until a technician has looked.
    bool suspect = false;
};

// The condition a void leaves its disc in.
inline QString conditionAfter(const VoidRequest &v)
{
    return v.damaged ? QStringLiteral("damaged") : v.suspect ? QStringLiteral("suspect") : QString();
}

// One thing a technician did, for the audit log that replicates to HQ.
struct AuditEntry {
    QUuid auditId = QUuid::createUuid();
    // The technician's red box session (tech_sign_in): the red box names the technician from it.
    // Without one (signed in through the coast, or offline) the id below is the kiosk's claim.
    QString session;
    qint64 technicianId = 0;   // 0: not known (a card no red box knows)
    QString action;   // lower-case words: login, login_failed, selftest, ...
    QString barcode;   // a valid disc barcode, or empty
    QJsonObject detail;
    QDateTime at = QDateTime::currentDateTimeUtc();
};

// A title of the catalog as this kiosk shows it.
struct Title {
    int movieId = 0;
    QString title;
    QString genre;
    QString rating;
    int year = 0;
    int runtime = 0;
    QString blurb;
    QString coverRef;
    bool newRelease = false;
    int available = 0;   // discs in this kiosk's slots, rentable
    QString format = QStringLiteral("dvd");   // dvd, bluray, 4k or game
    int nightExtraCents = 0;   // what a night of its format costs on top of the plan's rate here, now
    int saleCents = 0;   // what a disc of it costs to buy here today, before tax (0: not for sale)
};

// One of this kiosk's discs as its cache holds it.
struct CachedDisc {
    QString barcode;
    int movieId = 0;
    int slot = 0;
    QString status;
    QString condition;
};

// A technician as the kiosk's cache (or the sign-in) knows them.
struct TechnicianInfo {
    qint64 technicianId = 0;
    QString name;
    bool active = false;
    QString session;   // the red box's session token (empty: signed in through the coast or offline)
    QString checkedBy;   // where the PIN was checked: "redbox", the coast's name, or "kiosk"
};

// The outcome of a PIN entered for a card.
enum class SignInOutcome {
    Ok,
    WrongPin,
    Locked,   // too many wrong PINs (at any kiosk): try again after lockedUntil
    Unverifiable,   // offline, and this kiosk has no verifier of this card (it never saw it signed in)
    Failed,   // the card could not be checked (see failure and message)
};

struct SignInResult {
    SignInOutcome outcome = SignInOutcome::Failed;
    int triesLeft = 0;
    QDateTime lockedUntil;
    std::optional<MemberInfo> member;   // on Ok, a member's card: the member as the server that checked the PIN knows them
    std::optional<TechnicianInfo> technician;   // on Ok, a technician's card (with the red box's session, when it made one)
    QString checkedBy;   // "redbox", "west", "east", "hq", or "kiosk" (offline)
    Failure failure = Failure::None;
    QString message;
};

// What the kiosk knows about itself from its red box (its cache).
struct KioskFacts {
    int taxRateBp = 0;
    QString timezone = QStringLiteral("UTC");
    int slotCount = 0;
    int lowestNightCents = 0;   // the cheapest night of any plan, as the data says (0: not synced yet)
};

// A search of the catalog as the browse screen asks for it.
struct CatalogQuery {
    QString text;
    QString genre;
    QString rating;
    bool newOnly = false;
    bool availableOnly = false;
    int limit = 500;
};

struct CatalogPage {
    QList<Title> titles;
    QStringList genres;
};

// The kiosk's own queue as a technician (or a test) counts it.
struct OutboxStatus {
    int queued = 0;
    int parked = 0;
    int journal = 0;   // rentals asked for whose disc has not come out, returns taken in but not recorded
    bool readable = true;   // false: the kiosk's storage could not be read (the counts are unknown)
};

// What the kiosk's cache holds, counted.
struct CacheCounts {
    qint64 movies = 0, members = 0, discs = 0, technicians = 0, verifiers = 0;
};

enum class LinkStatus { Offline, Connecting, Degraded, Online };
QString linkStatusName(LinkStatus s);

struct KioskHealth {
    LinkStatus link = LinkStatus::Offline;
    QString server;   // host:port of the red box primary in use
    bool coastPartitioned = false;
    qint64 pendingHops = 0;
    qint64 parkedHops = 0;
    int outboxDepth = 0;   // the kiosk's own offline queue
    qint64 outboxOldestAgeS = 0;
    QDateTime lastCacheSync;
    QString storageFault;   // the kiosk's own disk failing (full, damaged): empty when fine
    QString refusal;   // the red box refuses this kiosk (its API level, its credentials): why (empty when served)
    // The kiosk's clock against the red box's (server minus kiosk), measured at each connection.
    std::optional<qint64> clockSkewMs;

    bool operator==(const KioskHealth &) const = default;
};

}   // namespace redbox

Q_DECLARE_METATYPE(redbox::MemberInfo)
Q_DECLARE_METATYPE(redbox::SignInResult)
Q_DECLARE_METATYPE(redbox::RentResult)
Q_DECLARE_METATYPE(redbox::ReturnResult)
Q_DECLARE_METATYPE(redbox::KioskHealth)
