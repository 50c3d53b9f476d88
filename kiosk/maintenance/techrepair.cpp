// Repair (see techrepair.h).
#include "maintenance/techrepair.h"

namespace redbox {

TechRepair::TechRepair(TechDesk &desk, QObject *parent) : QObject(parent), m_desk(desk)
{
    connect(&desk.kiosk(), &KioskBackend::cacheProgress, this, [this](qint64 done, qint64 total) {
        if (!m_resyncBusy)
            return;
        if (done == 0)
            m_resyncStarted = true;   // the round after the reset began
        m_resyncDone = done;
        m_resyncTotal = total;
        emit resyncChanged();
    });
    connect(&desk.kiosk(), &KioskBackend::cacheSynced, this, [this] {
        if (!m_resyncBusy || !m_resyncStarted)
            return;   // a round that began before the reset
        m_resyncBusy.reset();
        emit resyncChanged();
        const QString words = tr("The cache is rebuilt: %1 rows fetched.").arg(m_resyncDone);
        m_desk.audit(QStringLiteral("cache_resync"), {}, {{QStringLiteral("rows"), m_resyncDone}});
        m_desk.finish(QStringLiteral("resync"), true, words, true);
    });
}

void TechRepair::resync()
{
    if (!m_desk.idleFor(QStringLiteral("resync")))
        return;
    m_resyncBusy = m_desk.hold();
    m_resyncStarted = false;
    m_resyncDone = 0;
    m_resyncTotal = 0;
    emit resyncChanged();
    m_desk.say(tr("Rebuilding the cache from the red box..."));
    m_desk.backend().resyncCache();
}

void TechRepair::answerOf(const QString &action, const QString &startWords,
                          const std::function<void(MaintenanceBackend &, std::function<void(TechAnswer)>)> &start)
{
    if (!m_desk.idleFor(action))
        return;
    auto busy = m_desk.hold();
    if (!startWords.isEmpty())
        m_desk.say(startWords);
    start(m_desk.backend(), guarded(this, [this, action, busy](TechAnswer a) {
              busy.release();
              if (a.ok && !a.path.isEmpty()) {
                  m_lastExport = a.path;
                  emit exportChanged();
              }
              m_desk.finish(action, a.ok, a.message, true);
          }));
}

void TechRepair::retryParked()
{
    const TechnicianInfo tech = m_desk.current();
    answerOf(QStringLiteral("retry_parked"), {}, [tech](MaintenanceBackend &b, auto done) { b.retryParked(tech, done); });
}

void TechRepair::failover()
{
    const TechnicianInfo tech = m_desk.current();
    answerOf(QStringLiteral("failover"), tr("Switching the red box over to its standby..."),
             [tech](MaintenanceBackend &b, auto done) { b.switchover(tech, false, done); });
}

void TechRepair::failback()
{
    const TechnicianInfo tech = m_desk.current();
    answerOf(QStringLiteral("failback"), tr("Bringing the old primary back..."),
             [tech](MaintenanceBackend &b, auto done) { b.switchover(tech, true, done); });
}

void TechRepair::exportDiagnostics()
{
    const TechnicianInfo tech = m_desk.current();
    answerOf(QStringLiteral("export"), tr("Writing the diagnostics bundle..."),
             [tech](MaintenanceBackend &b, auto done) { b.exportDiagnostics(tech, done); });
}

}   // namespace redbox
