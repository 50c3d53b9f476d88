-- The node's figures for monitoring, read by its forwarder every few seconds
-- and served with the forwarder's own on its /metrics endpoint. One row per
-- sample: the metric's name (without the redbox_ prefix), its help text, the
-- label that says what it is about and that label's value ('dest' and the
-- destination node, 'kiosk' and a kiosk; NULLs: the node as a whole), and its value
-- (NULL: not known, written NaN).
-- Cheap by construction: partial indexes, and no scan of delivered hops.
CREATE OR REPLACE FUNCTION redbox.tier_metrics()
RETURNS TABLE (metric text, help text, label text, label_value text, value double precision)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::double precision WHERE false;
$$;

CREATE OR REPLACE FUNCTION redbox.node_metrics()
RETURNS TABLE (metric text, help text, label text, label_value text, value double precision)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    WITH waiting AS (
        SELECT l.target AS dest, count(o.hop_id) AS pending, min(o.created_at) AS oldest
          FROM node_link l
          LEFT JOIN outbox o ON o.dest = l.target AND o.delivered_at IS NULL AND o.parked_at IS NULL
         GROUP BY l.target),
    parked AS (
        SELECT l.target AS dest, count(o.hop_id) AS parked
          FROM node_link l
          LEFT JOIN outbox o ON o.dest = l.target AND o.parked_at IS NOT NULL AND o.delivered_at IS NULL
         GROUP BY l.target)
    SELECT 'outbox_pending', 'Hops waiting to be carried to the destination.', 'dest', w.dest, w.pending::float8 FROM waiting w
    UNION ALL
    SELECT 'outbox_oldest_age_seconds', 'Age of the oldest hop waiting for the destination (0: none waits).', 'dest', w.dest,
           coalesce(extract(epoch FROM clock_timestamp() - w.oldest), 0)::float8 FROM waiting w
    UNION ALL
    SELECT 'outbox_parked', 'Hops parked for a technician (the destination refused them for good).', 'dest', p.dest, p.parked::float8
      FROM parked p
    UNION ALL
    SELECT 'refused_hops', 'Hops this node refused (kept in refused_hop for an operator).', NULL, NULL,
           (SELECT count(*) FROM refused_hop)::float8
    UNION ALL
    SELECT 'node_in_recovery', 'The server the forwarder reached is a standby (1) or the primary (0).', NULL, NULL,
           CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END::float8
    UNION ALL
    SELECT * FROM tier_metrics();
$$;
