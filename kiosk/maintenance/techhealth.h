// Health: each link of this kiosk to the network, in colour and words: the
// red box pair server by server, the coast and HQ, the red box's hops, the
// kiosk's cache, outbox, storage and version.
#pragma once

#include "maintenance/techdesk.h"

#include <QAbstractListModel>

namespace redbox {

// One row of the Health page.
struct HealthRow {
    QString name;
    QString level;   // ok | warn | bad
    QString words;
    QString detail;
};

class HealthRowsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The Health page fills it")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { NameRole = Qt::UserRole + 1, LevelRole, WordsRole, DetailRole };
    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE QVariantMap get(int row) const;
    void reset(QList<HealthRow> rows);
    const QList<HealthRow> &rows() const { return m_rows; }
    // The row named NAME (tests, the technician's summary), if there is one.
    std::optional<HealthRow> row(const QString &name) const;

signals:
    void countChanged();

private:
    QList<HealthRow> m_rows;
};

class TechHealth : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns its pages")
    Q_PROPERTY(redbox::HealthRowsModel *rows READ rows CONSTANT)
public:
    explicit TechHealth(TechDesk &desk, QObject *parent = nullptr);
    HealthRowsModel *rows() { return &m_rows; }

    Q_INVOKABLE void refresh();
    void clear() { m_rows.reset({}); }
    // The rows for what the probes found (public for the screen-flow tests).
    static QList<HealthRow> build(const MaintenanceHealth &h);

private:
    TechDesk &m_desk;
    HealthRowsModel m_rows;
};

}   // namespace redbox
