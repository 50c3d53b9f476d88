// A kiosk backend in memory for the screen-flow tests (see fakebackend.h).
#include "fakebackend.h"

#include "core/cards.h"
#include "core/pricing.h"
#include "crypto/crypto.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <utility>

namespace redbox::test {

namespace {

constexpr int kSlots = 40;
constexpr int kTaxBp = 825;
const char *const kTimezone = "America/Los_Angeles";

}   // namespace

QString FakeBackend::memberCard(int i)
{
    return memberCardNumber(100 + i);
}

QString FakeBackend::memberPin(int i)
{
    return QStringLiteral("%1").arg(1234 + i * 1111, 4, 10, QLatin1Char('0'));
}

QString FakeBackend::technicianCard()
{
    return technicianCardNumber(7);
}

QString FakeBackend::technicianPin()
{
    return QStringLiteral("246810");
}

QString FakeBackend::discOf(int movieId, int copy)
{
    return discBarcode(movieId, copy);
}

FakeBackend::FakeBackend(QObject *parent) : KioskBackend(parent)
{
    m_config.kioskId = QStringLiteral("KIOSK-01");
    m_config.redboxNode = QStringLiteral("west-rb1");
    m_config.coastNode = QStringLiteral("west");
    m_config.offlineAllowance = 3;
    m_health.link = LinkStatus::Online;
    const struct {
        int id;
        const char *title;
        const char *genre;
        const char *rating;
    } titles[] = {
        {1, "Academy Dinosaur", "Documentary", "PG"}, {2, "Ace Goldfinger", "Horror", "G"}, {3, "Adaptation Holes", "Comedy", "NC-17"}};
    int slot = 1;
    for (const auto &t : titles) {
        Title title;
        title.movieId = t.id;
        title.title = QString::fromLatin1(t.title);
        title.genre = QString::fromLatin1(t.genre);
        title.rating = QString::fromLatin1(t.rating);
        title.year = 2006;
        title.runtime = 90;
        title.blurb = QStringLiteral("A test title.");
        if (t.id == 2) {   // a Blu-ray: a night costs 50 cents more than the plan's rate
            title.format = QStringLiteral("bluray");
            title.nightExtraCents = 50;
        }
        if (t.id == 3)   // on sale, previously viewed: a disc of it costs $5.00 to buy
            title.saleCents = 500;
        m_titles.append(title);
        for (int copy = 1; copy <= 2; ++copy)
            m_discs.append({discOf(t.id, copy), t.id, slot++, QStringLiteral("good")});
    }
    for (int i = 0; i < 2; ++i) {
        Member m;
        m.info.memberId = 100 + i;
        m.info.cardHash = cardHashFor(memberCard(i));
        m.info.allowed = true;
        m.info.planLimit = i == 0 ? 2 : 4;
        m.info.membershipId = i == 0 ? 1 : 2;
        m.info.homeCoast = QStringLiteral("west");
        m.info.dailyRateCents = i == 0 ? 199 : 179;
        m.info.maxChargeCents = 2500;
        m.info.source = QStringLiteral("redbox");
        m.pin = memberPin(i);
        m_members.append(m);
    }
    Technician t;
    t.info.technicianId = 7;
    t.info.name = QStringLiteral("Pat Field");
    t.info.active = true;
    t.pin = technicianPin();
    m_technicians.append(t);
    m_maintenanceHealth.redboxAnswered = true;
    m_maintenanceHealth.nodeName = m_config.redboxNode;
    m_maintenanceHealth.servers = {{QStringLiteral("redbox"), QStringLiteral("127.0.0.1:25424"), true, true, 3, {}},
                                   {QStringLiteral("redbox"), QStringLiteral("127.0.0.1:25425"), true, false, 3, {}},
                                   {QStringLiteral("coast"), QStringLiteral("127.0.0.1:25430"), true, true, 4, {}},
                                   {QStringLiteral("hq"), QStringLiteral("127.0.0.1:25440"), true, true, 5, {}}};
    m_maintenanceHealth.standbyName = QStringLiteral("west-rb1-b");
    m_maintenanceHealth.standbyState = QStringLiteral("streaming");
    m_maintenanceHealth.standbySync = QStringLiteral("sync");
    m_maintenanceHealth.replayLagMs = 0;
    m_maintenanceHealth.replayLagBytes = 0;
}

template <typename R>
void FakeBackend::answer(std::function<void(R)> done, R value)
{
    QTimer::singleShot(0, this, [done, value] { done(value); });
}

FakeBackend::Disc *FakeBackend::disc(const QString &barcode)
{
    for (Disc &d : m_discs)
        if (d.barcode == barcode)
            return &d;
    return nullptr;
}

FakeBackend::Member *FakeBackend::memberByHash(const QString &cardHash)
{
    for (Member &m : m_members)
        if (m.info.cardHash == cardHash)
            return &m;
    return nullptr;
}

int FakeBackend::discsOutOf(qint64 memberId) const
{
    int n = 0;
    for (const Rental &r : m_rentals)
        n += r.memberId == memberId && r.status == QLatin1String("open") ? 1 : 0;
    return n;
}

QList<FakeBackend::Rental> FakeBackend::openRentals() const
{
    QList<Rental> out;
    for (const Rental &r : m_rentals)
        if (r.status == QLatin1String("open"))
            out.append(r);
    return out;
}

QStringList FakeBackend::auditActions() const
{
    QStringList out;
    for (const AuditEntry &a : m_audits)
        out << a.action;
    return out;
}

int FakeBackend::discsIn() const
{
    return static_cast<int>(std::count_if(m_discs.begin(), m_discs.end(), [](const Disc &d) { return d.slot > 0; }));
}

QString FakeBackend::conditionOf(const QString &barcode) const
{
    for (const Disc &d : m_discs)
        if (d.barcode == barcode)
            return d.condition;
    return {};
}

void FakeBackend::setClockSkewMs(std::optional<qint64> skew)
{
    m_health.clockSkewMs = skew;
    emit healthChanged(m_health);
}

void FakeBackend::setOffline(bool offline)
{
    m_health.link = offline ? LinkStatus::Offline : LinkStatus::Online;
    emit healthChanged(m_health);
}

void FakeBackend::rentOutElsewhere(const QString &barcode)
{
    if (Disc *d = disc(barcode)) {
        d->slot = 0;
        m_rentals.append({QUuid::createUuid(), 999, barcode, m_clock().addDays(-1), QStringLiteral("open")});
        emit catalogChanged();
    }
}

QString FakeBackend::cardHashFor(const QString &cardNumber) const
{
    return QString::fromLatin1(QCryptographicHash::hash("fake-card-key:" + cardNumber.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// ---- customers ----------------------------------------------------------------------

void FakeBackend::lookupMember(const QString &cardHash, std::function<void(MemberLookupResult)> done)
{
    Member *m = memberByHash(cardHash);
    if (!m) {
        answer<MemberLookupResult>(
            done, {std::nullopt, Failure::UnknownCard, QStringLiteral("this card is not a member anywhere in the network")});
        return;
    }
    MemberInfo info = m->info;
    info.discsOut = discsOutOf(info.memberId);
    m_pins.expire(cardHash);
    info.lockedUntil = m_pins.lockedUntil(cardHash);
    answer<MemberLookupResult>(done, {info, Failure::None, {}});
}

// As the red box does: a card it has not seen becomes a first-time walk-up customer (3 discs);
// online only.
void FakeBackend::walkUpSignIn(const MemberInfo &member, std::function<void(SignInResult)> done)
{
    SignInResult r;
    if (m_health.link == LinkStatus::Offline) {
        r.failure = Failure::Offline;
        r.message = QStringLiteral("a walk-up card needs the red box, which does not answer");
        answer<SignInResult>(done, r);
        return;
    }
    Member *m = memberByHash(member.cardHash);
    if (!m) {
        Member fresh;
        fresh.info.memberId = 9'000'000'000'000'000 + m_members.size();
        fresh.info.cardHash = member.cardHash;
        fresh.info.allowed = true;
        fresh.info.planLimit = 3;
        fresh.info.membershipId = 4;
        fresh.info.homeCoast = QStringLiteral("west");
        fresh.info.dailyRateCents = 199;
        fresh.info.maxChargeCents = 2500;
        fresh.info.source = QStringLiteral("redbox");
        m_members.append(fresh);
        m = &m_members.last();
    } else if (m->info.membershipId != 4 && m->info.membershipId != 5) {
        r.failure = Failure::BadInput;
        r.message = QStringLiteral("this is a member card: its PIN is needed");
        answer<SignInResult>(done, r);
        return;
    }
    r.outcome = SignInOutcome::Ok;
    r.checkedBy = QStringLiteral("redbox");
    MemberInfo info = m->info;
    info.discsOut = discsOutOf(info.memberId);
    info.ticket = QJsonDocument(QJsonObject{{QStringLiteral("card_hash"), member.cardHash}});
    r.member = info;
    answer<SignInResult>(done, r);
}

void FakeBackend::signIn(const MemberInfo &member, const QString &pin, std::function<void(SignInResult)> done)
{
    SignInResult r;
    Member *m = memberByHash(member.cardHash);
    if (!m || !memberPinWellFormed(pin)) {
        r.failure = m ? Failure::BadInput : Failure::UnknownCard;
        r.message = m ? QStringLiteral("a PIN has 4 digits") : QStringLiteral("this card is not known at this red box");
        answer<SignInResult>(done, r);
        return;
    }
    const bool offline = m_health.link == LinkStatus::Offline;
    r.checkedBy = offline ? QStringLiteral("kiosk") : QStringLiteral("redbox");
    if (offline && !m_seen.contains(member.cardHash)) {
        r.outcome = SignInOutcome::Unverifiable;
        answer<SignInResult>(done, r);
        return;
    }
    m_pins.expire(member.cardHash);
    if (m_pins.locked(member.cardHash)) {
        r.outcome = SignInOutcome::Locked;
        r.lockedUntil = m_pins.lockedUntil(member.cardHash);
    } else if (m->pin == pin) {
        m_pins.succeed(member.cardHash);
        m_seen.insert(member.cardHash);
        r.outcome = SignInOutcome::Ok;
        r.triesLeft = m_pins.maxFailures();
        MemberInfo info = m->info;
        info.discsOut = discsOutOf(info.memberId);
        if (!offline)
            info.ticket = QJsonDocument(QJsonObject{{QStringLiteral("card_hash"), member.cardHash}});
        r.member = info;
    } else {
        const bool locked = m_pins.fail(member.cardHash);
        r.outcome = locked ? SignInOutcome::Locked : SignInOutcome::WrongPin;
        r.triesLeft = m_pins.failuresLeft(member.cardHash);
        r.lockedUntil = m_pins.lockedUntil(member.cardHash);
    }
    answer<SignInResult>(done, r);
}

void FakeBackend::rent(const RentRequest &request, std::function<void(RentResult)> done)
{
    RentResult out;
    out.rentalId = request.rentalId;
    out.barcode = request.barcode;
    auto refuse = [&](Failure f, const QString &why) {
        out.failure = f;
        out.message = why;
        answer<RentResult>(done, out);
    };
    if (m_refuseNext) {
        const auto [f, why] = *m_refuseNext;
        m_refuseNext.reset();
        return refuse(f, why);
    }
    Member *m = memberByHash(request.member.cardHash);
    Disc *d = disc(request.barcode);
    if (!m)
        return refuse(Failure::UnknownCard, QStringLiteral("this card is not known at this red box"));
    if (!d || d->slot <= 0 || d->condition != QLatin1String("good"))
        return refuse(Failure::DiscUnavailable, QStringLiteral("disc %1 is not available").arg(request.barcode));
    const bool offline = m_health.link == LinkStatus::Offline;
    if (request.purchase) {
        // As the red box and the kiosk's desk do: sold online only, at its price, no limit counts it.
        const Title *t = nullptr;
        for (const Title &x : m_titles)
            if (x.movieId == d->movieId)
                t = &x;
        if (offline)
            return refuse(Failure::Offline, QStringLiteral("discs are sold online only, and the network is unreachable"));
        if (!t || t->saleCents <= 0)
            return refuse(Failure::DiscUnavailable, QStringLiteral("disc %1 is not available for sale").arg(request.barcode));
        d->slot = 0;
        m_rentals.append({request.rentalId, m->info.memberId, request.barcode, request.rentedAt, QStringLiteral("bought")});
        out.amountCents = t->saleCents;
        out.taxCents = pricing::taxOn(out.amountCents, kTaxBp);
        out.discsOut = discsOutOf(m->info.memberId);
        answer<RentResult>(done, out);
        return;
    }
    const int limit = offline ? std::min(m->info.planLimit, m_config.offlineAllowance) : m->info.planLimit;
    if (discsOutOf(m->info.memberId) >= limit)
        return refuse(Failure::LimitReached, offline ? QStringLiteral("offline limit reached") : QStringLiteral("plan limit reached"));
    // As the red box does: a grant is used by one rental, and takes at most its first night.
    const QUuid grant = request.promoGrant ? QUuid::fromString(request.promoGrant->object().value(QStringLiteral("grant")).toString())
                                           : QUuid();
    if (request.promoGrant && (m_promoUsed.contains(grant) || m_promoGrants.value(request.member.cardHash) != grant))
        return refuse(Failure::PromoRefused, QStringLiteral("the promo grant was already used for another disc"));
    if (request.promoGrant && std::exchange(m_expireNextGrant, false))
        return refuse(Failure::PromoRefused, QStringLiteral("the promo grant had expired; enter the promo code again"));
    d->slot = 0;
    m_rentals.append({request.rentalId, m->info.memberId, request.barcode, request.rentedAt, QStringLiteral("open")});
    out.dueAt = pricing::rentalDueAt(request.rentedAt, QString::fromLatin1(kTimezone));
    out.amountCents = m->info.dailyRateCents;
    for (const Title &t : m_titles)
        if (t.movieId == d->movieId)
            out.amountCents += t.nightExtraCents;
    if (request.promoGrant) {
        m_promoUsed.insert(grant);
        out.amountCents -= std::min(out.amountCents, kPromoCents);
    }
    out.taxCents = pricing::taxOn(out.amountCents, kTaxBp);
    out.discsOut = discsOutOf(m->info.memberId);
    out.offline = offline;
    answer<RentResult>(done, out);
}

void FakeBackend::dispensed(const QUuid &) {}

void FakeBackend::redeemPromo(const QString &code, const QString &cardHash, const QUuid &grantId, std::function<void(PromoResult)> done)
{
    PromoResult out;
    out.code = code.toUpper().remove(QLatin1Char(' '));
    out.grantId = grantId;
    if (m_health.link == LinkStatus::Offline) {
        out.failure = Failure::Offline;
        out.message = QStringLiteral("promo codes are checked online, and the kiosk cannot reach the network right now");
    } else if (out.code != QLatin1String(kPromoCode)) {
        out.failure = Failure::BadInput;
        out.outcome = QStringLiteral("unknown");
        out.message = QStringLiteral("%1 is not a promo code").arg(out.code);
    } else if (m_promoGrants.contains(cardHash) && m_promoGrants.value(cardHash) != grantId) {
        out.failure = Failure::BadInput;
        out.outcome = QStringLiteral("used");
        out.message = QStringLiteral("this card has already used %1").arg(out.code);
    } else {
        m_promoGrants.insert(cardHash, grantId);
        out.outcome = QStringLiteral("ok");
        out.centsOff = kPromoCents;
        out.grant = QJsonDocument(QJsonObject{{QStringLiteral("grant"), grantId.toString(QUuid::WithoutBraces)},
                                              {QStringLiteral("code"), out.code},
                                              {QStringLiteral("cents_off"), kPromoCents}});
    }
    answer<PromoResult>(done, out);
}

void FakeBackend::releasePromo(const QUuid &grantId)
{
    for (auto it = m_promoGrants.begin(); it != m_promoGrants.end(); ++it)
        if (it.value() == grantId && !m_promoUsed.contains(grantId)) {
            m_promoGrants.erase(it);
            ++m_promoReleases;
            return;
        }
}

void FakeBackend::voidRental(const VoidRequest &request, std::function<void(bool)> done)
{
    for (Rental &r : m_rentals)
        if (r.id == request.rentalId && r.status == QLatin1String("open")) {
            r.status = QStringLiteral("void");
            if (Disc *d = disc(r.barcode)) {
                d->slot = request.slot;
                if (const QString after = conditionAfter(request); !after.isEmpty())
                    d->condition = after;
            }
            answer<bool>(done, true);
            return;
        }
    answer<bool>(done, false);
}

void FakeBackend::beginReturn(const ReturnRequest &request, std::function<void(bool)> done)
{
    if (!m_storeJournalFails)
        m_storing.insert(request.returnId, request.barcode);
    answer<bool>(done, !m_storeJournalFails);
}

void FakeBackend::returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done)
{
    ReturnResult out;
    out.returnId = request.returnId;
    const auto parsed = parseDiscBarcode(request.barcode);
    const Title *title = nullptr;
    for (const Title &t : m_titles)
        if (parsed && t.movieId == parsed->movieId)
            title = &t;
    if (!parsed || !title) {
        out.failure = Failure::DiscNotOurs;
        out.message = QStringLiteral("barcode %1 names no title in our catalog").arg(request.barcode);
        answer<ReturnResult>(done, out);
        return;
    }
    Disc *d = disc(request.barcode);
    if (d && d->slot > 0) {
        out.failure = Failure::DiscAlreadyIn;
        out.message = QStringLiteral("disc %1 is already in kiosk %2").arg(request.barcode, m_config.kioskId);
        answer<ReturnResult>(done, out);
        return;
    }
    out.movieId = parsed->movieId;
    out.title = title->title;
    out.offline = m_health.link == LinkStatus::Offline;
    out.foreignDisc = true;
    for (Rental &r : m_rentals) {
        if (r.barcode != request.barcode || r.status != QLatin1String("open"))
            continue;
        r.status = QStringLiteral("returned");
        const Member *m = nullptr;
        for (const Member &x : m_members)
            if (x.info.memberId == r.memberId)
                m = &x;
        const int rate = m ? m->info.dailyRateCents : 199;
        out.rentalId = r.id;
        out.foreignDisc = r.memberId == 999;   // rented by someone this kiosk does not know
        out.nights = pricing::rentalNights(r.rentedAt, request.returnedAt, QString::fromLatin1(kTimezone));
        out.chargeCents = std::min(out.nights * rate, m ? m->info.maxChargeCents : 2500);
        out.lateCents = out.chargeCents - rate;
    }
    if (d)
        d->slot = request.slot;
    else
        m_discs.append({request.barcode, parsed->movieId, request.slot, QStringLiteral("good")});
    answer<ReturnResult>(done, out);
}

void FakeBackend::emailReceipt(const QUuid &receiptId, const QList<QUuid> &, const QString &, std::function<void(QString)> done)
{
    if (m_health.link == LinkStatus::Offline) {
        answer<QString>(done, QStringLiteral("offline"));
        return;
    }
    m_receipts.insert(receiptId, QStringLiteral("sent"));
    answer<QString>(done, QStringLiteral("queued"));
}

void FakeBackend::receiptStatus(const QUuid &receiptId, std::function<void(QString)> done)
{
    answer<QString>(done, m_receipts.value(receiptId, QStringLiteral("unknown")));
}

// ---- the kiosk's records -----------------------------------------------------------------

void FakeBackend::searchCatalog(const CatalogQuery &query, std::function<void(CatalogPage)> done)
{
    CatalogPage page;
    for (Title t : m_titles) {
        t.available = static_cast<int>(std::count_if(m_discs.begin(), m_discs.end(), [&](const Disc &d) {
            return d.movieId == t.movieId && d.slot > 0 && d.condition == QLatin1String("good");
        }));
        if (!query.text.isEmpty() && !t.title.contains(query.text, Qt::CaseInsensitive))
            continue;
        if (!query.genre.isEmpty() && t.genre != query.genre)
            continue;
        if (query.availableOnly && t.available == 0)
            continue;
        page.titles.append(t);
        if (!page.genres.contains(t.genre))
            page.genres.append(t.genre);
    }
    answer<CatalogPage>(done, page);
}

void FakeBackend::pickDisc(int movieId, const QStringList &excluded, std::function<void(std::optional<CachedDisc>)> done)
{
    for (const Disc &d : m_discs)
        if (d.movieId == movieId && d.slot > 0 && d.condition == QLatin1String("good") && !excluded.contains(d.barcode)) {
            answer<std::optional<CachedDisc>>(done, CachedDisc{d.barcode, d.movieId, d.slot, QStringLiteral("in"), d.condition});
            return;
        }
    answer<std::optional<CachedDisc>>(done, std::nullopt);
}

void FakeBackend::freeSlot(std::function<void(int)> done)
{
    for (int s = 1; s <= kSlots; ++s)
        if (std::none_of(m_discs.begin(), m_discs.end(), [s](const Disc &d) { return d.slot == s; })) {
            answer<int>(done, s);
            return;
        }
    answer<int>(done, 0);
}

void FakeBackend::slotContents(std::function<void(QHash<int, QString>)> done)
{
    QHash<int, QString> inSlots;
    for (const Disc &d : m_discs)
        if (d.slot > 0)
            inSlots.insert(d.slot, d.barcode);
    answer<QHash<int, QString>>(done, inSlots);
}

void FakeBackend::facts(std::function<void(KioskFacts)> done)
{
    int lowest = 0;
    for (const Member &m : m_members)
        lowest = lowest == 0 ? m.info.dailyRateCents : std::min(lowest, m.info.dailyRateCents);
    answer<KioskFacts>(done, KioskFacts{kTaxBp, QString::fromLatin1(kTimezone), kSlots, lowest});
}

void FakeBackend::loadMeta(const QString &key, std::function<void(QString)> done)
{
    answer<QString>(done, m_meta.value(key));
}

void FakeBackend::saveMeta(const QString &key, const QString &value)
{
    m_meta.insert(key, value);
}

// ---- technicians --------------------------------------------------------------------------

void FakeBackend::techSignIn(const QString &cardHash, const QString &pin, std::function<void(SignInResult)> done)
{
    SignInResult r;
    const bool offline = m_health.link == LinkStatus::Offline;
    r.checkedBy = offline ? QStringLiteral("kiosk") : QStringLiteral("redbox");
    const Technician *tech = nullptr;
    for (const Technician &t : m_technicians)
        if (cardHashFor(technicianCard()) == cardHash && t.info.active)
            tech = &t;
    if (!tech) {
        r.failure = Failure::UnknownCard;
        r.message = QStringLiteral("this technician card is not known here or not active");
    } else if (offline && !m_seen.contains(cardHash)) {
        r.outcome = SignInOutcome::Unverifiable;
    } else if (m_pins.locked(cardHash)) {
        r.outcome = SignInOutcome::Locked;
        r.lockedUntil = m_pins.lockedUntil(cardHash);
    } else if (tech->pin == pin) {
        m_pins.succeed(cardHash);
        m_seen.insert(cardHash);
        r.outcome = SignInOutcome::Ok;
        TechnicianInfo t = tech->info;
        t.checkedBy = r.checkedBy;
        if (!offline) {
            t.session = QStringLiteral("fake-session-%1").arg(m_techSessions.size() + 1);
            m_techSessions.insert(t.session);
        }
        r.technician = t;
    } else {
        const bool locked = m_pins.fail(cardHash);
        r.outcome = locked ? SignInOutcome::Locked : SignInOutcome::WrongPin;
        r.triesLeft = m_pins.failuresLeft(cardHash);
        r.lockedUntil = m_pins.lockedUntil(cardHash);
    }
    answer<SignInResult>(done, r);
}

void FakeBackend::techSignOut(const TechnicianInfo &technician)
{
    m_techSessions.remove(technician.session);
}

QList<TechDisc> FakeBackend::techDiscs() const
{
    QList<TechDisc> out;
    for (const Disc &d : m_discs) {
        TechDisc t;
        t.barcode = d.barcode;
        t.movieId = d.movieId;
        t.slot = d.slot;
        t.status = d.slot > 0 ? QStringLiteral("in") : QStringLiteral("out");
        t.condition = d.condition;
        t.removalReason = d.condition == QLatin1String("damaged") ? QStringLiteral("damaged") : QString();
        for (const Title &title : m_titles)
            if (title.movieId == d.movieId)
                t.title = title.title;
        out.append(t);
    }
    return out;
}

void FakeBackend::discAction(const TechnicianInfo &technician, const QString &action, const QString &barcode, int slot,
                             const QString &reason, std::function<void(TechAnswer)> done)
{
    if (!m_techSessions.contains(technician.session)) {
        answer<TechAnswer>(done, TechAnswer::failed(QStringLiteral("no technician session: sign in first")));
        return;
    }
    AuditEntry a;
    a.technicianId = technician.technicianId;
    a.session = technician.session;
    a.action = QStringLiteral("disc_") + action;
    a.barcode = barcode;
    a.detail = {{QStringLiteral("reason"), reason}};
    Disc *d = disc(barcode);
    TechAnswer out;
    if (action == QLatin1String("load")) {
        if (d && d->slot > 0) {
            out.message = QStringLiteral("disc %1 is already in kiosk %2 slot %3").arg(barcode, m_config.kioskId).arg(d->slot);
            out.refusal = RedboxError::DiscAlreadyIn;
            answer<TechAnswer>(done, out);
            return;
        }
        int target = slot;
        if (target <= 0) {
            for (int s = 1; s <= kSlots && target <= 0; ++s)
                if (std::none_of(m_discs.begin(), m_discs.end(), [s](const Disc &x) { return x.slot == s; }))
                    target = s;
        }
        const auto parsed = parseDiscBarcode(barcode);
        if (!d)
            m_discs.append({barcode, parsed ? parsed->movieId : 0, target, QStringLiteral("good")});
        else
            d->slot = target;
        d = disc(barcode);
        out.ok = true;
    } else if (!d) {
        out.message = QStringLiteral("disc %1 is not in kiosk %2").arg(barcode, m_config.kioskId);
        out.refusal = RedboxError::DiscNotHere;
        answer<TechAnswer>(done, out);
        return;
    } else if (d->slot <= 0) {
        out.message = QStringLiteral("disc %1 is rented out").arg(barcode);
        out.refusal = RedboxError::DiscRentedOut;
        answer<TechAnswer>(done, out);
        return;
    } else if (action == QLatin1String("cleared") && d->condition != QLatin1String("suspect")) {
        out.message = QStringLiteral("disc %1 is marked %2: only a suspect disc is cleared").arg(barcode, d->condition);
        out.refusal = RedboxError::DiscUnavailable;
        answer<TechAnswer>(done, out);
        return;
    } else {
        out.ok = true;
    }
    TechDisc t;
    t.barcode = barcode;
    t.movieId = d->movieId;
    t.actionSlot = d->slot;
    if (action == QLatin1String("unload")) {
        m_discs.removeIf([&](const Disc &x) { return x.barcode == barcode; });
        t.status = QStringLiteral("removed");
    } else {
        if (action == QLatin1String("damaged"))
            d->condition = QStringLiteral("damaged");
        else if (action == QLatin1String("cleared"))
            d->condition = QStringLiteral("good");
        t.slot = d->slot;
        t.status = QStringLiteral("in");
        t.condition = d->condition;
    }
    m_audits.append(a);
    out.discs = {t};
    answer<TechAnswer>(done, out);
    emit catalogChanged();
}

void FakeBackend::kioskDiscs(const TechnicianInfo &, std::function<void(TechAnswer)> done)
{
    TechAnswer a = TechAnswer::done({});
    a.discs = techDiscs();
    answer<TechAnswer>(done, a);
}

void FakeBackend::retryParked(const TechnicianInfo &, std::function<void(TechAnswer)> done)
{
    answer<TechAnswer>(done, TechAnswer::done(QStringLiteral("No hops were parked.")));
}

void FakeBackend::maintenanceHealth(const TechnicianInfo &, std::function<void(MaintenanceHealth)> done)
{
    MaintenanceHealth h = m_maintenanceHealth;
    h.kiosk = m_health;
    answer<MaintenanceHealth>(done, h);
}

void FakeBackend::switchover(const TechnicianInfo &, bool back, std::function<void(TechAnswer)> done)
{
    answer<TechAnswer>(done, TechAnswer::done(back ? QStringLiteral("west-rb1-a leads the red box now (1.0 s).")
                                                   : QStringLiteral("west-rb1-b leads the red box now (1.0 s).")));
}

void FakeBackend::exportDiagnostics(const TechnicianInfo &, std::function<void(TechAnswer)> done)
{
    const QString path = m_exports.filePath(QStringLiteral("redbox-diagnostics-%1.json").arg(m_config.kioskId));
    QFile f(path);
    TechAnswer a = TechAnswer::failed(QStringLiteral("The diagnostics file could not be written."));
    if (f.open(QIODevice::WriteOnly) && f.write(QJsonDocument(QJsonObject{{QStringLiteral("kiosk_id"), m_config.kioskId}}).toJson()) > 0) {
        a = TechAnswer::done(QStringLiteral("Diagnostics written to %1.").arg(path));
        a.path = path;
    }
    answer<TechAnswer>(done, a);
}

void FakeBackend::resyncCache()
{
    QTimer::singleShot(0, this, [this] {
        emit cacheProgress(0, static_cast<qint64>(m_titles.size() + m_discs.size()));
        emit cacheProgress(static_cast<qint64>(m_titles.size() + m_discs.size()), static_cast<qint64>(m_titles.size() + m_discs.size()));
        emit catalogChanged();
        emit cacheSynced();
    });
}

}   // namespace redbox::test
