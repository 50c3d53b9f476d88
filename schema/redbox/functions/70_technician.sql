-- Maintenance mode's entry points at a red box, called over the kiosk's own
-- connection. A technician signs in here with card and PIN (tech_sign_in:
-- the PIN is checked by this server and counted like a member's) and gets a
-- short-lived session; every tech_* function takes that session, never a
-- technician id. kiosk_audit records what a technician did that changed no
-- disc, also what was done while the kiosk could not reach the red box
-- (replayed from its outbox; without a session the technician is recorded as
-- the kiosk's claim). A disc change writes its audit row in the same
-- transaction and travels like a rental: to the coast, which records it and
-- carries it on to HQ. Every call is idempotent on its audit id (the kiosk
-- generates it). Error codes: sync/core/errorcodes.h.

DROP FUNCTION IF EXISTS redbox.tech_login(text);
DROP FUNCTION IF EXISTS redbox.need_technician(bigint);
DROP FUNCTION IF EXISTS redbox.tech_disc(uuid, text, bigint, text, text, int, text);
DROP FUNCTION IF EXISTS redbox.tech_kiosk_discs(text);
DROP FUNCTION IF EXISTS redbox.tech_health();
DROP FUNCTION IF EXISTS redbox.tech_retry_parked(uuid, text, bigint);

-- How long a technician's session lasts without use.
CREATE OR REPLACE FUNCTION redbox.tech_session_idle() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '30 minutes' $$;

-- The technician a session token stands for, at the session's kiosk; each use
-- keeps it alive. RB020 for an unknown, ended or expired session.
CREATE OR REPLACE FUNCTION redbox.tech_session_of(p_session text) RETURNS technician
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
    s tech_session;
    t technician;
BEGIN
    IF p_session IS NULL OR p_session !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'no technician session: sign in first' USING ERRCODE = 'RB020';
    END IF;
    SELECT * INTO s FROM tech_session
     WHERE session_hash = encode(ext.digest(p_session, 'sha256'), 'hex') AND kiosk_id = k.kiosk_id FOR UPDATE;
    IF NOT FOUND OR s.ended_at IS NOT NULL OR s.expires_at < clock_timestamp() THEN
        RAISE EXCEPTION 'the technician session has ended or expired: sign in again' USING ERRCODE = 'RB020';
    END IF;
    SELECT * INTO t FROM technician WHERE technician_id = s.technician_id AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'technician % is no longer active', s.technician_id USING ERRCODE = 'RB013';
    END IF;
    UPDATE tech_session SET expires_at = clock_timestamp() + tech_session_idle() WHERE session_hash = s.session_hash;
    RETURN t;
END
$$;

CREATE OR REPLACE FUNCTION redbox.need_tech_kiosk(p_kiosk_id text) RETURNS kiosk
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk;
BEGIN
    SELECT * INTO k FROM kiosk WHERE kiosk_id = p_kiosk_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kiosk % is not served by this red box', p_kiosk_id USING ERRCODE = 'RB008';
    END IF;
    RETURN k;
END
$$;

-- A technician's sign-in at the session's kiosk: the PIN checked here against
-- the technician's salted hash, counted like a member's (5 wrong in 15 minutes
-- lock the card). OUTCOME ok (with SESSION, a token to pass to tech_*),
-- wrong_pin or locked. RB013 for a card that is no active technician's.
CREATE OR REPLACE FUNCTION redbox.tech_sign_in(p_card_hash text, p_pin text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, technician_id bigint, name text, session text,
               expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
    t technician;
    st record;
    v_ok boolean;
    v_token text;
    v_exp timestamptz := clock_timestamp() + tech_session_idle();
BEGIN
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_pin(p_pin, 8);
    SELECT * INTO t FROM technician x WHERE x.card_hash = p_card_hash AND x.active FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this technician card is not known here or not active' USING ERRCODE = 'RB013';
    END IF;
    st := pin_state(p_card_hash);
    IF st.locked_until IS NOT NULL THEN
        RETURN QUERY SELECT 'locked'::text, 0, st.locked_until, NULL::bigint, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    v_ok := secret_matches(p_pin, t.pin_hash);
    PERFORM note_pin_attempt(gen_random_uuid(), p_card_hash, v_ok, k, clock_timestamp(), false);
    IF NOT v_ok THEN
        st := pin_state(p_card_hash);
        RETURN QUERY SELECT CASE WHEN st.locked_until IS NULL THEN 'wrong_pin' ELSE 'locked' END, st.tries_left,
                            st.locked_until, NULL::bigint, NULL::text, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    v_token := encode(ext.gen_random_bytes(32), 'hex');
    INSERT INTO tech_session (session_hash, technician_id, kiosk_id, expires_at)
    VALUES (encode(ext.digest(v_token, 'sha256'), 'hex'), t.technician_id, k.kiosk_id, v_exp);
    DELETE FROM tech_session x WHERE x.expires_at < clock_timestamp() - interval '1 day';
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, t.technician_id, t.name::text, v_token, v_exp;
END
$$;

CREATE OR REPLACE FUNCTION redbox.tech_sign_out(p_session text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
BEGIN
    UPDATE tech_session SET ended_at = clock_timestamp()
     WHERE session_hash = encode(ext.digest(coalesce(p_session, ''), 'sha256'), 'hex') AND kiosk_id = k.kiosk_id
       AND ended_at IS NULL;
    RETURN FOUND;
END
$$;

-- One audit row, once, and its hop to the coast (which carries it to HQ). Not granted: the
-- entry points below call it after checking their input.
CREATE OR REPLACE FUNCTION redbox.write_audit(p_audit_id uuid, p_kiosk_id text, p_technician_id bigint, p_action text,
                                              p_barcode text, p_detail jsonb, p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    INSERT INTO audit_log (audit_id, at, node_name, kiosk_id, technician_id, action, barcode, detail)
    VALUES (p_audit_id, p_at, (me()).node_name, p_kiosk_id, p_technician_id, p_action, p_barcode,
            coalesce(p_detail, '{}'))
    ON CONFLICT (audit_id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM enqueue(p_audit_id, 'audit', coast_node(),
                    jsonb_build_object('audit_id', p_audit_id, 'at', p_at, 'node_name', (me()).node_name,
                                       'kiosk_id', p_kiosk_id, 'technician_id', p_technician_id,
                                       'action', p_action, 'barcode', p_barcode, 'detail', coalesce(p_detail, '{}')));
    RETURN true;
END
$$;

-- What a technician did that changed no disc: sign-in and out, failed PINs, a lockout,
-- hardware tests, a resync, a failover, a diagnostics export. With a live
-- SESSION the row names its technician; without one (the kiosk did it while the
-- red box was out of reach, or replays it after the session ended) the
-- technician the kiosk names is recorded as its claim (detail.claimed_technician),
-- never as fact. True when new.
CREATE OR REPLACE FUNCTION redbox.kiosk_audit(p_audit_id uuid, p_session text, p_claimed_technician bigint, p_action text,
                                              p_barcode text, p_detail jsonb, p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
    v_tech bigint;
    v_detail jsonb := coalesce(p_detail, '{}');
BEGIN
    IF p_audit_id IS NULL THEN
        RAISE EXCEPTION 'audit id is missing' USING ERRCODE = '22023';
    END IF;
    PERFORM need(p_action, 'action', 40, '^[a-z][a-z_]{0,39}$');
    IF p_barcode IS NOT NULL THEN
        PERFORM need_barcode(p_barcode);
    END IF;
    IF jsonb_typeof(v_detail) <> 'object' OR length(v_detail::text) > 4000 THEN
        RAISE EXCEPTION 'audit detail must be a JSON object of at most 4000 characters' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM audit_log WHERE audit_id = p_audit_id) THEN
        RETURN false;
    END IF;
    IF p_session IS NOT NULL THEN
        BEGIN
            v_tech := (tech_session_of(p_session)).technician_id;
        EXCEPTION WHEN SQLSTATE 'RB020' THEN
            v_tech := NULL;   -- replayed after its session ended: recorded as the kiosk's claim
        END;
    END IF;
    IF v_tech IS NULL AND p_claimed_technician IS NOT NULL THEN
        v_detail := v_detail || jsonb_build_object('claimed_technician', p_claimed_technician);
    END IF;
    RETURN write_audit(p_audit_id, k.kiosk_id, v_tech, p_action, p_barcode, v_detail,
                       need_kiosk_time(p_at, 'audit time'));
END
$$;

-- Load a disc into a slot (the kiosk picks the first free slot when p_slot_no is NULL), unload
-- one (it leaves the kiosk: status removed), mark one damaged (it stays in its slot, no longer
-- rentable, and joins the removal list), or clear a suspect one (looked at after a failed
-- dispense: good again). A rented-out disc is refused with RB014.
CREATE OR REPLACE FUNCTION redbox.tech_disc(p_audit_id uuid, p_session text, p_action text, p_barcode text,
                                            p_slot_no int, p_reason text)
RETURNS TABLE (barcode text, movie_id int, title text, slot_no int, status text, condition text, action_slot int)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_kiosk_id text := (my_kiosk()).kiosk_id;
    v_technician_id bigint := (tech_session_of(p_session)).technician_id;
    k kiosk;
    d dvd;
    v_movie int;
    v_slot int := p_slot_no;
    v_now timestamptz := clock_timestamp();
BEGIN
    IF p_audit_id IS NULL THEN
        RAISE EXCEPTION 'audit id is missing' USING ERRCODE = '22023';
    END IF;
    k := need_tech_kiosk(v_kiosk_id);
    PERFORM need(p_action, 'action', 10, '^(load|unload|damaged|cleared)$');
    PERFORM need_barcode(p_barcode);
    IF p_reason IS NOT NULL THEN
        PERFORM need(p_reason, 'reason', 200);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.audit_id = p_audit_id) THEN
        SELECT * INTO d FROM dvd WHERE dvd.barcode = p_barcode FOR UPDATE;
        IF p_action = 'load' THEN
            v_movie := barcode_movie(p_barcode);
            IF NOT EXISTS (SELECT 1 FROM movie WHERE movie.movie_id = v_movie) THEN
                RAISE EXCEPTION 'disc %: title % is not in the catalog', p_barcode, v_movie USING ERRCODE = 'RB004';
            END IF;
            IF d.status = 'out' OR EXISTS (SELECT 1 FROM rental r WHERE r.barcode = p_barcode AND r.status = 'open') THEN
                RAISE EXCEPTION 'disc % is rented out: it must be returned before it is loaded', p_barcode
                    USING ERRCODE = 'RB014';
            END IF;
            IF d.status = 'in' THEN
                RAISE EXCEPTION 'disc % is already in kiosk % slot %', p_barcode, d.kiosk_id, d.slot_no
                    USING ERRCODE = 'RB010';
            END IF;
            IF v_slot IS NULL THEN
                SELECT s INTO v_slot FROM generate_series(1, k.slot_count) s
                 WHERE NOT EXISTS (SELECT 1 FROM dvd x WHERE x.kiosk_id = v_kiosk_id AND x.slot_no = s)
                 ORDER BY s LIMIT 1;
                IF v_slot IS NULL THEN
                    RAISE EXCEPTION 'kiosk % has no free slot', v_kiosk_id USING ERRCODE = 'RB009';
                END IF;
            ELSIF v_slot < 1 OR v_slot > k.slot_count THEN
                RAISE EXCEPTION 'slot % is not a slot of kiosk % (1-%)', v_slot, v_kiosk_id, k.slot_count
                    USING ERRCODE = 'RB009';
            ELSIF EXISTS (SELECT 1 FROM dvd x WHERE x.kiosk_id = v_kiosk_id AND x.slot_no = v_slot) THEN
                RAISE EXCEPTION 'slot % already holds a disc', v_slot USING ERRCODE = 'RB009';
            END IF;
            INSERT INTO dvd (barcode, movie_id, kiosk_id, slot_no, status, condition, state_at)
            VALUES (p_barcode, v_movie, v_kiosk_id, v_slot, 'in', 'good', v_now)
            ON CONFLICT ON CONSTRAINT dvd_pkey DO UPDATE
               SET kiosk_id = EXCLUDED.kiosk_id, slot_no = EXCLUDED.slot_no, status = 'in', condition = 'good',
                   state_at = EXCLUDED.state_at;
        ELSE
            IF d.barcode IS NULL OR d.kiosk_id <> v_kiosk_id OR d.status NOT IN ('in', 'out') THEN
                RAISE EXCEPTION 'disc % is not in kiosk %', p_barcode, v_kiosk_id USING ERRCODE = 'RB004';
            END IF;
            IF d.status = 'out' THEN
                RAISE EXCEPTION 'disc % is rented out: it cannot be % until it is returned', p_barcode,
                    CASE p_action WHEN 'unload' THEN 'unloaded' WHEN 'cleared' THEN 'cleared' ELSE 'marked damaged' END
                    USING ERRCODE = 'RB014';
            END IF;
            v_slot := d.slot_no;
            IF p_action = 'unload' THEN
                UPDATE dvd SET status = 'removed', slot_no = NULL, state_at = v_now WHERE dvd.barcode = p_barcode;
                DELETE FROM removal_schedule rs WHERE rs.barcode = p_barcode;
            ELSIF p_action = 'cleared' THEN
                IF d.condition <> 'suspect' THEN
                    RAISE EXCEPTION 'disc % is marked %: only a suspect disc is cleared', p_barcode, d.condition
                        USING ERRCODE = 'RB005';
                END IF;
                UPDATE dvd SET condition = 'good', state_at = v_now WHERE dvd.barcode = p_barcode;
            ELSE
                UPDATE dvd SET condition = 'damaged', state_at = v_now WHERE dvd.barcode = p_barcode;
                INSERT INTO removal_schedule (barcode, reason) VALUES (p_barcode, 'damaged')
                ON CONFLICT ON CONSTRAINT removal_schedule_pkey DO NOTHING;
            END IF;
        END IF;
        PERFORM write_audit(p_audit_id, v_kiosk_id, v_technician_id, 'disc_' || p_action, p_barcode,
                            jsonb_build_object('slot_no', v_slot, 'reason', p_reason), v_now);
        SELECT * INTO d FROM dvd WHERE dvd.barcode = p_barcode;
        PERFORM enqueue(p_audit_id, 'disc_state', coast_node(),
                        jsonb_build_object('barcode', d.barcode, 'movie_id', d.movie_id, 'kiosk_id', d.kiosk_id,
                                           'slot_no', d.slot_no, 'status', d.status, 'condition', d.condition,
                                           'at', d.state_at));
    ELSE
        SELECT (a.detail->>'slot_no')::int INTO v_slot FROM audit_log a WHERE a.audit_id = p_audit_id;
    END IF;
    -- action_slot: the slot the disc went into (load) or came out of / sits in (unload, damaged).
    RETURN QUERY SELECT x.barcode, x.movie_id, m.title::text, x.slot_no, x.status, x.condition, v_slot
                   FROM dvd x JOIN movie m ON m.movie_id = x.movie_id WHERE x.barcode = p_barcode;
END
$$;

-- The kiosk's discs (in a slot or rented out) with their titles and any removal HQ scheduled.
CREATE OR REPLACE FUNCTION redbox.tech_kiosk_discs(p_session text)
RETURNS TABLE (barcode text, movie_id int, title text, slot_no int, status text, condition text, removal_reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_kiosk_id text := (my_kiosk()).kiosk_id;
BEGIN
    PERFORM tech_session_of(p_session);
    RETURN QUERY
        SELECT d.barcode, d.movie_id, m.title::text, d.slot_no, d.status, d.condition, rs.reason
          FROM dvd d JOIN movie m ON m.movie_id = d.movie_id
          LEFT JOIN removal_schedule rs ON rs.barcode = d.barcode
         WHERE d.kiosk_id = v_kiosk_id AND d.status IN ('in', 'out')
         ORDER BY d.slot_no NULLS LAST, d.barcode;
END
$$;

-- The red box's side of the technician's health screen: which server answers, its synchronous
-- standby's replication, its links to the coast (as the forwarder last found them), its hops.
CREATE OR REPLACE FUNCTION redbox.tech_health(p_session text)
RETURNS TABLE (node_name text, server_addr text, in_recovery boolean, standby_name text, standby_state text,
               standby_sync text, replay_lag_ms bigint, replay_lag_bytes bigint, links jsonb,
               pending_hops bigint, oldest_pending timestamptz, parked_hops bigint, parked jsonb,
               parked_claims bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
BEGIN
    PERFORM tech_session_of(p_session);
    RETURN QUERY
    SELECT (me()).node_name, host(inet_server_addr()) || ':' || inet_server_port(), pg_is_in_recovery(),
           r.application_name::text, r.state, r.sync_state,
           (extract(epoch FROM coalesce(r.replay_lag, interval '0')) * 1000)::bigint,
           pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('target', l.target, 'kind', l.kind, 'up', l.link_up,
                                                         'since', l.link_since) ORDER BY l.target), '[]')
              FROM node_link l),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL),
           (SELECT coalesce(jsonb_agg(jsonb_build_object('hop_id', p.hop_id, 'kind', p.kind, 'dest', p.dest,
                                                         'error', p.last_error) ORDER BY p.hop_id), '[]')
              FROM (SELECT * FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL
                     ORDER BY hop_id LIMIT 5) p),
           (SELECT count(*) FROM parked_claim WHERE resolved_at IS NULL)
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT * FROM pg_stat_replication ORDER BY sync_state = 'sync' DESC LIMIT 1) r ON true;
END
$$;

-- Put parked hops back in line, on behalf of a technician (audited).
CREATE OR REPLACE FUNCTION redbox.tech_retry_parked(p_audit_id uuid, p_session text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_kiosk_id text := (my_kiosk()).kiosk_id;
    v_technician_id bigint := (tech_session_of(p_session)).technician_id;
    n bigint := 0;
BEGIN
    IF p_audit_id IS NULL THEN
        RAISE EXCEPTION 'audit id is missing' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_log WHERE audit_id = p_audit_id) THEN
        n := retry_parked(NULL);
        PERFORM write_audit(p_audit_id, v_kiosk_id, v_technician_id, 'retry_parked', NULL,
                            jsonb_build_object('hops', n), clock_timestamp());
    ELSE
        SELECT (detail->>'hops')::bigint INTO n FROM audit_log WHERE audit_id = p_audit_id;
    END IF;
    RETURN n;
END
$$;
