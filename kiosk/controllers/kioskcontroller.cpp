// The customer's kiosk (see kioskcontroller.h).
#include "controllers/kioskcontroller.h"

#include "core/cards.h"

#include <QLocale>
#include <QTimeZone>
#include <QLoggingCategory>
#include <QQmlEngine>

Q_LOGGING_CATEGORY(lcKiosk, "redbox.kiosk.flow", QtInfoMsg)

namespace redbox {

KioskController::KioskController(EngineBridge *bridge, KioskHardware *hardware, QObject *parent)
    : QObject(parent), m_bridge(bridge), m_hw(hardware), m_catalog(bridge)
{
    m_language = bridge->config().language;
    m_theme = bridge->config().theme;
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_idleTimeoutMs);
    connect(&m_idle, &QTimer::timeout, this, &KioskController::onIdle);
    connect(bridge, &EngineBridge::healthChanged, this, &KioskController::healthChanged);
    connect(hardware, &KioskHardware::cardSwiped, this, &KioskController::onCardSwiped);
    connect(hardware, &KioskHardware::discInserted, this, &KioskController::onDiscInserted);
    connect(hardware, &KioskHardware::discUnreadable, this, &KioskController::onDiscUnreadable);
    connect(hardware, &KioskHardware::authorized, this, [this](const QString &token, const QString &last4) {
        if (m_screen != Screen::Paying)
            return;
        m_cardToken = token;
        m_cardLast4 = last4;
        setBusy({});
        setScreen(Screen::Dispensing);
        m_current = -1;
        rentNext();
    });
    connect(hardware, &KioskHardware::declined, this, [this](const QString &reason) {
        if (m_screen != Screen::Paying)
            return;
        m_paying = false;
        setBusy({});
        setMessage(tr("Payment declined: %1. Nothing was charged.").arg(reason));
        setScreen(Screen::Summary);
    });
    connect(hardware, &KioskHardware::dispensed, this, [this](int slot) {
        if (m_screen != Screen::Dispensing || m_current < 0)
            return;
        CartModel::Item &item = m_cart.items()[m_current];
        if (item.slot != slot)
            return;
        item.state = CartModel::State::Done;
        m_bridge->dispensed(item.rentalId);
        item.message = item.offline ? tr("Take your disc (saved offline)") : tr("Take your disc");
        m_cart.changed(m_current);
        emit progressChanged();
        rentNext();
    });
    connect(hardware, &KioskHardware::dispenseFailed, this, [this](int slot, const QString &reason) {
        if (m_screen != Screen::Dispensing || m_current < 0)
            return;
        const int row = m_current;
        CartModel::Item &item = m_cart.items()[row];
        if (item.slot != slot)
            return;
        qCWarning(lcKiosk) << "dispense failed at slot" << slot << ":" << reason << "- voiding rental" << item.rentalId;
        // A disc that did not come out is never charged: void the rental.
        m_bridge->voidRental(item.rentalId, item.barcode, slot, false, QStringLiteral("dispense failed: ") + reason,
                             [this, row](bool) {
                                 CartModel::Item &it = m_cart.items()[row];
                                 it.state = CartModel::State::Failed;
                                 it.message = tr("This disc could not be dispensed. You were not charged for it.");
                                 m_cart.changed(row);
                                 emit progressChanged();
                                 rentNext();
                             });
    });
    connect(bridge, &EngineBridge::catalogChanged, this, &KioskController::refreshKioskFacts);
    m_receiptPoll.setInterval(1000);
    connect(&m_receiptPoll, &QTimer::timeout, this, [this] {
        if (m_receiptId.isNull() || ++m_receiptPolls > 60) {
            m_receiptPoll.stop();
            return;
        }
        const QUuid id = m_receiptId;
        m_bridge->async<QString>([id](KioskEngine &e, std::function<void(QString)> cb) { e.receiptStatus(id, cb); },
                                 [this, id](QString state) {
                                     if (id != m_receiptId)
                                         return;
                                     if (state == QLatin1String("sent") || state == QLatin1String("failed")) {
                                         m_receiptPoll.stop();
                                         setReceiptState(state);
                                     }
                                 });
    });
    m_catalog.reload();
    refreshKioskFacts();
}

void KioskController::refreshKioskFacts()
{
    struct Facts {
        int taxBp;
        QString timezone;
    };
    m_bridge->run<Facts>([](KioskEngine &e) { return Facts{e.cache().taxRateBp(), e.cache().timezone()}; }, [this](Facts f) {
        if (f.taxBp != m_taxBp || f.timezone != m_timezone) {
            m_taxBp = f.taxBp;
            m_timezone = f.timezone;
            emit summaryChanged();
        }
    });
}

QString KioskController::localTime(const QDateTime &utc) const
{
    if (!utc.isValid())
        return {};
    const QTimeZone zone(m_timezone.toLatin1());
    const QLocale locale(m_language == QLatin1String("es") ? QLocale::Spanish : QLocale::English, QLocale::UnitedStates);
    return locale.toString(utc.toTimeZone(zone.isValid() ? zone : QTimeZone::utc()), QStringLiteral("ddd d MMM, h:mm ap"));
}

QString KioskController::receiptTime() const
{
    return localTime(QDateTime::currentDateTimeUtc());
}

KioskController *KioskController::create(QQmlEngine *, QJSEngine *)
{
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

void KioskController::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = ms;
    m_idle.setInterval(ms);
}

QString KioskController::money(int cents) const
{
    return QStringLiteral("$%1.%2").arg(cents / 100).arg(cents % 100, 2, 10, QLatin1Char('0'));
}

void KioskController::setScreen(Screen s)
{
    if (s != Screen::Attract)
        m_idle.start();
    else
        m_idle.stop();
    if (s == m_screen)
        return;
    m_screen = s;
    emit screenChanged();
}

void KioskController::setMessage(const QString &m)
{
    if (m == m_message)
        return;
    m_message = m;
    emit messageChanged();
}

void KioskController::setBusy(const QString &text)
{
    if (text == m_busyText)
        return;
    m_busyText = text;
    emit busyChanged();
}

void KioskController::touch()
{
    if (m_screen != Screen::Attract && m_screen != Screen::Maintenance)
        m_idle.start();
}

void KioskController::resetSession()
{
    m_cart.clear();
    m_member.reset();
    m_pinOk = false;
    m_pin.clear();
    m_cardToken.clear();
    m_cardLast4.clear();
    m_current = -1;
    m_paying = false;
    m_returned.clear();
    m_returnBarcode.clear();
    m_receiptState.clear();
    m_receiptId = QUuid();
    m_receiptPoll.stop();
    m_title.clear();
    m_catalog.clearFilters();
    setBusy({});
    setMessage({});
    emit memberChanged();
    emit pinChanged();
    emit summaryChanged();
    emit returnedChanged();
    emit titleChanged();
    emit receiptStateChanged();
}

void KioskController::onIdle()
{
    if (m_screen == Screen::Maintenance)
        return;
    // Never walk away from discs being dispensed or a return being stored.
    if (m_screen == Screen::Dispensing || m_screen == Screen::Paying || (m_screen == Screen::ReturnInsert && busy())) {
        m_idle.start();
        return;
    }
    qCInfo(lcKiosk) << "idle for" << m_idleTimeoutMs / 1000 << "s: back to the attract loop";
    if (m_hw && m_screen == Screen::ReturnInsert && !m_returnBarcode.isEmpty())
        m_hw->ejectReturn();
    resetSession();
    setScreen(Screen::Attract);
}

void KioskController::start()
{
    resetSession();
    setScreen(Screen::Browse);
}

void KioskController::browse()
{
    touch();
    setMessage({});
    setScreen(Screen::Browse);
}

void KioskController::openTitle(int movieId)
{
    touch();
    const auto t = m_catalog.byId(movieId);
    if (!t)
        return;
    m_title = QVariantMap{{QStringLiteral("movieId"), t->movieId}, {QStringLiteral("title"), t->title},
                          {QStringLiteral("genre"), t->genre}, {QStringLiteral("rating"), t->rating},
                          {QStringLiteral("year"), t->year}, {QStringLiteral("runtime"), t->runtime},
                          {QStringLiteral("blurb"), t->blurb}, {QStringLiteral("cover"), t->coverRef},
                          {QStringLiteral("available"), t->available}, {QStringLiteral("newRelease"), t->newRelease},
                          {QStringLiteral("inCart"), m_cart.contains(movieId)}};
    emit titleChanged();
    setMessage({});
    setScreen(Screen::Title);
}

int KioskController::allowance() const
{
    if (!m_member)
        return MaxCartTitles;
    int limit = m_member->planLimit;
    if (m_bridge->health().link == LinkStatus::Offline && !m_member->away)
        limit = std::min(limit, m_bridge->config().offlineAllowance);
    return std::max(0, std::min(MaxCartTitles, limit - m_member->discsOut));
}

void KioskController::addToCart(int movieId)
{
    touch();
    const auto t = m_catalog.byId(movieId);
    if (!t)
        return;
    if (m_cart.contains(movieId)) {
        setMessage(tr("%1 is already in your cart.").arg(t->title));
        return;
    }
    if (t->available <= 0) {
        setMessage(tr("%1 is not available at this kiosk right now.").arg(t->title));
        return;
    }
    if (m_cart.rowCount() >= allowance()) {
        setMessage(tr("You can rent %n disc(s) in this visit.", nullptr, allowance()));
        return;
    }
    m_cart.add(movieId, t->title);
    m_title[QStringLiteral("inCart")] = true;
    emit titleChanged();
    emit summaryChanged();
    setMessage(tr("%1 added to your cart.").arg(t->title));
}

void KioskController::removeFromCart(int row)
{
    touch();
    m_cart.removeAt(row);
    emit summaryChanged();
}

void KioskController::openCart()
{
    touch();
    setMessage({});
    setScreen(Screen::Cart);
}

void KioskController::checkout()
{
    touch();
    if (m_cart.rowCount() == 0) {
        setMessage(tr("Your cart is empty."));
        return;
    }
    setMessage({});
    setScreen(signedIn() ? Screen::Summary : Screen::SignIn);
}

QString KioskController::memberCard() const
{
    return m_member ? QStringLiteral("•••• %1").arg(m_cardDigits) : QString();
}

int KioskController::triesLeft(const QString &cardHash) const
{
    return MaxPinTries - m_locks.value(cardHash).wrong;
}

void KioskController::enterMaintenance()
{
    resetSession();
    m_idle.stop();   // maintenance mode keeps its own idle timeout
    setScreen(Screen::Maintenance);
}

void KioskController::leaveMaintenance()
{
    if (m_screen != Screen::Maintenance)
        return;
    resetSession();
    setScreen(Screen::Attract);
}

void KioskController::onCardSwiped(const QByteArray &track)
{
    if (m_screen == Screen::Maintenance)
        return;   // the technician's session reads the card
    touch();
    if (m_screen != Screen::SignIn || busy())
        return;   // swipes only count on the sign-in screen
    const TrackResult parsed = parseCardTrack(track, QDate::currentDate());
    if (!parsed.card) {
        setMessage(trackText(parsed.error));
        return;
    }
    if (parsed.card->technician) {
        setMessage(tr("Technician cards open maintenance from the help screen."));
        return;
    }
    const QString cardHash = m_bridge->cardHashFor(parsed.card->number);
    m_cardDigits = parsed.card->number.right(4);
    const Lock lock = m_locks.value(cardHash);
    if (lock.until.isValid() && lock.until > QDateTime::currentDateTimeUtc()) {
        setMessage(tr("This card is locked after too many wrong PINs. Try again in %n minute(s).", nullptr,
                      static_cast<int>(QDateTime::currentDateTimeUtc().secsTo(lock.until) / 60) + 1));
        return;
    }
    setMessage({});
    setBusy(tr("Checking your card..."));
    m_bridge->lookupMember(cardHash, [this](EngineBridge::Lookup r) {
        setBusy({});
        if (m_screen != Screen::SignIn)
            return;
        if (!r.member) {
            setMessage(failureText(r.failure, r.message));
            return;
        }
        if (!r.member->allowed) {
            setMessage(tr("This account is on hold. Please contact member services."));
            return;
        }
        m_member = r.member;
        m_pinOk = false;
        m_pin.clear();
        emit memberChanged();
        emit pinChanged();
        setScreen(Screen::Pin);
    });
}

void KioskController::pinDigit(int digit)
{
    touch();
    if (m_screen != Screen::Pin || digit < 0 || digit > 9 || m_pin.size() >= 4 || busy())
        return;
    m_pin += QChar(u'0' + digit);
    emit pinChanged();
}

void KioskController::pinBackspace()
{
    touch();
    if (!m_pin.isEmpty()) {
        m_pin.chop(1);
        emit pinChanged();
    }
}

void KioskController::pinEnter()
{
    touch();
    if (m_screen != Screen::Pin || !m_member || busy())
        return;
    if (!KioskEngine::pinWellFormed(m_pin)) {
        setMessage(tr("Your PIN has 4 digits."));
        return;
    }
    const QString pin = m_pin;
    m_pin.clear();
    emit pinChanged();
    setBusy(tr("Checking your PIN..."));
    const MemberInfo member = *m_member;
    m_bridge->checkPin(member, pin, [this, member](bool ok) {
        setBusy({});
        if (m_screen != Screen::Pin)
            return;
        Lock &lock = m_locks[member.cardHash];
        if (ok) {
            lock = Lock{};
            m_pinOk = true;
            emit memberChanged();
            setMessage({});
            // Only what the member may still rent stays in the cart.
            const int room = allowance();
            if (m_cart.rowCount() > room) {
                while (m_cart.rowCount() > room)
                    m_cart.removeAt(m_cart.rowCount() - 1);
                setMessage(tr("Your plan allows %n more disc(s) now; your cart was shortened.", nullptr, room));
            }
            emit summaryChanged();
            setScreen(m_cart.rowCount() > 0 ? Screen::Summary : Screen::Browse);
            return;
        }
        ++lock.wrong;
        if (lock.wrong >= MaxPinTries) {
            lock.until = QDateTime::currentDateTimeUtc().addSecs(LockMinutes * 60);
            lock.wrong = 0;
            m_member.reset();
            emit memberChanged();
            setMessage(tr("Too many wrong PINs. This card is locked for %1 minutes.").arg(LockMinutes));
            setScreen(Screen::SignIn);
            return;
        }
        setMessage(tr("Wrong PIN. %n tries left.", nullptr, MaxPinTries - lock.wrong));
    });
}

int KioskController::pricePerNight() const
{
    return m_member ? m_member->dailyRateCents : 0;
}

QVariantMap KioskController::summary() const
{
    const int n = m_cart.rowCount();
    const int rate = pricePerNight();
    // Tax is charged per rental (each disc its own payment), as the red box computes it.
    const int taxEach = static_cast<int>(std::llround(static_cast<double>(rate) * m_taxBp / 10000.0));
    const int tax = taxEach * n;
    return {{QStringLiteral("discs"), n}, {QStringLiteral("nights"), 1}, {QStringLiteral("pricePerNight"), rate},
            {QStringLiteral("subtotal"), rate * n}, {QStringLiteral("tax"), tax}, {QStringLiteral("total"), rate * n + tax},
            {QStringLiteral("due"), QStringLiteral("9 pm tomorrow")}};
}

void KioskController::pay()
{
    touch();
    if (m_screen != Screen::Summary || !signedIn() || m_cart.rowCount() == 0 || m_paying)
        return;
    m_paying = true;
    setMessage({});
    setScreen(Screen::Paying);
    setBusy(tr("Swipe or tap your payment card..."));
    // One night per disc is authorized now; late days are charged on return.
    m_hw->authorize(summary().value(QStringLiteral("total")).toInt());
}

void KioskController::rentNext()
{
    // Next disc: rent it (the red box, or offline the durable outbox, must have it) then dispense it.
    ++m_current;
    if (m_current >= m_cart.rowCount()) {
        finishDispensing();
        return;
    }
    const int row = m_current;
    CartModel::Item &item = m_cart.items()[row];
    item.state = CartModel::State::Renting;
    m_cart.changed(row);
    struct Pick {
        QString barcode;
        int slot = 0;
    };
    QStringList taken;
    for (const CartModel::Item &i : m_cart.items())
        if (!i.barcode.isEmpty())
            taken << i.barcode;
    const int movieId = item.movieId;
    m_bridge->run<Pick>(
        [movieId, taken](KioskEngine &e) {
            for (const CachedDisc &d : e.cache().rentableDiscs(movieId))
                if (!taken.contains(d.barcode))
                    return Pick{d.barcode, d.slot};
            return Pick{};
        },
        [this, row](Pick pick) {
            CartModel::Item &it = m_cart.items()[row];
            if (pick.barcode.isEmpty()) {
                it.state = CartModel::State::Failed;
                it.message = tr("No copy is left in this kiosk. You were not charged for it.");
                m_cart.changed(row);
                rentNext();
                return;
            }
            it.barcode = pick.barcode;
            it.slot = pick.slot;
            RentRequest req;
            req.barcode = pick.barcode;
            req.slot = pick.slot;
            req.rentedAt = m_clock();
            req.member = *m_member;
            req.cardToken = m_cardToken;
            req.cardLast4 = m_cardLast4;
            m_bridge->rent(req, [this, row](RentResult r) {
                CartModel::Item &i = m_cart.items()[row];
                if (r.failure != Failure::None) {
                    i.state = CartModel::State::Failed;
                    i.message = failureText(r.failure, r.message) + QLatin1Char(' ') + tr("You were not charged for it.");
                    m_cart.changed(row);
                    emit progressChanged();
                    rentNext();
                    return;
                }
                i.rentalId = r.rentalId;
                i.due = r.dueAt;
                i.amountCents = r.amountCents;
                i.taxCents = r.taxCents;
                i.offline = r.offline;
                i.state = CartModel::State::Dispensing;
                m_cart.changed(row);
                if (m_member && !m_member->away)
                    m_member->discsOut = r.discsOut;
                emit summaryChanged();
                m_hw->dispense(i.slot);
            });
        });
}

int KioskController::dispensedCount() const
{
    int n = 0;
    for (const CartModel::Item &i : m_cart.items())
        if (i.state == CartModel::State::Done)
            ++n;
    return n;
}

void KioskController::finishDispensing()
{
    m_paying = false;
    m_current = -1;
    int rented = 0, failed = 0;
    for (const CartModel::Item &i : m_cart.items())
        (i.state == CartModel::State::Done ? rented : failed)++;
    qCInfo(lcKiosk) << "rental finished:" << rented << "dispensed," << failed << "not";
    emit summaryChanged();
    setScreen(Screen::Receipt);
    emit rentalFinished(rented, failed);
}

void KioskController::startReturn()
{
    touch();
    resetSession();
    setMessage(tr("Insert the disc into the return slot, label up."));
    setScreen(Screen::ReturnInsert);
}

void KioskController::onDiscInserted(const QString &barcode)
{
    if (m_screen == Screen::Maintenance)
        return;   // loading discs, or a reader test
    touch();
    if (m_screen != Screen::ReturnInsert || busy()) {
        m_hw->ejectReturn();   // not expecting a disc now: give it back
        return;
    }
    const auto parsed = parseDiscBarcode(barcode);
    if (!parsed) {
        m_hw->ejectReturn();
        setMessage(tr("This disc could not be read, or it is not one of ours. Please take it back."));
        emit returnFinished(false);
        return;
    }
    m_returnBarcode = barcode;
    setBusy(tr("Reading your disc..."));
    m_bridge->run<int>([](KioskEngine &e) {
        const QList<int> free = e.cache().freeSlots();
        return free.isEmpty() ? 0 : free.first();
    }, [this, barcode](int slot) {
        if (slot == 0) {
            setBusy({});
            m_hw->ejectReturn();
            setMessage(tr("This kiosk is full. Please return the disc at another kiosk."));
            emit returnFinished(false);
            return;
        }
        m_returnSlot = slot;
        ReturnRequest req;
        req.barcode = barcode;
        req.slot = slot;
        req.returnedAt = m_clock();
        m_bridge->returnDisc(req, [this](ReturnResult r) {
            setBusy({});
            if (r.failure != Failure::None) {
                m_hw->ejectReturn();
                setMessage(failureText(r.failure, r.message) + QLatin1Char(' ') + tr("Please take your disc back."));
                emit returnFinished(false);
                return;
            }
            m_hw->store(m_returnSlot);
            m_returned = QVariantMap{{QStringLiteral("title"), r.title}, {QStringLiteral("nights"), r.nights},
                                     {QStringLiteral("lateDays"), std::max(0, r.nights - 1)},
                                     {QStringLiteral("charge"), r.chargeCents}, {QStringLiteral("late"), r.lateCents},
                                     {QStringLiteral("foreign"), r.foreignDisc}, {QStringLiteral("offline"), r.offline}};
            emit returnedChanged();
            setMessage({});
            setScreen(Screen::ReturnResult);
            emit returnFinished(true);
        });
    });
}

void KioskController::onDiscUnreadable()
{
    if (m_screen == Screen::Maintenance)
        return;
    touch();
    m_hw->ejectReturn();
    if (m_screen == Screen::ReturnInsert)
        setMessage(tr("This disc could not be read. Please take it back, wipe the label and try again."));
    emit returnFinished(false);
}

void KioskController::openHelp()
{
    touch();
    setScreen(Screen::Help);
}

void KioskController::back()
{
    touch();
    setMessage({});
    switch (m_screen) {
    case Screen::Title:
    case Screen::Cart:
    case Screen::Help:
        setScreen(Screen::Browse);
        break;
    case Screen::SignIn:
    case Screen::Pin:
    case Screen::Summary:
        setScreen(Screen::Cart);
        break;
    case Screen::ReturnInsert:
    case Screen::ReturnResult:
        setScreen(Screen::Browse);
        break;
    default:
        break;
    }
}

void KioskController::cancel()
{
    if (m_screen == Screen::Dispensing || m_screen == Screen::Paying)
        return;   // finishes by itself; nothing half-done is left behind
    resetSession();
    setScreen(Screen::Attract);
}

void KioskController::finish()
{
    resetSession();
    setScreen(Screen::Attract);
}

void KioskController::setReceiptState(const QString &state)
{
    if (state == m_receiptState)
        return;
    m_receiptState = state;
    emit receiptStateChanged();
}

void KioskController::emailReceipt()
{
    touch();
    if (m_screen != Screen::Receipt || !m_receiptId.isNull())
        return;
    QList<QUuid> rentals;
    for (const CartModel::Item &i : m_cart.items())
        if (i.state == CartModel::State::Done && !i.offline)
            rentals << i.rentalId;
    if (rentals.isEmpty()) {
        setMessage(tr("There is nothing to e-mail: this screen is your receipt."));
        return;
    }
    m_receiptId = QUuid::createUuid();
    m_receiptPolls = 0;
    setReceiptState(QStringLiteral("queued"));
    const QUuid id = m_receiptId;
    m_bridge->async<QString>([id, rentals](KioskEngine &e, std::function<void(QString)> cb) { e.emailReceipt(id, rentals, cb); },
                             [this, id](QString state) {
                                 if (id != m_receiptId)
                                     return;
                                 if (state == QLatin1String("queued")) {
                                     m_receiptPoll.start();
                                 } else {
                                     setReceiptState(state);
                                     if (state == QLatin1String("offline"))
                                         setMessage(tr("The receipt cannot be e-mailed while the kiosk is offline; this screen is your receipt."));
                                 }
                             });
}

void KioskController::setLanguage(const QString &language)
{
    touch();
    if (language != QLatin1String("en") && language != QLatin1String("es"))
        return;
    if (language == m_language)
        return;
    m_language = language;
    if (m_languageHandler)
        m_languageHandler(language);
    emit languageChanged();
}

void KioskController::setTheme(const QString &theme)
{
    touch();
    if ((theme != QLatin1String("day") && theme != QLatin1String("night")) || theme == m_theme)
        return;
    m_theme = theme;
    emit themeChanged();
}

QString KioskController::link() const
{
    return linkStatusName(m_bridge->health().link);
}

QString KioskController::trackText(TrackError e) const
{
    switch (e) {
    case TrackError::NotOurCard: return tr("This is not a Redbox membership card.");
    case TrackError::Expired: return tr("This membership card has expired.");
    case TrackError::Malformed:
    case TrackError::BadCheckDigit: break;
    }
    return tr("The card could not be read. Please swipe again.");
}

QString KioskController::failureText(Failure f, const QString &detail) const
{
    switch (f) {
    case Failure::UnknownCard: return tr("This card is not a Redbox membership card we know.");
    case Failure::NotAllowed: return tr("This account is on hold. Please contact member services.");
    case Failure::LimitReached: return detail.contains(QLatin1String("offline"))
            ? tr("While the kiosk is offline you can rent up to %1 discs.").arg(m_bridge->config().offlineAllowance)
            : tr("You have reached the number of discs your plan allows.");
    case Failure::DiscUnavailable: return tr("That disc is not available.");
    case Failure::DiscNotOurs: return tr("This disc is not one of ours.");
    case Failure::DiscAlreadyIn: return tr("This disc is already in a kiosk.");
    case Failure::BadInput: return tr("That could not be read. Please try again.");
    case Failure::Offline: return tr("The kiosk cannot reach the network right now.");
    case Failure::InDoubt: return tr("The kiosk could not confirm this with the network.");
    case Failure::Internal:
    case Failure::None: break;
    }
    return tr("Something went wrong: %1").arg(detail.left(120));
}

} // namespace redbox
