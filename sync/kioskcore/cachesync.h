// Keeping the kiosk's SQLite cache in step with its red box: rounds between
// two snapshots, fetched in pages by change_xid on a link of its own, each
// page applied together with the cursor (a killed kiosk resumes where it
// stopped). Woken by LISTEN/NOTIFY for this kiosk or for rows every kiosk
// caches, and once a minute; a technician can ask for a full resync.
#pragma once

#include "kioskcore/enginestate.h"

#include <QObject>
#include <QTimer>

namespace redbox {

class CacheSync : public QObject {
    Q_OBJECT
public:
    CacheSync(EngineParts parts, Link &cacheLink, QObject *parent = nullptr);

    void start();
    void stop();
    void syncNow() { schedule(0); }
    // Empties the cache and fetches everything again; progress reports it.
    void resync();

signals:
    void progress(qint64 done, qint64 total);
    void synced();
    // A round changed titles, this kiosk's discs or its own facts (emitted before synced).
    void catalogChanged();

private:
    void schedule(int delayMs);
    void step();
    void beginRound();
    void fetchPage();

    EngineParts m_parts;
    Link &m_link;
    QTimer m_timer;
    QTimer m_periodic;
    bool m_syncing = false;
    bool m_again = false;
    bool m_fullResync = false;
    bool m_roundTouchedCatalog = true;   // true at start: the first round always tells the screens
};

}   // namespace redbox
