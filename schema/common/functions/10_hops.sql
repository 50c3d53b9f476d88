-- The paper's homegrown replication, made exactly-once.
--
-- A change is written together with one outbox row per hop, in the same
-- transaction. This node's forwarder calls forward_batch(dest) to carry the
-- oldest hops for one destination, in order, over dblink to the destination's
-- apply_events(); that applies each event once (inbox keyed by event id and
-- kind) in its own subtransaction and says, per hop, applied / duplicate /
-- parked (an error no retry can fix) / retry (stop here, keep order).
-- A lost answer is harmless: the redelivered hop comes back "duplicate".

-- Queue one hop (inside the caller's transaction) and wake the forwarder at commit.
CREATE OR REPLACE FUNCTION redbox.enqueue(p_event uuid, p_kind text, p_dest text, p_payload jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_dest IS NULL OR NOT EXISTS (SELECT 1 FROM redbox.node_link WHERE target = p_dest) THEN
        RAISE EXCEPTION 'no link from % to %', (redbox.me()).node_name, coalesce(p_dest, '(none)')
            USING ERRCODE = 'RB500';
    END IF;
    INSERT INTO redbox.outbox (event_id, kind, dest, payload)
    VALUES (p_event, p_kind, p_dest, p_payload)
    ON CONFLICT (event_id, kind, dest) DO NOTHING;
    PERFORM pg_notify('redbox_outbox', p_dest);
END
$$;

-- Queue the same hop to every node linked as P_KIND (e.g. all sibling red boxes).
CREATE OR REPLACE FUNCTION redbox.enqueue_kind(p_event uuid, p_kind text, p_link_kind text, p_payload jsonb,
                                               p_except text DEFAULT NULL, p_coast text DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    d text;
    n int := 0;
BEGIN
    FOR d IN SELECT target FROM redbox.node_link
              WHERE kind = p_link_kind AND target IS DISTINCT FROM p_except
                AND (p_coast IS NULL OR target_coast = p_coast)
              ORDER BY target LOOP
        PERFORM redbox.enqueue(p_event, p_kind, d, p_payload);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- Which errors a retry can cure: connection loss, serialization, locks,
-- resources, shutdown. Everything else (bad data, constraints, our own
-- refusals) parks the hop for a technician.
CREATE OR REPLACE FUNCTION redbox.is_transient(p_sqlstate text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT left(p_sqlstate, 2) IN ('08', '40', '53', '55', '57', '58', 'XX', 'HV')
$$;

-- The hops of one batch from the node this session logs in as (its own role:
-- the sender is never taken from the batch). Each tier says which kinds it
-- takes from which sender (accepts_hop) and checks their facts (apply_one);
-- a hop refused for good is parked at its sender and kept in refused_hop here.
DROP FUNCTION IF EXISTS redbox.apply_events(jsonb, text);
CREATE OR REPLACE FUNCTION redbox.apply_events(p_events jsonb)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    sender peer_login := session_peer();
    e jsonb;
    res jsonb := '[]';
    stop boolean := false;
    v_state text;
    v_msg text;
BEGIN
    IF jsonb_typeof(p_events) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'apply_events wants a JSON array' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_events) > 5000 THEN
        RAISE EXCEPTION 'at most 5000 hops in a batch' USING ERRCODE = '22023';
    END IF;
    FOR e IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        IF stop THEN
            res := res || jsonb_build_object('hop_id', e->'hop_id', 'status', 'skipped');
            CONTINUE;
        END IF;
        BEGIN
            IF NOT accepts_hop(e->>'kind', sender) THEN
                RAISE EXCEPTION '% does not take % hops from % (a %)', (me()).node_name, e->>'kind', sender.node_name,
                    sender.tier USING ERRCODE = 'RB019';
            END IF;
            INSERT INTO inbox (event_id, kind, source)
            VALUES ((e->>'event_id')::uuid, e->>'kind', sender.node_name)
            ON CONFLICT (event_id, kind) DO NOTHING;
            IF FOUND THEN
                PERFORM redbox.apply_one(e->>'kind', (e->>'event_id')::uuid, e->'payload', sender.node_name);
                res := res || jsonb_build_object('hop_id', e->'hop_id', 'status', 'applied');
            ELSE
                res := res || jsonb_build_object('hop_id', e->'hop_id', 'status', 'duplicate');
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
            IF redbox.is_transient(v_state) THEN
                res := res || jsonb_build_object('hop_id', e->'hop_id', 'status', 'retry',
                                                 'error', v_state || ': ' || v_msg);
                stop := true;
            ELSE
                res := res || jsonb_build_object('hop_id', e->'hop_id', 'status', 'parked',
                                                 'error', v_state || ': ' || v_msg);
                BEGIN
                    INSERT INTO refused_hop (event_id, kind, source, reason, payload)
                    VALUES ((e->>'event_id')::uuid, left(coalesce(e->>'kind', '?'), 40), sender.node_name,
                            left(v_state || ': ' || v_msg, 500), e->'payload')
                    ON CONFLICT (event_id, kind, source) DO UPDATE SET reason = EXCLUDED.reason, refused_at = now();
                EXCEPTION WHEN OTHERS THEN
                    NULL;   -- a hop too broken to record (no event id): its sender parks it all the same
                END;
            END IF;
        END;
    END LOOP;
    RETURN res;
END
$$;

-- Carry up to P_MAX hops for P_DEST. Returns what happened; an error text
-- means the destination could not be reached (the forwarder backs off).
CREATE OR REPLACE FUNCTION redbox.forward_batch(p_dest text, p_max int DEFAULT 200)
RETURNS TABLE (delivered int, parked int, pending bigint, error text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_server text;
    v_conn text := 'hop_' || replace(p_dest, '-', '_');
    v_batch jsonb;
    v_first bigint;
    v_result jsonb;
    r jsonb;
    v_delivered int := 0;
    v_parked int := 0;
    v_error text;
BEGIN
    SELECT server_name INTO v_server FROM node_link WHERE target = p_dest;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no link to %', p_dest USING ERRCODE = 'RB500';
    END IF;
    IF p_max NOT BETWEEN 1 AND 5000 THEN
        RAISE EXCEPTION 'batch size % outside 1-5000', p_max USING ERRCODE = '22023';
    END IF;
    -- One forwarder per destination at a time, so hops leave in order.
    IF NOT pg_try_advisory_xact_lock(hashtext('redbox.forward'), hashtext(p_dest)) THEN
        RETURN QUERY SELECT 0, 0, NULL::bigint, 'another forwarder is delivering to ' || p_dest;
        RETURN;
    END IF;
    SELECT jsonb_agg(jsonb_build_object('hop_id', o.hop_id, 'event_id', o.event_id, 'kind', o.kind,
                                        'payload', o.payload) ORDER BY o.hop_id),
           min(o.hop_id)
      INTO v_batch, v_first
      FROM (SELECT * FROM outbox
             WHERE dest = p_dest AND delivered_at IS NULL AND parked_at IS NULL
             ORDER BY hop_id LIMIT p_max) o;
    IF v_batch IS NULL THEN
        RETURN QUERY SELECT 0, 0, 0::bigint, NULL::text;
        RETURN;
    END IF;
    BEGIN
        IF NOT (v_conn = ANY (coalesce(ext.dblink_get_connections(), '{}'))) THEN
            PERFORM ext.dblink_connect(v_conn, v_server);
        END IF;
        SELECT t.res INTO v_result
          FROM ext.dblink(v_conn, format('SELECT redbox.apply_events(%L::jsonb)', v_batch))
               AS t(res jsonb);
    EXCEPTION WHEN OTHERS THEN
        v_error := SQLERRM;
        BEGIN
            PERFORM ext.dblink_disconnect(v_conn);
        EXCEPTION WHEN OTHERS THEN
            NULL;  -- the connection is gone already
        END;
        UPDATE outbox SET attempts = attempts + 1, last_error = left(v_error, 500) WHERE hop_id = v_first;
        UPDATE node_link SET link_up = false, link_since = CASE WHEN link_up THEN now() ELSE link_since END
         WHERE target = p_dest;
        RETURN QUERY SELECT 0, 0,
            (SELECT count(*) FROM outbox WHERE dest = p_dest AND delivered_at IS NULL AND parked_at IS NULL),
            v_error;
        RETURN;
    END;
    FOR r IN SELECT value FROM jsonb_array_elements(v_result) LOOP
        CASE r->>'status'
            WHEN 'applied', 'duplicate' THEN
                -- A receipt's typed e-mail address (a walk-up card's) is the next node's to keep, not ours.
                UPDATE outbox SET delivered_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL,
                                  payload = CASE WHEN kind = 'receipt' AND payload ? 'email' THEN payload - 'email' ELSE payload END
                 WHERE hop_id = (r->>'hop_id')::bigint;
                v_delivered := v_delivered + 1;
            WHEN 'parked' THEN
                UPDATE outbox SET parked_at = clock_timestamp(), attempts = attempts + 1,
                                  last_error = left(r->>'error', 500)
                 WHERE hop_id = (r->>'hop_id')::bigint;
                v_parked := v_parked + 1;
            WHEN 'retry' THEN
                UPDATE outbox SET attempts = attempts + 1, last_error = left(r->>'error', 500)
                 WHERE hop_id = (r->>'hop_id')::bigint;
                v_error := r->>'error';
            ELSE
                NULL;  -- skipped after a retry: stays queued, in order
        END CASE;
    END LOOP;
    UPDATE node_link SET link_up = true, link_since = CASE WHEN link_up THEN link_since ELSE now() END
     WHERE target = p_dest;
    RETURN QUERY SELECT v_delivered, v_parked,
        (SELECT count(*) FROM outbox WHERE dest = p_dest AND delivered_at IS NULL AND parked_at IS NULL),
        v_error;
END
$$;

-- Is the link to P_DEST up? The forwarder asks for idle destinations, so a
-- red box knows it is partitioned from its coast even with nothing to send.
CREATE OR REPLACE FUNCTION redbox.probe_link(p_dest text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_server text;
    v_conn text := 'hop_' || replace(p_dest, '-', '_');
    v_ok boolean;
BEGIN
    SELECT server_name INTO v_server FROM node_link WHERE target = p_dest;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no link to %', p_dest USING ERRCODE = 'RB500';
    END IF;
    BEGIN
        IF NOT (v_conn = ANY (coalesce(ext.dblink_get_connections(), '{}'))) THEN
            PERFORM ext.dblink_connect(v_conn, v_server);
        END IF;
        PERFORM * FROM ext.dblink(v_conn, 'SELECT 1') AS t(one int);
        v_ok := true;
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            PERFORM ext.dblink_disconnect(v_conn);
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
        v_ok := false;
    END;
    UPDATE node_link SET link_up = v_ok, link_since = CASE WHEN link_up = v_ok THEN link_since ELSE now() END
     WHERE target = p_dest AND link_up IS DISTINCT FROM v_ok;
    RETURN v_ok;
END
$$;

-- Destinations with hops waiting (the forwarder's work list).
CREATE OR REPLACE FUNCTION redbox.forward_pending()
RETURNS TABLE (dest text, pending bigint, oldest timestamptz)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT l.target, count(o.hop_id), min(o.created_at)
      FROM node_link l
      LEFT JOIN outbox o ON o.dest = l.target AND o.delivered_at IS NULL AND o.parked_at IS NULL
     GROUP BY l.target
     ORDER BY l.target;
$$;

-- Delivered hops are kept a while for diagnosis, then dropped (their payloads
-- may carry a payment token on its way to the coast).
CREATE OR REPLACE FUNCTION redbox.purge_delivered(p_keep interval DEFAULT '1 hour')
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
    WITH d AS (DELETE FROM outbox WHERE delivered_at < now() - p_keep RETURNING 1)
    SELECT count(*) FROM d;
$$;

-- How many nights a disc may stay out before it is the renter's to keep,
-- unless its plan says otherwise (membership.max_nights).
CREATE OR REPLACE FUNCTION redbox.max_rental_nights() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 17 $$;

-- The forwarder's housekeeping call for rentals past their maximum period. Only
-- the red box, which owns its rentals, closes them (its own version of this
-- function, in schema/redbox); elsewhere there is nothing to do.
CREATE OR REPLACE FUNCTION redbox.close_overdue_rentals(p_limit int DEFAULT 500)
RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
    SELECT 0;
$$;

-- Parked hops, for technicians; and putting them back in line.
CREATE OR REPLACE FUNCTION redbox.parked_hops()
RETURNS TABLE (hop_id bigint, event_id uuid, kind text, dest text, parked_at timestamptz, attempts int, last_error text)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT hop_id, event_id, kind, dest, parked_at, attempts, last_error
      FROM outbox WHERE parked_at IS NOT NULL AND delivered_at IS NULL ORDER BY hop_id;
$$;

CREATE OR REPLACE FUNCTION redbox.retry_parked(p_hop_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE outbox SET parked_at = NULL
     WHERE parked_at IS NOT NULL AND delivered_at IS NULL AND (p_hop_id IS NULL OR hop_id = p_hop_id);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pg_notify('redbox_outbox', d) FROM (SELECT DISTINCT dest AS d FROM outbox
                                                 WHERE delivered_at IS NULL AND parked_at IS NULL) x;
    RETURN n;
END
$$;
