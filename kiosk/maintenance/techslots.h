// Slots: the slot map and HQ's removal list (from the red box), loading discs
// through the return slot (the kiosk picks the slot) or recording one placed
// by hand, unloading a disc (handed out by the carousel) and marking one
// damaged. The red box refuses a disc that is rented out.
#pragma once

#include "maintenance/techdesk.h"
#include "maintenance/techhardware.h"

#include <QAbstractListModel>

namespace redbox {

// Every slot of the kiosk, filled or not.
class SlotsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The Slots page fills it")
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(int filled READ filled NOTIFY changed)
    Q_PROPERTY(int rentedOut READ rentedOut NOTIFY changed)
public:
    enum Role { SlotRole = Qt::UserRole + 1, BarcodeRole, TitleRole, ConditionRole, RemovalRole };
    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int filled() const;
    int rentedOut() const { return m_rentedOut; }
    Q_INVOKABLE QVariantMap get(int row) const;
    // SLOTCOUNT slots, with the discs the red box says are in them.
    void reset(int slotCount, const QList<TechDisc> &discs);
    const QList<TechDisc> &slotList() const { return m_slots; }

signals:
    void changed();

private:
    QList<TechDisc> m_slots;   // one per slot, in slot order; empty barcode: an empty slot
    int m_rentedOut = 0;
};

// The discs HQ scheduled for removal (or marked damaged) at this kiosk.
class RemovalsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The Slots page fills it")
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
public:
    enum Role { BarcodeRole = Qt::UserRole + 1, TitleRole, SlotRole, StatusRole, ReasonRole };
    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QList<TechDisc> &discs);
    const QList<TechDisc> &removals() const { return m_removals; }

signals:
    void changed();

private:
    QList<TechDisc> m_removals;
};

class TechSlots : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns its pages")
    Q_PROPERTY(redbox::SlotsModel *map READ map CONSTANT)
    Q_PROPERTY(redbox::RemovalsModel *removals READ removals CONSTANT)
    Q_PROPERTY(int loadedCount READ loadedCount NOTIFY loadedChanged)
public:
    TechSlots(TechDesk &desk, TechHardware &hardware, QObject *parent = nullptr);

    SlotsModel *map() { return &m_map; }
    RemovalsModel *removals() { return &m_removals; }
    int loadedCount() const { return m_loaded; }

    Q_INVOKABLE void refresh();
    Q_INVOKABLE void startLoading();   // discs put in the return slot are loaded (the kiosk picks the slot)
    Q_INVOKABLE void stopLoading();
    Q_INVOKABLE void loadBarcode(const QString &barcode, int slot);   // a disc put in SLOT by hand (slot 0: the kiosk picks)
    Q_INVOKABLE void unload(const QString &barcode);
    Q_INVOKABLE void markDamaged(const QString &barcode);
    // A suspect disc (a dispense of it failed) the technician has looked at: good again.
    Q_INVOKABLE void clearSuspect(const QString &barcode);

    // A disc put in the return slot while loading (routed here while the desk's mode is Load).
    void discInserted(const QString &barcode);
    void clear();

signals:
    void loadedChanged();

private:
    std::optional<QString> barcodeOrRefuse(const QString &text, const QString &action);

    TechDesk &m_desk;
    TechHardware &m_hardware;
    SlotsModel m_map;
    RemovalsModel m_removals;
    int m_loaded = 0;
    QString m_storing;   // barcode being stored after a load was recorded
    int m_storingSlot = 0;
    std::optional<TechDesk::BusyToken> m_storeBusy;
};

}   // namespace redbox
