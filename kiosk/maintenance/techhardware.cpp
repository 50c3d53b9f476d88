// Hardware (see techhardware.h).
#include "maintenance/techhardware.h"

#include "core/cards.h"

namespace redbox {

TechHardware::TechHardware(TechDesk &desk, QObject *parent) : QObject(parent), m_desk(desk)
{
    KioskHardware &hw = desk.hardware();
    connect(&hw, &KioskHardware::selfTestDone, this, [this](bool ok, const QString &report) {
        if (!m_desk.signedIn() || !m_motionBusy)
            return;
        m_motionBusy.reset();
        setReport((ok ? tr("Self-test passed: %1") : tr("Self-test FAILED: %1")).arg(report));
        m_desk.audit(QStringLiteral("selftest"), {}, {{QStringLiteral("ok"), ok}, {QStringLiteral("report"), report.left(300)}});
        m_desk.finish(QStringLiteral("selftest"), ok, m_report);
    });
    connect(&hw, &KioskHardware::jamCleared, this, [this](bool ok, const QString &report) {
        if (!m_desk.signedIn() || !m_motionBusy)
            return;
        m_motionBusy.reset();
        m_desk.audit(QStringLiteral("jam_cleared"), {}, {{QStringLiteral("ok"), ok}, {QStringLiteral("report"), report.left(300)}});
        if (!ok) {
            setReport(tr("The jam could not be cleared: %1").arg(report));
            m_desk.finish(QStringLiteral("clear_jam"), false, m_report);
            return;
        }
        QString words = tr("Jam cleared: %1.").arg(report);
        if (m_retrySlot > 0) {
            const int slot = m_retrySlot;
            m_retrySlot = 0;
            words += tr(" Retrying slot %1...").arg(slot);
            dispense(slot, m_retryBarcode, m_desk.hold());
        }
        setReport(words);
        m_desk.finish(QStringLiteral("clear_jam"), true, m_report);
    });
    connect(&hw, &KioskHardware::dispensed, this, [this](int slot, const QString &) {
        if (!m_desk.signedIn() || slot != m_dispenseSlot)
            return;
        m_dispenseSlot = 0;
        m_dispenseBusy.reset();
        m_desk.say(tr("Take the disc from the door (slot %1).").arg(slot));
        emit changed();
        m_desk.finish(QStringLiteral("dispense"), true, m_desk.message());
    });
    connect(&hw, &KioskHardware::dispenseFailed, this, [this](int slot, const QString &reason) {
        if (!m_desk.signedIn() || slot != m_dispenseSlot)
            return;
        m_dispenseSlot = 0;
        m_dispenseBusy.reset();
        m_retrySlot = slot;
        m_retryBarcode = m_dispenseBarcode;
        setReport(tr("Slot %1 did not dispense: %2. Open Hardware and clear the jam; the unload is retried.").arg(slot).arg(reason));
        m_desk.say(m_report, true);
        m_desk.audit(QStringLiteral("dispense_failed"), {}, {{QStringLiteral("slot"), slot}, {QStringLiteral("reason"), reason.left(200)}});
        m_desk.finish(QStringLiteral("dispense"), false, m_report);
    });
}

void TechHardware::setReport(const QString &report)
{
    m_report = report;
    emit changed();
}

void TechHardware::clear()
{
    m_retrySlot = 0;
    m_dispenseSlot = 0;
    m_dispenseBusy.reset();
    m_motionBusy.reset();
    emit changed();
}

void TechHardware::dispense(int slot, const QString &barcode, TechDesk::BusyToken busy)
{
    m_dispenseSlot = slot;
    m_dispenseBarcode = barcode;
    m_dispenseBusy = std::move(busy);
    m_desk.hardware().dispense(slot, barcode);   // dispensed / dispenseFailed finish it
}

void TechHardware::selfTest()
{
    if (!m_desk.idleFor(QStringLiteral("selftest")))
        return;
    m_motionBusy = m_desk.hold();
    setReport(tr("Self-test running: the picker visits every slot..."));
    m_desk.kiosk().facts(guarded(this, [this](KioskFacts f) { m_desk.hardware().selfTest(std::max(1, f.slotCount)); }));
}

void TechHardware::clearJamAndRetry()
{
    if (!m_desk.idleFor(QStringLiteral("clear_jam")))
        return;
    m_motionBusy = m_desk.hold();
    setReport(tr("Clearing the picker..."));
    m_desk.hardware().clearJam();
}

void TechHardware::testCardReader()
{
    if (!m_desk.needSession())
        return;
    m_desk.setMode(TechDesk::Mode::CardTest);
    setReport(tr("Swipe any card through the reader."));
}

void TechHardware::testBarcodeReader()
{
    if (!m_desk.needSession())
        return;
    m_desk.setMode(TechDesk::Mode::BarcodeTest);
    setReport(tr("Insert a disc into the return slot; it is read and given back."));
}

void TechHardware::cardRead(const QByteArray &track, const QDate &today)
{
    const TrackResult parsed = parseCardTrack(track, today);
    QString report;
    if (parsed.card)
        report = tr("Card reader OK: %1 card ending %2, expires %3/%4.")
                     .arg(parsed.card->technician ? tr("technician") : tr("member"), parsed.card->number.right(4))
                     .arg(parsed.card->expiryMonth, 2, 10, QLatin1Char('0'))
                     .arg(parsed.card->expiryYear);
    else
        report = tr("The card reader read a card it does not accept (%1).")
                     .arg(parsed.error == TrackError::Expired         ? tr("expired")
                          : parsed.error == TrackError::BadCheckDigit ? tr("bad check digit")
                          : parsed.error == TrackError::NotOurCard    ? tr("not a Redbox card")
                                                                      : tr("unreadable track"));
    m_desk.setMode(TechDesk::Mode::None);
    setReport(report);
    m_desk.audit(QStringLiteral("card_reader_test"), {}, {{QStringLiteral("ok"), parsed.card.has_value()}});
    m_desk.finish(QStringLiteral("cardtest"), parsed.card.has_value(), report);
}

void TechHardware::discRead(const QString &barcode)
{
    const auto parsed = parseDiscBarcode(barcode);
    m_desk.setMode(TechDesk::Mode::None);
    setReport(parsed ? tr("Barcode reader OK: read %1 (title %2, copy %3).").arg(parsed->text).arg(parsed->movieId).arg(parsed->serial)
                     : tr("The barcode reader read \"%1\", which is not a valid disc barcode.").arg(barcode.left(20)));
    m_desk.hardware().ejectReturn();
    m_desk.audit(QStringLiteral("barcode_reader_test"), parsed ? parsed->text : QString(), {{QStringLiteral("ok"), parsed.has_value()}});
    m_desk.finish(QStringLiteral("barcodetest"), parsed.has_value(), m_report);
}

void TechHardware::discUnreadable()
{
    m_desk.setMode(TechDesk::Mode::None);
    setReport(tr("The barcode reader could not read the disc's label."));
    m_desk.audit(QStringLiteral("barcode_reader_test"), {}, {{QStringLiteral("ok"), false}});
    m_desk.finish(QStringLiteral("barcodetest"), false, m_report);
}

}   // namespace redbox
