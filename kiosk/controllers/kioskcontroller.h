// The customer's kiosk: which screen shows, and everything that happens
// between the screens and the network and the hardware. Screens (QML) only
// show this object's state and forward taps; the simulator drives the same
// object without any screen.
//
// Flow: Attract -> Browse <-> Title -> Cart -> SignIn (swipe) -> Pin (a
// member's PIN, or a bank card's billing ZIP) -> Summary -> Paying
// (authorize one night) -> Dispensing (rent, then dispense,
// each disc) -> Receipt -> Attract. Returns: ReturnInsert -> ReturnResult.
// Any screen left untouched for the idle timeout goes back to Attract; a
// half-finished rental is cancelled (nothing charged, discs stay).
#pragma once

#include "backend/kioskbackend.h"
#include "controllers/cartmodel.h"
#include "controllers/catalogmodel.h"
#include "controllers/devicewatch.h"
#include "controllers/screenfacts.h"
#include "core/cards.h"
#include "hardware/kioskhardware.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

#include <functional>
#include <optional>

namespace redbox {

class KioskController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Screen screen READ screen NOTIFY screenChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)
    Q_PROPERTY(redbox::CatalogModel *catalog READ catalog CONSTANT)
    Q_PROPERTY(redbox::CartModel *cart READ cart CONSTANT)
    Q_PROPERTY(redbox::TitleDetails *title READ title CONSTANT)
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY memberChanged)
    Q_PROPERTY(QString memberCard READ memberCard NOTIFY memberChanged)
    Q_PROPERTY(int allowance READ allowance NOTIFY memberChanged)
    Q_PROPERTY(int pinLength READ pinLength NOTIFY pinChanged)
    Q_PROPERTY(bool walkUp READ walkUp NOTIFY memberChanged)
    Q_PROPERTY(redbox::RentalSummary *summary READ summary CONSTANT)
    Q_PROPERTY(int dispensed READ dispensedCount NOTIFY progressChanged)
    Q_PROPERTY(redbox::ReturnReceipt *returned READ returned CONSTANT)
    Q_PROPERTY(QString link READ link NOTIFY healthChanged)
    Q_PROPERTY(int outboxDepth READ outboxDepth NOTIFY healthChanged)
    Q_PROPERTY(QString language READ language NOTIFY languageChanged)
    Q_PROPERTY(QString theme READ theme NOTIFY themeChanged)
    Q_PROPERTY(int idleTimeoutS READ idleTimeoutS CONSTANT)
    Q_PROPERTY(QString kioskId READ kioskId CONSTANT)
    Q_PROPERTY(int pricePerNight READ pricePerNight NOTIFY memberChanged)
    Q_PROPERTY(int lowestPricePerNight READ lowestPricePerNight NOTIFY factsChanged)
    Q_PROPERTY(QString receiptState READ receiptState NOTIFY receiptStateChanged)
    Q_PROPERTY(QString receiptTime READ receiptTime NOTIFY receiptTimeChanged)
    Q_PROPERTY(QString promoCode READ promoCode NOTIFY promoChanged)
    Q_PROPERTY(int cardCheckCents READ cardCheckCents CONSTANT)
    // What the mechanisms can do now (DeviceWatch): the out-of-order screen says what is down.
    Q_PROPERTY(bool rentalsOpen READ rentalsOpen NOTIFY deviceStateChanged)
    Q_PROPERTY(bool returnsOpen READ returnsOpen NOTIFY deviceStateChanged)

public:
    enum class Screen {
        Attract,
        Browse,
        Title,
        Cart,
        SignIn,
        Pin,
        Summary,
        Paying,
        Dispensing,
        Receipt,
        ReturnInsert,
        ReturnResult,
        Help,
        Maintenance,
        OutOfOrder
    };
    Q_ENUM(Screen)

    static constexpr int MaxCartTitles = 6;

    KioskController(KioskBackend *backend, KioskHardware *hardware, QObject *parent = nullptr);

    // The QML singleton is the instance main() (or a test) made.
    static void setInstance(KioskController *c) { s_instance = c; }
    static KioskController *create(QQmlEngine *, QJSEngine *);

    Screen screen() const { return m_screen; }
    QString message() const { return m_message; }
    bool busy() const { return !m_busyText.isEmpty(); }
    QString busyText() const { return m_busyText; }
    CatalogModel *catalog() { return &m_catalog; }
    CartModel *cart() { return &m_cart; }
    TitleDetails *title() { return &m_title; }
    bool signedIn() const { return m_member.has_value() && m_pinOk; }
    QString memberCard() const;
    int allowance() const;
    int pinLength() const { return static_cast<int>(m_pin.size()); }
    // A bank card (no membership): the Pin screen asks for its billing ZIP.
    bool walkUp() const { return m_member && m_member->walkUp; }
    RentalSummary *summary() { return &m_summary; }
    int dispensedCount() const;
    ReturnReceipt *returned() { return &m_returned; }
    QString link() const;
    int outboxDepth() const { return m_backend->health().outboxDepth; }
    QString language() const { return m_language; }
    QString theme() const { return m_theme; }
    int idleTimeoutS() const { return m_idleTimeoutMs / 1000; }
    QString kioskId() const { return m_backend->config().kioskId; }
    int pricePerNight() const;
    // A night of a title whose format costs EXTRACENTS more: on the member's plan, or
    // before signing in, from the cheapest plan.
    int nightPriceOf(int extraCents) const;
    // The cheapest night the data offers (for "from $X a night"); 0 until the cache has the plans.
    int lowestPricePerNight() const { return m_facts.lowestNightCents; }
    QString receiptState() const { return m_receiptState; }
    QString receiptTime() const;
    // The promo code applied to this rental (empty: none).
    QString promoCode() const { return m_promo.code; }
    // The hold that checks a card when nothing is due now (a night made free), released later.
    int cardCheckCents() const;
    bool rentalsOpen() const { return m_watch.rentalsOpen(); }
    bool returnsOpen() const { return m_watch.returnsOpen(); }
    DeviceWatch *deviceWatch() { return &m_watch; }
    // A time as the kiosk's customers read it: in the kiosk's own time zone.
    Q_INVOKABLE QString localTime(const QDateTime &utc) const;

    void setIdleTimeoutMs(int ms);
    // The kiosk's clock for what the screens show (the simulator plays
    // customers who kept a disc for days by setting it back for their visit).
    void setClock(std::function<QDateTime()> clock);
    KioskHardware *hardware() const { return m_hw; }
    KioskBackend *backend() const { return m_backend; }
    // Maintenance mode (MaintenanceController) takes the screen, the card reader and the return slot.
    void enterMaintenance();
    void leaveMaintenance();
    void setLanguageHandler(std::function<void(const QString &)> handler) { m_languageHandler = std::move(handler); }

    // Taps and keys from the screens.
    Q_INVOKABLE void touch();
    Q_INVOKABLE void start();
    Q_INVOKABLE void browse();
    Q_INVOKABLE void openTitle(int movieId);
    Q_INVOKABLE void addToCart(int movieId);
    Q_INVOKABLE void buy(int movieId);   // a disc of a title on sale, to keep (its sale price, once)
    Q_INVOKABLE void removeFromCart(int row);
    Q_INVOKABLE void openCart();
    Q_INVOKABLE void checkout();
    Q_INVOKABLE void pinDigit(int digit);
    Q_INVOKABLE void pinBackspace();
    Q_INVOKABLE void pinEnter();
    Q_INVOKABLE void pay();
    // A promo code typed on the summary: checked online at HQ, one per rental.
    Q_INVOKABLE void applyPromo(const QString &typed);
    Q_INVOKABLE void removePromo();
    Q_INVOKABLE void startReturn();
    Q_INVOKABLE void openHelp();
    Q_INVOKABLE void back();
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void finish();
    // ADDRESS: a walk-up card's (typed on the receipt screen); a member's receipt goes to the address on file.
    Q_INVOKABLE void emailReceipt(const QString &address = QString());
    Q_INVOKABLE void setLanguage(const QString &language);
    Q_INVOKABLE void setTheme(const QString &theme);
    Q_INVOKABLE QString money(int cents) const;

    // How many wrong PINs the signing-in card had left at the last answer (the server counts them
    // at every kiosk; 5 wrong in 15 minutes lock the card for 15 minutes).
    int triesLeft() const { return m_triesLeft; }

signals:
    void screenChanged();
    void messageChanged();
    void busyChanged();
    void memberChanged();
    void pinChanged();
    void receiptTimeChanged();
    void progressChanged();
    void healthChanged();
    void languageChanged();
    void themeChanged();
    void receiptStateChanged();
    void factsChanged();
    void promoChanged();
    void deviceStateChanged();
    void rentalFinished(int rented, int failed);   // for the simulator and tests
    void returnFinished(bool accepted);

private:
    // Whether the cart may take a disc of T, to rent or to buy; when not, the message says why.
    bool cartTakes(const Title &t, bool purchase);
    void setScreen(Screen s);
    void setMessage(const QString &m);
    void setBusy(const QString &text);
    void resetSession();
    void onIdle();
    void onCardSwiped(const QByteArray &track);
    void onMemberFound(const MemberLookupResult &r, bool bankCard);
    void zipEnter();
    void signedInWith(const SignInResult &r);
    void onAuthorized(const QString &token, const QString &last4);
    void onDeclined(const QString &reason);
    void onDispensed(int slot, const QString &barcode);
    void onDispenseFailed(int slot, const QString &reason);
    void pollReceipt();
    void onDiscInserted(const QString &barcode);
    void onDiscUnreadable();
    void onStored(int slot);
    void onStoreFailed(int slot, const QString &reason);
    void handBackReturn(const QString &why);   // a stored disc whose return was refused: out again
    void onHandedBack(bool ok);
    void onDeviceStateChanged();
    void refreshKioskFacts();
    void refreshSummary();
    void rentNext();
    void finishDispensing();
    QString failureText(Failure f, const QString &detail) const;
    QString lockedText(const QDateTime &until) const;
    QString trackText(TrackError e) const;
    void setReceiptState(const QString &state);
    void dropPromo();   // forgets the promo, giving HQ back a grant no rental used
    QString promoRefusalText(const PromoResult &r) const;

    KioskBackend *m_backend;
    KioskHardware *m_hw;
    DeviceWatch m_watch;
    CatalogModel m_catalog;
    CartModel m_cart;
    TitleDetails m_title;
    RentalSummary m_summary;
    ReturnReceipt m_returned;
    Screen m_screen = Screen::Attract;
    QString m_message;
    QString m_busyText;
    std::optional<MemberInfo> m_member;
    bool m_pinOk = false;
    QString m_pin;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    int m_triesLeft = 0;
    QString m_cardToken, m_cardLast4;
    int m_current = -1;   // the cart item being rented or dispensed
    QString m_returnBarcode;
    QUuid m_returnId;   // the return in progress (its store journal entry)
    int m_returnSlot = 0;
    QDateTime m_returnedAt;
    // A return goes in two steps: the disc is stored, then the return is recorded; a return the
    // records refuse gives the stored disc back out of the door. A session reset never drops a step.
    enum class ReturnStep { None, Storing, Recording, HandingBack };
    ReturnStep m_returnStep = ReturnStep::None;
    QString m_handBackWhy;
    QTimer m_idle;
    int m_idleTimeoutMs = 60'000;
    QString m_language = QStringLiteral("en");
    QString m_theme = QStringLiteral("day");
    QString m_receiptState;
    std::function<void(const QString &)> m_languageHandler;
    bool m_paying = false;
    QUuid m_receiptId;
    QTimer m_receiptPoll;
    int m_receiptPolls = 0;
    KioskFacts m_facts;   // this kiosk's sales tax and time zone, from the cache
    QString m_cardDigits;   // the swiped card's last 4 digits, for the screen
    QString m_billingZip;   // a walk-up card's ZIP as typed, sent with the authorization
    int m_zipDeclines = 0;
    PromoResult m_promo;   // the promo code applied (its grant), if any
    bool m_promoUsed = false;   // a rental carried the grant (or may have: its answer was lost)
    bool m_promoChecking = false;

    static inline KioskController *s_instance = nullptr;
};

}   // namespace redbox
