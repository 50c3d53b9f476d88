// Slots (see techslots.h).
#include "maintenance/techslots.h"

#include "core/cards.h"

namespace redbox {

// ---- the models -----------------------------------------------------------------------

int SlotsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_slots.size());
}

QVariant SlotsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_slots.size())
        return {};
    const TechDisc &d = m_slots[index.row()];
    switch (role) {
        case SlotRole: return index.row() + 1;
        case BarcodeRole: return d.barcode;
        case TitleRole: return d.title;
        case ConditionRole: return d.condition;
        case RemovalRole: return d.removalReason;
        default: return {};
    }
}

QHash<int, QByteArray> SlotsModel::roleNames() const
{
    return {{SlotRole, "slot"}, {BarcodeRole, "barcode"}, {TitleRole, "title"}, {ConditionRole, "condition"}, {RemovalRole, "removal"}};
}

QVariantMap SlotsModel::get(int row) const
{
    if (row < 0 || row >= m_slots.size())
        return {};
    const TechDisc &d = m_slots[row];
    return {{QStringLiteral("slot"), row + 1},
            {QStringLiteral("barcode"), d.barcode},
            {QStringLiteral("title"), d.title},
            {QStringLiteral("condition"), d.condition},
            {QStringLiteral("removal"), d.removalReason}};
}

int SlotsModel::filled() const
{
    return static_cast<int>(std::count_if(m_slots.begin(), m_slots.end(), [](const TechDisc &d) { return !d.barcode.isEmpty(); }));
}

void SlotsModel::reset(int slotCount, const QList<TechDisc> &discs)
{
    QList<TechDisc> slotDiscs(std::max(0, slotCount));
    int out = 0;
    for (const TechDisc &d : discs) {
        if (d.slot > 0 && d.slot <= slotCount)
            slotDiscs[d.slot - 1] = d;
        else if (d.status == QLatin1String("out"))
            ++out;
    }
    beginResetModel();
    m_slots = std::move(slotDiscs);
    m_rentedOut = out;
    endResetModel();
    emit changed();
}

int RemovalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_removals.size());
}

QVariant RemovalsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_removals.size())
        return {};
    const TechDisc &d = m_removals[index.row()];
    switch (role) {
        case BarcodeRole: return d.barcode;
        case TitleRole: return d.title;
        case SlotRole: return d.slot;
        case StatusRole: return d.status;
        case ReasonRole: return d.removalReason;
        default: return {};
    }
}

QHash<int, QByteArray> RemovalsModel::roleNames() const
{
    return {{BarcodeRole, "barcode"}, {TitleRole, "title"}, {SlotRole, "slot"}, {StatusRole, "status"}, {ReasonRole, "reason"}};
}

void RemovalsModel::reset(const QList<TechDisc> &discs)
{
    QList<TechDisc> removals;
    for (const TechDisc &d : discs)
        if (!d.removalReason.isEmpty())
            removals.append(d);
    beginResetModel();
    m_removals = std::move(removals);
    endResetModel();
    emit changed();
}

// ---- the page -----------------------------------------------------------------------------

TechSlots::TechSlots(TechDesk &desk, TechHardware &hardware, QObject *parent) : QObject(parent), m_desk(desk), m_hardware(hardware)
{
    KioskHardware &hw = desk.hardware();
    connect(&hw, &KioskHardware::stored, this, [this](int slot) {
        if (!m_desk.signedIn() || m_storing.isEmpty() || slot != m_storingSlot)
            return;
        const QString barcode = m_storing;
        m_storing.clear();
        m_storingSlot = 0;
        m_storeBusy.reset();
        ++m_loaded;
        emit loadedChanged();
        m_desk.finish(QStringLiteral("load"), true, tr("Disc %1 loaded into slot %2. Insert the next disc.").arg(barcode).arg(slot), true);
    });
    connect(&hw, &KioskHardware::storeFailed, this, [this](int slot, const QString &reason) {
        if (!m_desk.signedIn() || m_storing.isEmpty() || slot != m_storingSlot)
            return;
        const QString barcode = m_storing;
        m_storing.clear();
        m_storingSlot = 0;
        m_desk.hardware().ejectReturn();
        // The red box has the disc in that slot; the carousel does not: take it out again.
        TechDesk::BusyToken busy = *m_storeBusy;
        m_storeBusy.reset();
        m_desk.backend().discAction(m_desk.current(), QStringLiteral("unload"), barcode, 0, QStringLiteral("store failed"),
                                    guarded(this, [this, barcode, slot, reason, busy](TechAnswer) {
                                        busy.release();
                                        const QString words = tr("Slot %1 could not take disc %2 (%3); the disc is back in the return "
                                                                 "slot and was not loaded.")
                                                                  .arg(slot)
                                                                  .arg(barcode, reason);
                                        m_desk.say(words, true);
                                        refresh();
                                        m_desk.finish(QStringLiteral("load"), false, words);
                                    }));
    });
}

void TechSlots::clear()
{
    m_storing.clear();
    m_storingSlot = 0;
    m_storeBusy.reset();
    m_map.reset(0, {});
    m_removals.reset({});
}

std::optional<QString> TechSlots::barcodeOrRefuse(const QString &text, const QString &action)
{
    const auto parsed = parseDiscBarcode(text.trimmed());
    if (parsed)
        return parsed->text;
    m_desk.finish(action, false, tr("\"%1\" is not a valid disc barcode (D and 12 digits).").arg(text.left(20)), true);
    return std::nullopt;
}

void TechSlots::refresh()
{
    if (!m_desk.needSession())
        return;
    auto busy = m_desk.hold();
    m_desk.backend().kioskDiscs(m_desk.current(), guarded(this, [this, busy](TechAnswer a) {
                                    if (!a.ok) {
                                        busy.release();
                                        m_desk.finish(QStringLiteral("slots"), false, a.message, true);
                                        return;
                                    }
                                    m_desk.kiosk().facts([this, busy, a](KioskFacts f) {
                                        busy.release();
                                        m_map.reset(f.slotCount, a.discs);
                                        m_removals.reset(a.discs);
                                        m_desk.finish(QStringLiteral("slots"), true, {});
                                    });
                                }));
}

void TechSlots::startLoading()
{
    if (!m_desk.needSession())
        return;
    m_loaded = 0;
    emit loadedChanged();
    m_desk.setMode(TechDesk::Mode::Load);
    m_desk.say(tr("Insert discs into the return slot one by one; each goes into the first free slot."));
}

void TechSlots::stopLoading()
{
    m_desk.touch();
    if (m_desk.mode() != TechDesk::Mode::Load)
        return;
    m_desk.say(tr("%1 disc(s) loaded.").arg(m_loaded));
    m_desk.setMode(TechDesk::Mode::None);
    if (m_desk.signedIn())
        refresh();
}

void TechSlots::discInserted(const QString &barcode)
{
    if (m_desk.busy()) {
        m_desk.hardware().ejectReturn();
        m_desk.finish(QStringLiteral("load"), false,
                      tr("One disc at a time: take this one back and insert it when the last one is stored."), true);
        return;
    }
    const auto parsed = parseDiscBarcode(barcode);
    if (!parsed) {
        m_desk.hardware().ejectReturn();
        m_desk.finish(QStringLiteral("load"), false,
                      tr("\"%1\" is not a valid disc barcode; the disc was given back.").arg(barcode.left(20)), true);
        return;
    }
    auto busy = m_desk.hold();
    const QString b = parsed->text;
    m_desk.backend().discAction(m_desk.current(), QStringLiteral("load"), b, 0, {}, guarded(this, [this, b, busy](TechAnswer a) {
                                    if (!a.ok || a.discs.isEmpty() || a.discs.first().slot <= 0) {
                                        busy.release();
                                        m_desk.hardware().ejectReturn();
                                        m_desk.finish(QStringLiteral("load"), false, tr("Disc %1 was not loaded: %2").arg(b, a.message),
                                                      true);
                                        return;
                                    }
                                    m_storing = b;
                                    m_storingSlot = a.discs.first().slot;
                                    m_storeBusy = busy;
                                    m_desk.hardware().store(m_storingSlot);   // stored / storeFailed finish it
                                }));
}

void TechSlots::loadBarcode(const QString &barcode, int slot)
{
    if (!m_desk.idleFor(QStringLiteral("load")))
        return;
    const auto b = barcodeOrRefuse(barcode, QStringLiteral("load"));
    if (!b)
        return;
    if (slot < 0) {
        m_desk.finish(QStringLiteral("load"), false, tr("Slot %1 is not a slot number.").arg(slot), true);
        return;
    }
    auto busy = m_desk.hold();
    m_desk.backend().discAction(
        m_desk.current(), QStringLiteral("load"), *b, slot, QStringLiteral("placed by hand"),
        guarded(this, [this, b = *b, busy](TechAnswer a) {
            busy.release();
            if (!a.ok || a.discs.isEmpty()) {
                m_desk.finish(QStringLiteral("load"), false, tr("Disc %1 was not loaded: %2").arg(b, a.message), true);
                return;
            }
            ++m_loaded;
            emit loadedChanged();
            const QString words = tr("Disc %1 (%2) recorded in slot %3.").arg(b, a.discs.first().title).arg(a.discs.first().slot);
            m_desk.say(words);
            refresh();
            m_desk.finish(QStringLiteral("load"), true, words);
        }));
}

void TechSlots::unload(const QString &barcode)
{
    if (!m_desk.idleFor(QStringLiteral("unload")))
        return;
    const auto b = barcodeOrRefuse(barcode, QStringLiteral("unload"));
    if (!b)
        return;
    auto busy = m_desk.hold();
    // Refused at the red box for a disc that is rented out (nothing moves then).
    m_desk.backend().discAction(m_desk.current(), QStringLiteral("unload"), *b, 0, {}, guarded(this, [this, b = *b, busy](TechAnswer a) {
                                    if (!a.ok) {
                                        busy.release();
                                        m_desk.finish(
                                            QStringLiteral("unload"), false,
                                            a.refusal == RedboxError::DiscRentedOut
                                                ? tr("Disc %1 is rented out: it cannot be unloaded until the customer returns it.").arg(b)
                                                : tr("Disc %1 was not unloaded: %2").arg(b, a.message),
                                            true);
                                        return;
                                    }
                                    // Hand the disc out of the slot it was in.
                                    const int slot = a.discs.isEmpty() ? 0 : a.discs.first().actionSlot;
                                    refresh();
                                    if (slot <= 0) {
                                        busy.release();
                                        m_desk.finish(QStringLiteral("unload"), true, tr("Disc %1 is recorded as unloaded.").arg(b), true);
                                        return;
                                    }
                                    m_desk.say(tr("Unloading disc %1 from slot %2...").arg(b).arg(slot));
                                    m_hardware.dispense(slot, b, busy);   // the hardware page finishes it (dispense)
                                }));
}

void TechSlots::markDamaged(const QString &barcode)
{
    if (!m_desk.idleFor(QStringLiteral("damaged")))
        return;
    const auto b = barcodeOrRefuse(barcode, QStringLiteral("damaged"));
    if (!b)
        return;
    auto busy = m_desk.hold();
    m_desk.backend().discAction(
        m_desk.current(), QStringLiteral("damaged"), *b, 0, QStringLiteral("technician"), guarded(this, [this, b = *b, busy](TechAnswer a) {
            busy.release();
            if (!a.ok) {
                m_desk.finish(QStringLiteral("damaged"), false,
                              a.refusal == RedboxError::DiscRentedOut ? tr("Disc %1 is rented out: mark it when it comes back.").arg(b)
                                                                      : tr("Disc %1 was not marked: %2").arg(b, a.message),
                              true);
                return;
            }
            const QString words = tr("Disc %1 is marked damaged: customers can no longer rent it, and it is on the removal list.").arg(b);
            m_desk.say(words);
            refresh();
            m_desk.finish(QStringLiteral("damaged"), true, words);
        }));
}

void TechSlots::clearSuspect(const QString &barcode)
{
    if (!m_desk.idleFor(QStringLiteral("cleared")))
        return;
    const auto b = barcodeOrRefuse(barcode, QStringLiteral("cleared"));
    if (!b)
        return;
    auto busy = m_desk.hold();
    m_desk.backend().discAction(m_desk.current(), QStringLiteral("cleared"), *b, 0, QStringLiteral("technician checked the slot"),
                                guarded(this, [this, b = *b, busy](TechAnswer a) {
                                    busy.release();
                                    if (!a.ok) {
                                        m_desk.finish(QStringLiteral("cleared"), false, tr("Disc %1 was not cleared: %2").arg(b, a.message),
                                                      true);
                                        return;
                                    }
                                    const QString words = tr("Disc %1 is checked and good: customers can rent it again.").arg(b);
                                    m_desk.say(words);
                                    refresh();
                                    m_desk.finish(QStringLiteral("cleared"), true, words);
                                }));
}

}   // namespace redbox
