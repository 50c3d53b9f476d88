// Hardware: the carousel's self-test (the picker visits every slot), clearing
// a jam and retrying what jammed, and the card and barcode readers' tests.
// Dispenses a technician asks for (an unload) go through here too, so a jam
// in one is retried after the jam is cleared.
#pragma once

#include "maintenance/techdesk.h"

#include <QObject>

#include <functional>
#include <optional>

namespace redbox {

class TechHardware : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns its pages")
    Q_PROPERTY(QString report READ report NOTIFY changed)
    Q_PROPERTY(bool canRetry READ canRetry NOTIFY changed)
public:
    explicit TechHardware(TechDesk &desk, QObject *parent = nullptr);

    QString report() const { return m_report; }
    bool canRetry() const { return m_retrySlot > 0; }

    Q_INVOKABLE void selfTest();
    Q_INVOKABLE void clearJamAndRetry();
    Q_INVOKABLE void testCardReader();
    Q_INVOKABLE void testBarcodeReader();

    // The reader tests' input (routed here while the desk's mode is CardTest / BarcodeTest).
    void cardRead(const QByteArray &track, const QDate &today);
    void discRead(const QString &barcode);
    void discUnreadable();

    // A technician's dispense from SLOT (busy until it came out or jammed).
    void dispense(int slot, const QString &barcode, TechDesk::BusyToken busy);
    void clear();

signals:
    void changed();

private:
    void setReport(const QString &report);

    TechDesk &m_desk;
    QString m_report;
    int m_retrySlot = 0;   // a dispense that jammed: retried after clearing
    QString m_retryBarcode;
    int m_dispenseSlot = 0;   // a dispense under way
    QString m_dispenseBarcode;
    std::optional<TechDesk::BusyToken> m_dispenseBusy;
    std::optional<TechDesk::BusyToken> m_motionBusy;   // a self-test or jam clearing under way
};

}   // namespace redbox
