-- A red box's own figures for node_metrics(): what its kiosks did in the last
-- minute, what is out, and each enrolled kiosk's last heartbeat (migration 056).
CREATE OR REPLACE FUNCTION redbox.tier_metrics()
RETURNS TABLE (metric text, help text, label text, label_value text, value double precision)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT 'rentals_last_minute', 'Rentals committed here in the last minute.', NULL, NULL,
           (SELECT count(*) FROM rental WHERE committed_at > clock_timestamp() - interval '1 minute')::float8
    UNION ALL
    SELECT 'returns_last_minute', 'Returns taken at this red box''s kiosks in the last minute.', NULL, NULL,
           (SELECT count(*) FROM local_return WHERE committed_at > clock_timestamp() - interval '1 minute')::float8
    UNION ALL
    SELECT 'rentals_open', 'Discs rented here and not back yet.', NULL, NULL,
           (SELECT count(*) FROM rental WHERE status = 'open')::float8
    UNION ALL
    SELECT m.metric, m.help, 'kiosk', k.kiosk_id, m.value
      FROM kiosk_login k
      LEFT JOIN kiosk_heartbeat h USING (kiosk_id)
     CROSS JOIN LATERAL (VALUES
        ('kiosk_heartbeat_age_seconds', 'Since the kiosk''s last heartbeat (never: since it was enrolled).',
         extract(epoch FROM clock_timestamp() - coalesce(h.seen_at, k.enrolled_at))::float8),
        ('kiosk_heartbeat_every_seconds', 'How often the kiosk says it beats (NaN: it never has).',
         h.every_s::float8),
        ('kiosk_outbox_depth', 'Rentals and returns waiting in the kiosk''s own offline queue, at its last beat.',
         h.outbox_depth::float8),
        ('kiosk_outbox_oldest_age_seconds', 'Age of the oldest item in the kiosk''s offline queue, at its last beat.',
         h.outbox_oldest_s::float8),
        ('kiosk_cache_age_seconds', 'Since the kiosk''s last cache sync, at its last beat (NaN: never synced).',
         h.cache_age_s::float8),
        ('kiosk_clock_skew_seconds', 'The red box''s clock minus the kiosk''s, as the kiosk measured it.',
         h.clock_skew_ms::float8 / 1000),
        ('kiosk_storage_fault', 'The kiosk reports its disk failing (1) or fine (0).',
         CASE WHEN h.kiosk_id IS NULL THEN NULL WHEN h.storage_fault IS NULL THEN 0 ELSE 1 END::float8)
     ) AS m (metric, help, value)
     WHERE k.revoked_at IS NULL AND k.node_name = (me()).node_name;
$$;
