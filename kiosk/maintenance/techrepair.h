// Repair: rebuild the kiosk's cache from its red box, put the red box's
// parked hops back in line, switch the red box pair over to its standby and
// back (Patroni), and export a diagnostics bundle.
#pragma once

#include "maintenance/techdesk.h"

#include <QObject>

namespace redbox {

class TechRepair : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Maintenance mode owns its pages")
    Q_PROPERTY(qint64 resyncDone READ resyncDone NOTIFY resyncChanged)
    Q_PROPERTY(qint64 resyncTotal READ resyncTotal NOTIFY resyncChanged)
    Q_PROPERTY(bool resyncing READ resyncing NOTIFY resyncChanged)
    Q_PROPERTY(QString lastExport READ lastExport NOTIFY exportChanged)
public:
    explicit TechRepair(TechDesk &desk, QObject *parent = nullptr);

    qint64 resyncDone() const { return m_resyncDone; }
    qint64 resyncTotal() const { return m_resyncTotal; }
    bool resyncing() const { return m_resyncBusy.has_value(); }
    QString lastExport() const { return m_lastExport; }

    Q_INVOKABLE void resync();
    Q_INVOKABLE void retryParked();
    Q_INVOKABLE void failover();
    Q_INVOKABLE void failback();
    Q_INVOKABLE void exportDiagnostics();

signals:
    void resyncChanged();
    void exportChanged();

private:
    // Runs a technician's action that answers with a TechAnswer, saying the answer when it comes.
    void answerOf(const QString &action, const QString &startWords,
                  const std::function<void(MaintenanceBackend &, std::function<void(TechAnswer)>)> &start);

    TechDesk &m_desk;
    qint64 m_resyncDone = 0;
    qint64 m_resyncTotal = 0;
    bool m_resyncStarted = false;
    std::optional<TechDesk::BusyToken> m_resyncBusy;
    QString m_lastExport;
};

}   // namespace redbox
