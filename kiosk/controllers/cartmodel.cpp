// The customer's cart (see cartmodel.h).
#include "controllers/cartmodel.h"

#include <algorithm>

namespace redbox {

int CartModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant CartModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const Item &i = m_items.at(index.row());
    switch (role) {
        case MovieIdRole: return i.movieId;
        case TitleRole: return i.title;
        case StateRole: return static_cast<int>(i.state);
        case MessageRole: return i.message;
        case BarcodeRole: return i.barcode;
        case DueRole: return i.due;
        case PriceRole: return i.amountCents + i.taxCents;
        case NightRole: return i.nightCents;
        case PurchaseRole: return i.purchase;
        default: return {};
    }
}

QHash<int, QByteArray> CartModel::roleNames() const
{
    return {{MovieIdRole, "movieId"}, {TitleRole, "title"}, {StateRole, "itemState"}, {MessageRole, "message"},  {BarcodeRole, "barcode"},
            {DueRole, "due"},         {PriceRole, "price"}, {NightRole, "night"},     {PurchaseRole, "purchase"}};
}

void CartModel::add(int movieId, const QString &title, int nightExtraCents)
{
    Item item;
    item.movieId = movieId;
    item.title = title;
    item.nightExtraCents = nightExtraCents;
    append(item);
}

void CartModel::addPurchase(int movieId, const QString &title, int saleCents)
{
    Item item;
    item.movieId = movieId;
    item.title = title;
    item.purchase = true;
    item.saleCents = saleCents;
    item.nightCents = saleCents;
    append(item);
}

void CartModel::append(const Item &item)
{
    beginInsertRows({}, static_cast<int>(m_items.size()), static_cast<int>(m_items.size()));
    m_items.append(item);
    endInsertRows();
    emit countChanged();
}

int CartModel::rentals() const
{
    return static_cast<int>(std::count_if(m_items.begin(), m_items.end(), [](const Item &i) { return !i.purchase; }));
}

void CartModel::removeAt(int row)
{
    if (row < 0 || row >= m_items.size())
        return;
    beginRemoveRows({}, row, row);
    m_items.removeAt(row);
    endRemoveRows();
    emit countChanged();
}

void CartModel::clear()
{
    if (m_items.isEmpty())
        return;
    beginResetModel();
    m_items.clear();
    endResetModel();
    emit countChanged();
}

bool CartModel::contains(int movieId) const
{
    for (const Item &i : m_items)
        if (i.movieId == movieId)
            return true;
    return false;
}

void CartModel::changed(int row)
{
    emit dataChanged(index(row), index(row));
}

}   // namespace redbox
