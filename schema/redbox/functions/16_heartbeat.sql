-- A kiosk's heartbeat (see migration 056): who it is comes from the session, the
-- time from this server; the figures are checked and kept as the kiosk's latest.
CREATE OR REPLACE FUNCTION redbox.kiosk_heartbeat(p_every_s int, p_outbox_depth int, p_outbox_oldest_s bigint,
                                                  p_cache_age_s bigint, p_clock_skew_ms bigint, p_storage_fault text,
                                                  p_version text)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
    at timestamptz := clock_timestamp();
BEGIN
    IF p_every_s IS NULL OR p_every_s NOT BETWEEN 1 AND 3600 THEN
        RAISE EXCEPTION 'heartbeat interval must be 1-3600 s' USING ERRCODE = '22023';
    END IF;
    IF p_outbox_depth IS NULL OR p_outbox_depth NOT BETWEEN 0 AND 10000000
       OR p_outbox_oldest_s IS NULL OR p_outbox_oldest_s NOT BETWEEN 0 AND 1000000000
       OR (p_cache_age_s IS NOT NULL AND p_cache_age_s NOT BETWEEN 0 AND 1000000000)
       OR (p_clock_skew_ms IS NOT NULL AND abs(p_clock_skew_ms) > 1000000000000) THEN
        RAISE EXCEPTION 'heartbeat figures out of range' USING ERRCODE = '22023';
    END IF;
    IF length(p_storage_fault) > 300 THEN
        RAISE EXCEPTION 'storage fault text over 300 characters' USING ERRCODE = '22023';
    END IF;
    IF p_version IS NULL OR p_version !~ '^[0-9A-Za-z.+~-]{1,40}$' THEN
        RAISE EXCEPTION 'version must be 1-40 letters, digits and .+~-' USING ERRCODE = '22023';
    END IF;
    INSERT INTO kiosk_heartbeat AS h (kiosk_id, seen_at, every_s, outbox_depth, outbox_oldest_s, cache_age_s,
                                      clock_skew_ms, storage_fault, version)
    VALUES (k.kiosk_id, at, p_every_s, p_outbox_depth, p_outbox_oldest_s, p_cache_age_s, p_clock_skew_ms,
            nullif(p_storage_fault, ''), p_version)
    ON CONFLICT (kiosk_id) DO UPDATE
       SET seen_at = EXCLUDED.seen_at, every_s = EXCLUDED.every_s, outbox_depth = EXCLUDED.outbox_depth,
           outbox_oldest_s = EXCLUDED.outbox_oldest_s, cache_age_s = EXCLUDED.cache_age_s,
           clock_skew_ms = EXCLUDED.clock_skew_ms, storage_fault = EXCLUDED.storage_fault, version = EXCLUDED.version;
    RETURN at;
END
$$;
