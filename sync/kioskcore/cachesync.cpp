// Keeping the kiosk's cache in step with its red box (see cachesync.h).
#include "kioskcore/cachesync.h"

#include "core/logging.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "kioskcore/link.h"

#include <QPointer>
#include <QRandomGenerator>

namespace redbox {

namespace {

pg::Param textOrNull(const QString &s)
{
    return s.isEmpty() ? pg::Param(nullptr) : pg::Param(s);
}

}   // namespace

CacheSync::CacheSync(EngineParts parts, Link &cacheLink, QObject *parent) : QObject(parent), m_parts(parts), m_link(cacheLink)
{
    m_timer.setParent(this);
    m_periodic.setParent(this);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CacheSync::step);
    m_periodic.setInterval(60'000);
    connect(&m_periodic, &QTimer::timeout, this, [this] { schedule(0); });
    connect(&m_link, &Link::up, this, [this] { schedule(0); });
    connect(&m_link, &Link::notified, this, [this](const QString &, const QString &payload) {
        if (payload == QLatin1String("*") || payload == m_parts.config.kioskId)
            schedule(500 + static_cast<int>(QRandomGenerator::global()->bounded(1500)));
    });
}

void CacheSync::start()
{
    m_periodic.start();
}

void CacheSync::stop()
{
    m_timer.stop();
    m_periodic.stop();
}

void CacheSync::schedule(int delayMs)
{
    if (m_syncing) {
        m_again = true;
        return;
    }
    if (!m_timer.isActive() || m_timer.remainingTime() > delayMs)
        m_timer.start(delayMs);
}

void CacheSync::resync()
{
    m_fullResync = true;
    schedule(0);
}

void CacheSync::step()
{
    if (!m_link.isUp()) {
        m_syncing = false;
        return;   // resumes when the link is up again
    }
    KioskStorage &storage = m_parts.storage;
    if (m_fullResync) {
        m_fullResync = false;
        if (storage.guard("cache", [&] { storage.cache().resetForFullSync(); })) {
            qCInfo(lcCache) << "full cache resync asked for: the cache starts afresh";
            m_roundTouchedCatalog = true;
        }
    }
    m_syncing = true;
    SyncCursor c;
    if (!storage.guard(
            "cache", [&] { c = storage.cache().cursor(); }, false)) {
        m_syncing = false;
        schedule(30'000);
        return;
    }
    if (c.roundTo.isEmpty())
        beginRound();
    else
        fetchPage();
}

void CacheSync::beginRound()
{
    SyncCursor c = m_parts.storage.cache().cursor();
    QPointer<CacheSync> self(this);
    m_link.call(
        "SELECT to_snapshot, total FROM redbox.cache_begin($1)", {textOrNull(c.fromSnapshot)}, false,
        [self](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (!r) {
                self->m_syncing = false;
                qCWarning(lcCache) << "cache sync could not start:" << (e ? e->message() : QString());
                return;
            }
            KioskStorage &storage = self->m_parts.storage;
            if (!storage.guard("cache", [&] { storage.cache().beginRound(r->text(0, 0), r->int64(0, 1)); })) {
                self->m_syncing = false;
                self->schedule(30'000);
                return;
            }
            emit self->progress(0, r->int64(0, 1));
            self->step();
        },
        1000, 60000);
}

void CacheSync::fetchPage()
{
    const SyncCursor c = m_parts.storage.cache().cursor();
    const int pageSize = m_parts.config.cachePageSize;
    QPointer<CacheSync> self(this);
    m_link.call(
        "SELECT change_xid, entity, key, deleted, data FROM redbox.cache_changes($1, $2, $3, $4, $5, $6, $7)",
        {textOrNull(c.fromSnapshot), c.roundTo, textOrNull(c.xid), textOrNull(c.entity), textOrNull(c.key),
         c.xid.isEmpty() ? pg::Param(nullptr) : pg::Param(c.live), pageSize},
        false,
        [self, pageSize](const pg::Result *r, const pg::DbError *e) {
            if (!self)
                return;
            if (!r) {
                self->m_syncing = false;
                qCWarning(lcCache) << "cache sync page failed:" << (e ? e->message() : QString());
                return;
            }
            QList<CacheRow> rows;
            rows.reserve(r->rows());
            for (int i = 0; i < r->rows(); ++i) {
                rows.append(CacheRow{r->text(i, 0), r->text(i, 1), r->text(i, 2), r->boolean(i, 3), r->json(i, 4).object()});
                const QString &entity = rows.last().entity;
                if (entity != QLatin1String("member") && entity != QLatin1String("technician"))
                    self->m_roundTouchedCatalog = true;
            }
            SyncCursor after;
            const bool last = rows.size() < pageSize;
            KioskStorage &storage = self->m_parts.storage;
            if (!storage.guard("cache", [&] {
                    storage.cache().applyPage(rows);
                    after = storage.cache().cursor();
                    if (last)
                        storage.cache().finishRound();
                })) {
                self->m_syncing = false;
                self->schedule(30'000);   // the page cursor is durable: it resumes where it stopped
                return;
            }
            emit self->progress(after.roundDone, after.roundTotal);
            if (!last) {
                pg::post(self.data(), [self] {
                    if (self)
                        self->step();
                });
                return;
            }
            self->m_syncing = false;
            self->m_parts.health.update([](KioskHealth &h) { h.lastCacheSync = QDateTime::currentDateTimeUtc(); }, true);
            if (self->m_roundTouchedCatalog) {
                // Most rounds carry only members' disc counts (every rental on the coast
                // changes one): the screens reload titles and slots only when those changed.
                self->m_roundTouchedCatalog = false;
                emit self->catalogChanged();
            }
            emit self->synced();
            if (self->m_again) {
                self->m_again = false;
                self->schedule(200);
            }
        },
        1000, 60000);
}

}   // namespace redbox
