// The titles a customer is renting (or buying) in this visit, and what became
// of each while the kiosk rents and dispenses them.
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QUuid>
#include <QtQml/qqmlregistration.h>

namespace redbox {

class CartModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The kiosk controller owns the cart")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum class State { Waiting, Renting, Dispensing, Done, Failed };
    Q_ENUM(State)
    enum Role {
        MovieIdRole = Qt::UserRole + 1,
        TitleRole,
        StateRole,
        MessageRole,
        BarcodeRole,
        DueRole,
        PriceRole,
        NightRole,
        PurchaseRole
    };

    struct Item {
        int movieId = 0;
        QString title;
        State state = State::Waiting;
        QString message;
        QString barcode;
        int slot = 0;
        QUuid rentalId;
        QDateTime due;
        int amountCents = 0;
        int taxCents = 0;
        bool offline = false;
        int nightExtraCents = 0;   // its format's extra on a night, as the kiosk's price list says
        int nightCents = 0;   // a night of it on the member's plan, before tax (what the summary shows)
        bool purchase = false;   // bought, not rented: nightCents is then its sale price
        int saleCents = 0;   // its sale price here, as the kiosk's price list says (a purchase)
    };

    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void add(int movieId, const QString &title, int nightExtraCents = 0);
    void addPurchase(int movieId, const QString &title, int saleCents);
    int rentals() const;   // the rows that are rentals (a purchase counts against no limit)
    void removeAt(int row);
    void clear();
    bool contains(int movieId) const;
    QList<Item> &items() { return m_items; }
    const QList<Item> &items() const { return m_items; }
    void changed(int row);

signals:
    void countChanged();

private:
    void append(const Item &item);

    QList<Item> m_items;
};

}   // namespace redbox
