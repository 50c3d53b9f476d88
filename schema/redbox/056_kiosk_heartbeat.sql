-- 056 heartbeats: each kiosk reports its health to its red box every minute (its
-- offline queue, cache age, disk, clock, version). The red box keeps the last one
-- per kiosk; its forwarder serves them as metrics, and a kiosk whose beat is late
-- is silent (switched off, cut off, or stuck).
CREATE TABLE redbox.kiosk_heartbeat (
    kiosk_id        text PRIMARY KEY,
    seen_at         timestamptz NOT NULL,   -- the red box's clock when the beat arrived
    every_s         int NOT NULL,           -- the kiosk beats this often
    outbox_depth    int NOT NULL,           -- the kiosk's own offline queue
    outbox_oldest_s bigint NOT NULL,
    cache_age_s     bigint,                 -- since its last cache sync (NULL: never synced)
    clock_skew_ms   bigint,                 -- red box minus kiosk, as the kiosk measured it
    storage_fault   text,                   -- the kiosk's disk failing (NULL: fine)
    version         text NOT NULL
);
