// Maintenance mode for field technicians (issue 6): entry, the session, and
// every action, for the maintenance screens (QML only shows this object's
// state and forwards taps). Entry is a long press on the help screen's
// hidden corner, then a technician card and PIN checked at the red box (or
// the coast; offline, against the technicians the kiosk's cache holds).
// Five failed sign-ins lock the entry for 15 minutes (kept across restarts);
// five minutes untouched end the session. While a session is open the
// customers' controller ignores the card reader and the return slot, and
// every action is audited (KioskEngine::audit, or tech_disc's own row).
// Nothing here leads out of the app: there is no desktop or shell to reach.
#pragma once

#include "controllers/enginebridge.h"
#include "hardware/kioskhardware.h"
#include "maintenance/maintenanceservice.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace redbox {

class KioskController;

class MaintenanceController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Page page READ page NOTIFY pageChanged)
    Q_PROPERTY(bool signedIn READ signedIn NOTIFY pageChanged)
    Q_PROPERTY(QString technicianName READ technicianName NOTIFY pageChanged)
    Q_PROPERTY(QString signInSource READ signInSource NOTIFY pageChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool messageIsError READ messageIsError NOTIFY messageChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(int pinLength READ pinLength NOTIFY pinChanged)
    Q_PROPERTY(bool locked READ locked NOTIFY lockChanged)
    Q_PROPERTY(QString lockedUntil READ lockedUntil NOTIFY lockChanged)
    Q_PROPERTY(int failuresLeft READ failuresLeft NOTIFY lockChanged)
    Q_PROPERTY(QVariantList healthRows READ healthRows NOTIFY healthChanged)
    Q_PROPERTY(QVariantList slotMap READ slotMap NOTIFY slotsChanged)
    Q_PROPERTY(QVariantList removals READ removals NOTIFY slotsChanged)
    Q_PROPERTY(int rentedOut READ rentedOut NOTIFY slotsChanged)
    Q_PROPERTY(QString mode READ mode NOTIFY modeChanged)
    Q_PROPERTY(int loadedCount READ loadedCount NOTIFY modeChanged)
    Q_PROPERTY(QString hardwareReport READ hardwareReport NOTIFY hardwareChanged)
    Q_PROPERTY(bool canRetry READ canRetry NOTIFY hardwareChanged)
    Q_PROPERTY(qint64 resyncDone READ resyncDone NOTIFY resyncChanged)
    Q_PROPERTY(qint64 resyncTotal READ resyncTotal NOTIFY resyncChanged)
    Q_PROPERTY(bool resyncing READ resyncing NOTIFY resyncChanged)
    Q_PROPERTY(QString lastExport READ lastExport NOTIFY exportChanged)

public:
    enum class Page { Closed, Card, Pin, Health, Slots, Hardware, Repair };
    Q_ENUM(Page)

    static constexpr int MaxFailures = 5;
    static constexpr int LockMinutes = 15;
    static constexpr int IdleMinutes = 5;

    MaintenanceController(EngineBridge *bridge, KioskHardware *hardware, KioskController *kiosk, QObject *parent = nullptr);

    static void setInstance(MaintenanceController *c) { s_instance = c; }
    static MaintenanceController *create(QQmlEngine *, QJSEngine *);

    Page page() const { return m_page; }
    bool signedIn() const { return m_technician.has_value() && m_page >= Page::Health; }
    QString technicianName() const { return m_technician ? m_technician->name : QString(); }
    qint64 technicianId() const { return m_technician ? m_technician->technicianId : 0; }
    QString signInSource() const { return m_source; }
    QString message() const { return m_message; }
    bool messageIsError() const { return m_messageIsError; }
    bool busy() const { return m_busy > 0; }
    int pinLength() const { return static_cast<int>(m_pin.size()); }
    bool locked() const;
    QString lockedUntil() const;
    int failuresLeft() const { return MaxFailures - m_failures; }
    QVariantList healthRows() const { return m_healthRows; }
    QVariantList slotMap() const { return m_slotMap; }
    QVariantList removals() const { return m_removals; }
    int rentedOut() const { return m_rentedOut; }
    QString mode() const { return m_mode; }
    int loadedCount() const { return m_loaded; }
    QString hardwareReport() const { return m_hardwareReport; }
    bool canRetry() const { return m_retrySlot > 0; }
    qint64 resyncDone() const { return m_resyncDone; }
    qint64 resyncTotal() const { return m_resyncTotal; }
    bool resyncing() const { return m_resyncing; }
    QString lastExport() const { return m_lastExport; }

    void setIdleTimeoutMs(int ms) { m_idle.setInterval(ms); }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    // Entry.
    Q_INVOKABLE void requestEntry();            // the long press on the help screen
    Q_INVOKABLE void swipeForTest(const QString &cardNumber);   // tests: a technician card through the reader path
    Q_INVOKABLE void pinDigit(int digit);
    Q_INVOKABLE void pinBackspace();
    Q_INVOKABLE void pinEnter();
    Q_INVOKABLE void cancelEntry();
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void touch();
    Q_INVOKABLE void showPage(int page);
    // Health.
    Q_INVOKABLE void refreshHealth();
    // Slots.
    Q_INVOKABLE void refreshSlots();
    Q_INVOKABLE void startLoading();            // discs put in the return slot are loaded (the kiosk picks the slot)
    Q_INVOKABLE void stopMode();
    Q_INVOKABLE void loadBarcode(const QString &barcode, int slot);   // a disc put in SLOT by hand (slot 0: the kiosk picks)
    Q_INVOKABLE void unload(const QString &barcode);
    Q_INVOKABLE void markDamaged(const QString &barcode);
    // Hardware.
    Q_INVOKABLE void selfTest();
    Q_INVOKABLE void clearJamAndRetry();
    Q_INVOKABLE void testCardReader();
    Q_INVOKABLE void testBarcodeReader();
    // Repair.
    Q_INVOKABLE void resync();
    Q_INVOKABLE void retryParked();
    Q_INVOKABLE void failover();
    Q_INVOKABLE void failback();
    Q_INVOKABLE void exportDiagnostics();

signals:
    void pageChanged();
    void messageChanged();
    void busyChanged();
    void pinChanged();
    void lockChanged();
    void healthChanged();
    void slotsChanged();
    void modeChanged();
    void hardwareChanged();
    void resyncChanged();
    void exportChanged();
    // For tests and the simulator: an action finished (ok or refused), with its words.
    void actionDone(const QString &action, bool ok, const QString &message);

private:
    void setPage(Page p);
    void setMessage(const QString &text, bool error = false);
    void begin();
    void end();
    void audit(const QString &action, const QString &barcode = {}, const QJsonObject &detail = {});
    void failedSignIn(const QString &why, qint64 technicianId);
    void onCard(const QByteArray &track);
    void onDisc(const QString &barcode);
    void onDiscUnreadable();
    void close(const QString &why);
    void loadInserted(const QString &barcode);
    void applyDiscs(const TechAnswer &a);
    void buildHealth(const MaintenanceHealth &h);
    void saveLock();
    void finishAction(const QString &action, bool ok, const QString &message);
    bool needSession();
    bool idle(const QString &action);   // signed in and nothing under way; else says why (actionDone)

    EngineBridge *m_bridge;
    KioskHardware *m_hw;
    KioskController *m_kiosk;
    Page m_page = Page::Closed;
    std::optional<TechnicianInfo> m_technician;
    std::optional<TechnicianInfo> m_candidate;   // card read, PIN not yet checked
    QString m_source;
    QString m_pin;
    QString m_message;
    bool m_messageIsError = false;
    int m_busy = 0;
    int m_failures = 0;
    QDateTime m_lockedUntil;
    QTimer m_idle;
    QVariantList m_healthRows;
    QVariantList m_slotMap;
    QVariantList m_removals;
    int m_rentedOut = 0;
    QString m_mode;                 // "" | load | cardtest | barcodetest
    int m_loaded = 0;
    QString m_hardwareReport;
    int m_retrySlot = 0;            // a technician's unload whose dispense jammed: retried after clearing
    QString m_pendingStore;         // barcode being stored after a load was recorded
    int m_pendingStoreSlot = 0;
    int m_pendingDispenseSlot = 0;
    qint64 m_resyncDone = 0;
    qint64 m_resyncTotal = 0;
    bool m_resyncing = false;
    bool m_resyncStarted = false;
    QString m_lastExport;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };

    static inline MaintenanceController *s_instance = nullptr;
};

} // namespace redbox
