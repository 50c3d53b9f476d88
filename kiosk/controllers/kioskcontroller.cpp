// The customer's kiosk: the screens' flow, the session, the idle timeout, the
// kiosk's facts and the words it shows (see kioskcontroller.h). Checking out is
// in kioskcontroller_checkout.cpp, taking a disc back in kioskcontroller_returns.cpp.
#include "controllers/kioskcontroller.h"

#include "core/cards.h"
#include "core/pricing.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QQmlEngine>
#include <QTimeZone>

Q_LOGGING_CATEGORY(lcKiosk, "redbox.kiosk.flow", QtInfoMsg)

namespace redbox {

KioskController::KioskController(KioskBackend *backend, KioskHardware *hardware, QObject *parent)
    : QObject(parent), m_backend(backend), m_hw(hardware), m_watch(hardware), m_catalog(backend)
{
    connect(&m_watch, &DeviceWatch::changed, this, &KioskController::onDeviceStateChanged);
    m_language = backend->config().language;
    m_theme = backend->config().theme;
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_idleTimeoutMs);
    connect(&m_idle, &QTimer::timeout, this, &KioskController::onIdle);
    connect(backend, &KioskBackend::healthChanged, this, &KioskController::healthChanged);
    connect(backend, &KioskBackend::catalogChanged, this, &KioskController::refreshKioskFacts);
    connect(hardware, &KioskHardware::cardSwiped, this, &KioskController::onCardSwiped);
    connect(hardware, &KioskHardware::discInserted, this, &KioskController::onDiscInserted);
    connect(hardware, &KioskHardware::discUnreadable, this, &KioskController::onDiscUnreadable);
    connect(hardware, &KioskHardware::authorized, this, &KioskController::onAuthorized);
    connect(hardware, &KioskHardware::declined, this, &KioskController::onDeclined);
    connect(hardware, &KioskHardware::dispensed, this, &KioskController::onDispensed);
    connect(hardware, &KioskHardware::dispenseFailed, this, &KioskController::onDispenseFailed);
    connect(hardware, &KioskHardware::stored, this, &KioskController::onStored);
    connect(hardware, &KioskHardware::storeFailed, this, &KioskController::onStoreFailed);
    // The title on screen is priced for whoever is signed in, by the data the kiosk has now.
    const auto priceTitle = [this] { m_title.setNightCents(nightPriceOf(m_title.nightExtraCents())); };
    connect(this, &KioskController::memberChanged, this, priceTitle);
    connect(this, &KioskController::factsChanged, this, priceTitle);
    m_receiptPoll.setInterval(1000);
    connect(&m_receiptPoll, &QTimer::timeout, this, &KioskController::pollReceipt);
    m_catalog.reload();
    refreshKioskFacts();
}

void KioskController::refreshKioskFacts()
{
    m_backend->facts(guarded(this, [this](KioskFacts f) {
        if (f.taxRateBp != m_facts.taxRateBp || f.timezone != m_facts.timezone || f.lowestNightCents != m_facts.lowestNightCents) {
            m_facts = f;
            refreshSummary();
            emit factsChanged();
        }
    }));
}

void KioskController::refreshSummary()
{
    QList<int> rates;
    QList<int> sales;
    for (int row = 0; row < m_cart.rowCount(); ++row) {
        CartModel::Item &item = m_cart.items()[row];
        const int night = item.purchase ? item.saleCents : pricePerNight() + item.nightExtraCents;
        (item.purchase ? sales : rates) << night;
        if (item.nightCents != night) {
            item.nightCents = night;
            m_cart.changed(row);
        }
    }
    m_summary.set(rates, m_facts.taxRateBp, pricing::rentalDueAt(m_clock(), m_facts.timezone), m_promo.centsOff, sales);
    emit receiptTimeChanged();
}

void KioskController::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

QString KioskController::localTime(const QDateTime &utc) const
{
    if (!utc.isValid())
        return {};
    const QTimeZone zone(m_facts.timezone.toLatin1());
    const QLocale locale(m_language == QLatin1String("es") ? QLocale::Spanish : QLocale::English, QLocale::UnitedStates);
    return locale.toString(utc.toTimeZone(zone.isValid() ? zone : QTimeZone::utc()), QStringLiteral("ddd d MMM, h:mm ap"));
}

QString KioskController::receiptTime() const
{
    return localTime(m_clock());
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
    dropPromo();
    m_cart.clear();
    m_member.reset();
    m_pinOk = false;
    m_pin.clear();
    m_cardToken.clear();
    m_cardLast4.clear();
    m_billingZip.clear();
    m_zipDeclines = 0;
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
    refreshSummary();
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
    setScreen(rentalsOpen() ? Screen::Browse : Screen::OutOfOrder);
}

void KioskController::onDeviceStateChanged()
{
    emit deviceStateChanged();
    // A visit that can no longer end in a disc goes to the out-of-order screen (never one under way).
    const bool shopping = m_screen == Screen::Browse || m_screen == Screen::Title || m_screen == Screen::Cart ||
                          m_screen == Screen::SignIn || m_screen == Screen::Pin || m_screen == Screen::Summary;
    const bool returning = m_screen == Screen::ReturnInsert && m_returnStep == ReturnStep::None && !busy();
    if ((!rentalsOpen() && shopping && !m_paying) || (!returnsOpen() && returning)) {
        resetSession();
        setScreen(Screen::OutOfOrder);
    } else if (m_screen == Screen::OutOfOrder && rentalsOpen() && returnsOpen()) {
        setScreen(Screen::Attract);
    }
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
    m_title.show(*t, m_cart.contains(movieId));
    m_title.setNightCents(nightPriceOf(t->nightExtraCents));
    setMessage({});
    setScreen(Screen::Title);
}

int KioskController::allowance() const
{
    if (!m_member)
        return MaxCartTitles;
    int limit = m_member->planLimit;
    if (m_backend->health().link == LinkStatus::Offline && !m_member->away)
        limit = std::min(limit, m_backend->config().offlineAllowance);
    return std::max(0, std::min(MaxCartTitles, limit - m_member->discsOut));
}

bool KioskController::cartTakes(const Title &t, bool purchase)
{
    if (m_cart.contains(t.movieId)) {
        setMessage(tr("%1 is already in your cart.").arg(t.title));
        return false;
    }
    if (purchase && t.saleCents <= 0) {
        setMessage(tr("%1 is not for sale at this kiosk.").arg(t.title));
        return false;
    }
    if (t.available <= 0) {
        setMessage(tr("%1 is not available at this kiosk right now.").arg(t.title));
        return false;
    }
    // Rentals count against the member's allowance; a disc bought only against the cart's size.
    if (!purchase && m_cart.rentals() >= allowance()) {
        setMessage(tr("You can rent %n disc(s) in this visit.", nullptr, allowance()));
        return false;
    }
    if (purchase && m_cart.rowCount() >= MaxCartTitles) {
        setMessage(tr("You can take %n disc(s) in this visit.", nullptr, MaxCartTitles));
        return false;
    }
    return true;
}

void KioskController::addToCart(int movieId)
{
    touch();
    const auto t = m_catalog.byId(movieId);
    if (!t || !cartTakes(*t, false))
        return;
    m_cart.add(movieId, t->title, t->nightExtraCents);
    if (m_title.movieId() == movieId)
        m_title.setInCart(true);
    refreshSummary();
    setMessage(tr("%1 added to your cart.").arg(t->title));
}

void KioskController::buy(int movieId)
{
    touch();
    const auto t = m_catalog.byId(movieId);
    if (!t || !cartTakes(*t, true))
        return;
    m_cart.addPurchase(movieId, t->title, t->saleCents);
    if (m_title.movieId() == movieId)
        m_title.setInCart(true);
    refreshSummary();
    setMessage(tr("%1 added to your cart, to buy and keep.").arg(t->title));
}

void KioskController::removeFromCart(int row)
{
    touch();
    m_cart.removeAt(row);
    refreshSummary();
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
    if (!rentalsOpen()) {
        resetSession();
        setScreen(Screen::OutOfOrder);
        return;
    }
    if (m_cart.rowCount() == 0) {
        setMessage(tr("Your cart is empty."));
        return;
    }
    setMessage({});
    setScreen(signedIn() ? Screen::Summary : Screen::SignIn);
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
        case Screen::Help: setScreen(Screen::Browse); break;
        case Screen::SignIn:
        case Screen::Pin:
        case Screen::Summary: setScreen(Screen::Cart); break;
        case Screen::ReturnInsert:
        case Screen::ReturnResult: setScreen(Screen::Browse); break;
        default: break;
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
    return linkStatusName(m_backend->health().link);
}

QString KioskController::trackText(TrackError e) const
{
    switch (e) {
        case TrackError::NotOurCard: return tr("This card cannot be used here: use a Redbox membership card, or a credit or debit card.");
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
        case Failure::LimitReached:
            return detail.contains(QLatin1String("offline"))
                       ? tr("While the kiosk is offline you can rent up to %1 discs.").arg(m_backend->config().offlineAllowance)
                       : tr("You have reached the number of discs your plan allows.");
        case Failure::DiscUnavailable: return tr("That disc is not available.");
        case Failure::DiscNotOurs: return tr("This disc is not one of ours.");
        case Failure::DiscAlreadyIn: return tr("This disc is already in a kiosk.");
        case Failure::BadInput: return tr("That could not be read. Please try again.");
        case Failure::Offline:
            return detail.contains(QLatin1String("sold online only"))
                       ? tr("Discs are sold online only, and the kiosk cannot reach the network right now.")
                       : tr("The kiosk cannot reach the network right now.");
        case Failure::InDoubt: return tr("The kiosk could not confirm this with the network.");
        case Failure::PromoRefused: return tr("The promo code could not be used.");
        case Failure::Internal:
        case Failure::None: break;
    }
    return tr("Something went wrong: %1").arg(detail.left(120));
}

}   // namespace redbox
