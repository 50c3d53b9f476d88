// The titles a customer browses: the local cache's catalog, searched and
// filtered in the engine's thread (never on the GUI thread), newest query
// wins. Only titles this kiosk stocks are listed; "available" counts the
// discs in its slots right now.
#pragma once

#include "core/kiosktypes.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace redbox {

class KioskBackend;

class CatalogModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The kiosk controller owns the catalog")
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY filterChanged)
    Q_PROPERTY(QString genre READ genre WRITE setGenre NOTIFY filterChanged)
    Q_PROPERTY(QString rating READ rating WRITE setRating NOTIFY filterChanged)
    Q_PROPERTY(bool newOnly READ newOnly WRITE setNewOnly NOTIFY filterChanged)
    Q_PROPERTY(bool availableOnly READ availableOnly WRITE setAvailableOnly NOTIFY filterChanged)
    Q_PROPERTY(QStringList genres READ genres NOTIFY genresChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        MovieIdRole = Qt::UserRole + 1,
        TitleRole,
        GenreRole,
        RatingRole,
        YearRole,
        RuntimeRole,
        BlurbRole,
        CoverRole,
        NewReleaseRole,
        AvailableRole,
        SaleRole   // what a disc of it costs to buy here (0: not for sale)
    };
    Q_ENUM(Role)

    explicit CatalogModel(KioskBackend *backend, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool loading() const { return m_loading; }
    QString search() const { return m_search; }
    QString genre() const { return m_genre; }
    QString rating() const { return m_rating; }
    bool newOnly() const { return m_newOnly; }
    bool availableOnly() const { return m_availableOnly; }
    QStringList genres() const { return m_genres; }
    void setSearch(const QString &s);
    void setGenre(const QString &g);
    void setRating(const QString &r);
    void setNewOnly(bool b);
    void setAvailableOnly(bool b);
    Q_INVOKABLE void clearFilters();
    Q_INVOKABLE void reload();
    Q_INVOKABLE QVariantMap get(int row) const;
    std::optional<Title> byId(int movieId) const;

signals:
    void loadingChanged();
    void filterChanged();
    void genresChanged();
    void countChanged();

private:
    KioskBackend *m_backend;
    QList<Title> m_titles;
    QStringList m_genres;
    QString m_search, m_genre, m_rating;
    bool m_newOnly = false;
    bool m_availableOnly = false;
    bool m_loading = false;
    quint64 m_generation = 0;
};

}   // namespace redbox
