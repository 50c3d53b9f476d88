-- The kiosk's entry points at its red box node (paper section 7), kiosk API
-- level 2: who the kiosk is, a member's card and PIN, and what a kiosk may
-- ask about its own rentals. Rentals and voids: 11_rent.sql; returns:
-- 12_return.sql; receipts: 13_receipt.sql. The kiosk group role may EXECUTE
-- these and nothing else; each runs for the kiosk its login role is enrolled
-- as (session_kiosk()), never for a kiosk named in an argument. Each call is
-- one transaction that commits here (and on the synchronous standby) together
-- with its outbox hops; the customer never waits on the coast or HQ.
--
-- Errors are typed by SQLSTATE: the network's codes (RBnnn) and what each
-- means are listed once, in sync/core/errorcodes.h; 22023 / 22001 are bad or
-- oversized input.

-- Level 1's entry points took the kiosk (and handed out PIN hashes): gone.
DROP FUNCTION IF EXISTS redbox.kiosk_member(text);
DROP FUNCTION IF EXISTS redbox.kiosk_rent(uuid, text, text, text, uuid, text, text, timestamptz, boolean, jsonb);
DROP FUNCTION IF EXISTS redbox.kiosk_rent(uuid, text, text, uuid, text, text, timestamptz, boolean, jsonb);
DROP FUNCTION IF EXISTS redbox.kiosk_void_rental(uuid, text, text, int, boolean);
DROP FUNCTION IF EXISTS redbox.kiosk_return(uuid, text, text, timestamptz, int);
DROP FUNCTION IF EXISTS redbox.kiosk_email_receipt(uuid, text, uuid[], uuid);
DROP FUNCTION IF EXISTS redbox.kiosk_audit(uuid, text, bigint, text, text, jsonb, timestamptz);
DROP FUNCTION IF EXISTS redbox.cache_begin(text, text);
DROP FUNCTION IF EXISTS redbox.cache_changes(text, text, text, text, text, text, boolean, int);

-- The offline allowance: what a red box may rent to a member while it cannot
-- reach its coast, and what a kiosk may rent while it cannot reach its red box
-- (as real kiosks did).
CREATE OR REPLACE FUNCTION redbox.offline_allowance() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 3';

-- Partitioned from the coast: the forwarder found the link down, or hops to
-- the coast have waited more than 30 s.
CREATE OR REPLACE FUNCTION redbox.coast_partitioned() RETURNS boolean
LANGUAGE sql STABLE AS $$
    -- Both lookups use an index: the link row, and the oldest undelivered hop to the coast.
    SELECT coalesce((SELECT NOT l.link_up FROM redbox.node_link l WHERE l.kind = 'coast'), true)
        OR coalesce((SELECT o.created_at < clock_timestamp() - interval '30 seconds'
                       FROM redbox.outbox o
                      WHERE o.dest = (SELECT l.target FROM redbox.node_link l WHERE l.kind = 'coast')
                        AND o.delivered_at IS NULL AND o.parked_at IS NULL
                      ORDER BY o.hop_id LIMIT 1), false);
$$;

CREATE OR REPLACE FUNCTION redbox.coast_node() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT target FROM redbox.node_link WHERE kind = 'coast';
$$;

-- The session's kiosk, served here (RB018: not an enrolled kiosk; RB008: not one of this red box's).
CREATE OR REPLACE FUNCTION redbox.my_kiosk() RETURNS redbox.kiosk_login
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
BEGIN
    IF k.node_name <> (me()).node_name OR NOT EXISTS (SELECT 1 FROM kiosk WHERE kiosk_id = k.kiosk_id) THEN
        RAISE EXCEPTION 'kiosk % is not served by red box %', k.kiosk_id, (me()).node_name USING ERRCODE = 'RB008';
    END IF;
    RETURN k;
END
$$;

-- The kiosk's first call on every connection: which API levels this red box
-- serves, who the kiosk is here, and this server's clock (the kiosk measures
-- its own clock's skew from it).
CREATE OR REPLACE FUNCTION redbox.kiosk_hello()
RETURNS TABLE (level int, oldest int, server_time timestamptz, kiosk_id text, node_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := my_kiosk();
BEGIN
    RETURN QUERY SELECT l.level, l.oldest, clock_timestamp(), k.kiosk_id, k.node_name FROM kiosk_api_level l;
END
$$;

-- Swipe: who the card belongs to, as the screen needs it. No PIN hash leaves
-- this server: the PIN is checked by kiosk_sign_in.
CREATE OR REPLACE FUNCTION redbox.kiosk_member(p_card_hash text)
RETURNS TABLE (member_id bigint, allowed boolean, discs_out int, plan_limit int, membership_id int, home_coast text,
               daily_rate_cents int, max_charge_cents int, offline_limited boolean, locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM my_kiosk();
    PERFORM need_card_hash(p_card_hash);
    RETURN QUERY
        SELECT s.member_id, s.allowed, greatest(s.discs_out, 0), s.plan_limit, s.membership_id, s.home_coast,
               m.daily_rate_cents, m.max_charge_cents, coast_partitioned(), (pin_state(s.card_hash)).locked_until
          FROM membershipstatus s JOIN membership m USING (membership_id)
         WHERE s.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
    END IF;
END
$$;

-- A member's lock as kiosks cache it (so it holds offline too).
CREATE OR REPLACE FUNCTION redbox.refresh_pin_lock(p_card_hash text) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_until timestamptz := (pin_state(p_card_hash)).locked_until;
BEGIN
    UPDATE membershipstatus SET locked_until = v_until
     WHERE card_hash = p_card_hash AND locked_until IS DISTINCT FROM v_until;
END
$$;

-- One PIN attempt checked here (or offline at one of this red box's kiosks):
-- recorded, and carried to the coast, which tells its other red boxes and HQ.
CREATE OR REPLACE FUNCTION redbox.note_pin_attempt(p_event uuid, p_card_hash text, p_ok boolean, p_kiosk kiosk_login,
                                                   p_at timestamptz, p_offline boolean) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v jsonb := jsonb_build_object('card_hash', p_card_hash, 'at', p_at, 'ok', p_ok, 'node_name', (me()).node_name,
                                  'kiosk_id', p_kiosk.kiosk_id, 'offline', p_offline);
BEGIN
    IF record_pin_attempt(p_event, v) THEN
        PERFORM enqueue(p_event, 'pin_attempt', coast_node(), v);
        PERFORM refresh_pin_lock(p_card_hash);
    END IF;
END
$$;

-- Sign-in: the PIN checked against the member's salted hash, here. Every
-- attempt counts at every node that checks this card (5 wrong in 15 minutes
-- lock it for 15 minutes); a locked card's PIN is not checked. OUTCOME: ok,
-- wrong_pin or locked. On ok, a ticket for this kiosk and card (15 minutes)
-- that kiosk_rent takes as proof of the sign-in.
CREATE OR REPLACE FUNCTION redbox.kiosk_sign_in(p_card_hash text, p_pin text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, member_id bigint, allowed boolean, discs_out int,
               plan_limit int, membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               offline_limited boolean, ticket jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
    s membershipstatus;
    p membership;
    st record;
    v_ok boolean;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_pin(p_pin);
    -- Locked: attempts on one card are checked one at a time.
    SELECT * INTO s FROM membershipstatus x WHERE x.card_hash = p_card_hash FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
    END IF;
    IF is_walkup_plan(s.membership_id) THEN
        RAISE EXCEPTION 'this is a walk-up card: it has no PIN, and its sign-in ticket comes from kiosk_walkup' USING ERRCODE = 'RB007';
    END IF;
    st := pin_state(p_card_hash);
    IF st.locked_until IS NOT NULL THEN
        RETURN QUERY SELECT 'locked'::text, 0, st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int,
                            NULL::int, NULL::text, NULL::int, NULL::int, NULL::boolean, NULL::jsonb;
        RETURN;
    END IF;
    v_ok := secret_matches(p_pin, s.pin_hash);
    PERFORM note_pin_attempt(gen_random_uuid(), p_card_hash, v_ok, k, clock_timestamp(), false);
    IF NOT v_ok THEN
        st := pin_state(p_card_hash);
        RETURN QUERY SELECT CASE WHEN st.locked_until IS NULL THEN 'wrong_pin' ELSE 'locked' END, st.tries_left,
                            st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int, NULL::int, NULL::text,
                            NULL::int, NULL::int, NULL::boolean, NULL::jsonb;
        RETURN;
    END IF;
    SELECT * INTO p FROM membership x WHERE x.membership_id = s.membership_id;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, s.member_id, s.allowed, greatest(s.discs_out, 0),
                        s.plan_limit, s.membership_id, s.home_coast, p.daily_rate_cents, p.max_charge_cents,
                        coast_partitioned(),
                        make_ticket(p_card_hash, s.member_id, s.membership_id, s.home_coast, s.discs_out, s.allowed, k);
END
$$;

-- A walk-up card (any credit or debit card that is not a member card) at
-- this kiosk: no PIN (the card reader's acquirer checks the billing ZIP when
-- the first night is authorized). The card as this red box knows it, or,
-- for a card no tier knows (the kiosk asked its coast and HQ first), a
-- first-time card whose home is this coast, recorded by the coast with its
-- first rental. The same row shape as kiosk_sign_in, with its ticket.
CREATE OR REPLACE FUNCTION redbox.kiosk_walkup(p_card_hash text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, member_id bigint, allowed boolean, discs_out int,
               plan_limit int, membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               offline_limited boolean, ticket jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := my_kiosk();
    s membershipstatus;
    p membership;
    v_out int;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    SELECT * INTO s FROM membershipstatus x WHERE x.card_hash = p_card_hash;
    IF FOUND AND NOT is_walkup_plan(s.membership_id) THEN
        RAISE EXCEPTION 'this is a member card: its PIN is needed for a sign-in ticket' USING ERRCODE = 'RB007';
    END IF;
    IF NOT FOUND THEN
        s.member_id := walkup_member_id(p_card_hash);
        s.allowed := true;
        s.discs_out := 0;
        s.membership_id := walkup_first_plan();
        s.home_coast := (me()).coast;
    END IF;
    SELECT * INTO p FROM membership x WHERE x.membership_id = s.membership_id;
    -- A new card's discs rented here are not in any count yet.
    v_out := greatest(s.discs_out, 0)
             + CASE WHEN s.card_hash IS NULL
                    THEN (SELECT count(*) FROM rental r WHERE r.member_id = s.member_id AND r.status = 'open')::int
                    ELSE 0 END;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, s.member_id, s.allowed, v_out,
                        p.max_discs_out, s.membership_id, s.home_coast, p.daily_rate_cents, p.max_charge_cents,
                        coast_partitioned(),
                        make_ticket(p_card_hash, s.member_id, s.membership_id, s.home_coast,
                                    greatest(s.discs_out, 0), s.allowed, k);
END
$$;

-- PIN attempts a kiosk checked while it could not reach this red box (with
-- its own offline verifiers), reported when it can: they count like any other.
-- True when new; an attempt on a card nobody here knows is ignored.
CREATE OR REPLACE FUNCTION redbox.kiosk_report_pin_attempt(p_event_id uuid, p_card_hash text, p_ok boolean, p_at timestamptz)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := my_kiosk();
BEGIN
    IF p_event_id IS NULL OR p_ok IS NULL THEN
        RAISE EXCEPTION 'attempt id and outcome are required' USING ERRCODE = '22023';
    END IF;
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_kiosk_time(p_at, 'attempt time');
    IF EXISTS (SELECT 1 FROM pin_attempt WHERE event_id = p_event_id) THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM membershipstatus WHERE card_hash = p_card_hash)
       AND NOT EXISTS (SELECT 1 FROM technician WHERE card_hash = p_card_hash) THEN
        RETURN false;
    END IF;
    PERFORM note_pin_attempt(p_event_id, p_card_hash, p_ok, k, p_at, true);
    RETURN true;
END
$$;

-- In-doubt resolution: did the rental (or return) with this id commit? Only
-- the kiosk's own: another kiosk's rentals are not its business.
DROP FUNCTION IF EXISTS redbox.kiosk_rental_status(uuid);
CREATE OR REPLACE FUNCTION redbox.kiosk_rental_status(p_rental_id uuid)
RETURNS TABLE (rental_id uuid, status text, barcode text, member_id bigint, rented_at timestamptz, dispensed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := my_kiosk();
BEGIN
    RETURN QUERY
        SELECT r.rental_id, r.status, r.barcode::text, r.member_id, r.rented_at, r.dispensed_at IS NOT NULL
          FROM rental r WHERE r.rental_id = p_rental_id AND r.kiosk_id = k.kiosk_id
        UNION ALL
        SELECT c.claim_id, 'parked', c.barcode, c.member_id, NULL::timestamptz, false
          FROM parked_claim c
         WHERE c.claim_id = p_rental_id AND c.kind = 'rental' AND c.kiosk_id = k.kiosk_id AND c.resolved_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM rental r WHERE r.rental_id = p_rental_id);
END
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_return_status(p_return_id uuid)
RETURNS TABLE (return_id uuid, barcode text, rental_id uuid, charge_cents int)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := my_kiosk();
BEGIN
    RETURN QUERY SELECT l.return_id, l.barcode::text, l.rental_id, l.charge_cents
                   FROM local_return l WHERE l.return_id = p_return_id AND l.kiosk_id = k.kiosk_id;
END
$$;

-- Link health for the kiosk's status banner and the technician's screen.
DROP FUNCTION IF EXISTS redbox.kiosk_health();
CREATE OR REPLACE FUNCTION redbox.kiosk_health()
RETURNS TABLE (node_name text, in_recovery boolean, coast_partitioned boolean, pending_hops bigint,
               oldest_pending timestamptz, parked_hops bigint, standby_streaming boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM my_kiosk();
    RETURN QUERY
        SELECT (me()).node_name, pg_is_in_recovery(), coast_partitioned(),
               (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
               (SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
               (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL),
               EXISTS (SELECT 1 FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum'));
END
$$;
