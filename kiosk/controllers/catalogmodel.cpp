// The catalog a customer browses (see catalogmodel.h).
#include "controllers/catalogmodel.h"

#include "backend/kioskbackend.h"

namespace redbox {

CatalogModel::CatalogModel(KioskBackend *backend, QObject *parent) : QAbstractListModel(parent), m_backend(backend)
{
    connect(backend, &KioskBackend::catalogChanged, this, &CatalogModel::reload);
}

int CatalogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_titles.size());
}

QVariant CatalogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_titles.size())
        return {};
    const Title &t = m_titles.at(index.row());
    switch (role) {
        case MovieIdRole: return t.movieId;
        case TitleRole: return t.title;
        case GenreRole: return t.genre;
        case RatingRole: return t.rating;
        case YearRole: return t.year;
        case RuntimeRole: return t.runtime;
        case BlurbRole: return t.blurb;
        case CoverRole: return t.coverRef;
        case NewReleaseRole: return t.newRelease;
        case AvailableRole: return t.available;
        case SaleRole: return t.saleCents;
        default: return {};
    }
}

QHash<int, QByteArray> CatalogModel::roleNames() const
{
    return {{MovieIdRole, "movieId"},     {TitleRole, "title"}, {GenreRole, "genre"},
            {RatingRole, "rating"},       {YearRole, "year"},   {RuntimeRole, "runtime"},
            {BlurbRole, "blurb"},         {CoverRole, "cover"}, {NewReleaseRole, "newRelease"},
            {AvailableRole, "available"}, {SaleRole, "sale"}};
}

void CatalogModel::setSearch(const QString &s)
{
    const QString v = s.left(60);
    if (v == m_search)
        return;
    m_search = v;
    emit filterChanged();
    reload();
}

void CatalogModel::setGenre(const QString &g)
{
    if (g == m_genre)
        return;
    m_genre = g.left(30);
    emit filterChanged();
    reload();
}

void CatalogModel::setRating(const QString &r)
{
    if (r == m_rating)
        return;
    m_rating = r.left(8);
    emit filterChanged();
    reload();
}

void CatalogModel::setNewOnly(bool b)
{
    if (b == m_newOnly)
        return;
    m_newOnly = b;
    emit filterChanged();
    reload();
}

void CatalogModel::setAvailableOnly(bool b)
{
    if (b == m_availableOnly)
        return;
    m_availableOnly = b;
    emit filterChanged();
    reload();
}

void CatalogModel::clearFilters()
{
    m_search.clear();
    m_genre.clear();
    m_rating.clear();
    m_newOnly = false;
    m_availableOnly = false;
    emit filterChanged();
    reload();
}

void CatalogModel::reload()
{
    const quint64 generation = ++m_generation;
    if (!m_loading) {
        m_loading = true;
        emit loadingChanged();
    }
    CatalogQuery query;
    query.text = m_search;
    query.genre = m_genre;
    query.rating = m_rating;
    query.newOnly = m_newOnly;
    query.availableOnly = m_availableOnly;
    m_backend->searchCatalog(query, guarded(this, [this, generation](CatalogPage page) {
                                 if (generation != m_generation)
                                     return;   // a newer query is on its way
                                 beginResetModel();
                                 m_titles = std::move(page.titles);
                                 endResetModel();
                                 emit countChanged();
                                 if (page.genres != m_genres) {
                                     m_genres = page.genres;
                                     emit genresChanged();
                                 }
                                 m_loading = false;
                                 emit loadingChanged();
                             }));
}

QVariantMap CatalogModel::get(int row) const
{
    QVariantMap m;
    if (row < 0 || row >= m_titles.size())
        return m;
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.begin(); it != names.end(); ++it)
        m.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return m;
}

std::optional<Title> CatalogModel::byId(int movieId) const
{
    for (const Title &t : m_titles)
        if (t.movieId == movieId)
            return t;
    return std::nullopt;
}

}   // namespace redbox
