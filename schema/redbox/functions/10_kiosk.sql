-- The kiosk's entry points at its red box node (paper section 7). The kiosk
-- role may EXECUTE these and nothing else. Each call is one transaction that
-- commits here (and on the synchronous standby) together with its outbox
-- hops; the customer never waits on the coast or HQ.
--
-- Errors are typed by SQLSTATE: the network's codes (RBnnn) and what each
-- means are listed once, in sync/core/errorcodes.h; 22023 / 22001 are bad or
-- oversized input.

-- The offline allowance: what a red box may rent to a member while it cannot
-- reach its coast (as real kiosks did).
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

-- Sign-in: the membership status the kiosk checks the PIN against (the PIN
-- hash is a salted PBKDF2; the kiosk verifies it, the PIN never travels).
CREATE OR REPLACE FUNCTION redbox.kiosk_member(p_card_hash text)
RETURNS TABLE (member_id bigint, pin_hash text, allowed boolean, discs_out int, plan_limit int,
               membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               offline_limited boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM need_card_hash(p_card_hash);
    RETURN QUERY
        SELECT s.member_id, s.pin_hash, s.allowed, greatest(s.discs_out, 0), s.plan_limit, s.membership_id,
               s.home_coast, m.daily_rate_cents, m.max_charge_cents, coast_partitioned()
          FROM membershipstatus s JOIN membership m USING (membership_id)
         WHERE s.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_rent(
    p_rental_id   uuid,
    p_kiosk_id    text,
    p_card_hash   text,
    p_barcode     text,
    p_payment_id  uuid,
    p_card_token  text,
    p_card_last4  text,
    p_rented_at   timestamptz,
    p_offline     boolean DEFAULT false,   -- replayed from the kiosk's offline outbox
    p_ticket      jsonb DEFAULT NULL)      -- escalation ticket for an away member
RETURNS TABLE (rental_id uuid, member_id bigint, barcode text, movie_id int, due_at timestamptz,
               amount_cents int, tax_cents int, discs_out int, plan_limit int, offline_limited boolean,
               replayed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
-- The customer waits on this function and its commit, so it is written for
-- few statements: one check of every argument (the detailed checks run only
-- when it fails, to name the bad one), one lookup each for the node, the
-- disc with its kiosk and title, and the member with their plan.
DECLARE
    r          rental;
    v_node     text;
    v_my_coast text;
    v_key      text;
    v_coast_node text;
    v_partition boolean;
    v_disc_kiosk text;
    v_status   text;
    v_condition text;
    v_movie    int;
    v_tz       text;
    v_tax_bp   int;
    v_window   boolean;
    v_member   bigint;
    v_coast    text;
    v_plan_id  int;
    v_allowed  boolean;
    v_limit    int;
    v_out      int;
    v_rate     int;
    v_max      int;
    v_home     boolean;
    v_tax      int;
    v_exp      timestamptz;
BEGIN
    IF p_rental_id IS NULL OR p_payment_id IS NULL THEN
        RAISE EXCEPTION 'rental id and payment id are required' USING ERRCODE = '22023';
    END IF;
    IF NOT (p_kiosk_id ~ '^[A-Z0-9-]{3,20}$' AND p_card_hash ~ '^[0-9a-f]{64}$' AND barcode_ok(p_barcode)
            AND p_card_token ~ '^tok_[A-Za-z0-9]{8,40}$' AND p_card_last4 ~ '^[0-9]{4}$'
            AND p_rented_at BETWEEN now() - interval '60 days' AND now() + interval '5 minutes') IS TRUE THEN
        PERFORM need(p_kiosk_id, 'kiosk id', 20, '^[A-Z0-9-]{3,20}$');
        PERFORM need_card_hash(p_card_hash);
        PERFORM need_barcode(p_barcode);
        PERFORM need(p_card_token, 'card token', 44, '^tok_[A-Za-z0-9]{8,40}$');
        PERFORM need(p_card_last4, 'card last 4 digits', 4, '^[0-9]{4}$');
        PERFORM need_kiosk_time(p_rented_at, 'rented at');
    END IF;

    -- The same call twice gives the same rental, once.
    SELECT * INTO r FROM rental WHERE rental.rental_id = p_rental_id;
    IF FOUND THEN
        IF r.barcode <> p_barcode OR r.kiosk_id <> p_kiosk_id THEN
            RAISE EXCEPTION 'rental id % was already used for another disc', p_rental_id USING ERRCODE = 'RB006';
        END IF;
        RETURN QUERY SELECT r.rental_id, r.member_id, r.barcode, r.movie_id, rental_due(r.rented_at, r.timezone),
                            r.daily_rate_cents, tax_on(r.daily_rate_cents, r.tax_rate_bp),
                            coalesce((SELECT greatest(x.discs_out, 0) FROM membershipstatus x WHERE x.member_id = r.member_id), 0),
                            coalesce((SELECT x.plan_limit FROM membershipstatus x WHERE x.member_id = r.member_id), 0),
                            r.offline, true;
        RETURN;
    END IF;

    -- This node, its coast link, and whether it is cut off from the coast.
    SELECT i.node_name, i.coast, i.ticket_key, l.target,
           NOT l.link_up OR coalesce((SELECT o.created_at < clock_timestamp() - interval '30 seconds'
                                        FROM outbox o WHERE o.dest = l.target AND o.delivered_at IS NULL
                                         AND o.parked_at IS NULL ORDER BY o.hop_id LIMIT 1), false)
      INTO v_node, v_my_coast, v_key, v_coast_node, v_partition
      FROM node_identity i LEFT JOIN node_link l ON l.kind = 'coast'
     WHERE i.one;
    v_partition := coalesce(v_partition, true);

    -- The disc, locked: the kiosk that holds it is its authority.
    SELECT d.kiosk_id, d.status, d.condition, d.movie_id, k.timezone, k.tax_rate_bp,
           (m.rent_from <= (p_rented_at AT TIME ZONE k.timezone)::date
            AND (m.rent_until IS NULL OR m.rent_until >= (p_rented_at AT TIME ZONE k.timezone)::date))
      INTO v_disc_kiosk, v_status, v_condition, v_movie, v_tz, v_tax_bp, v_window
      FROM dvd d JOIN kiosk k ON k.kiosk_id = p_kiosk_id JOIN movie m ON m.movie_id = d.movie_id
     WHERE d.barcode = p_barcode
       FOR UPDATE OF d;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM kiosk WHERE kiosk_id = p_kiosk_id) THEN
            RAISE EXCEPTION 'kiosk % is not served by red box %', p_kiosk_id, v_node USING ERRCODE = 'RB008';
        END IF;
        RAISE EXCEPTION 'disc % is not in this red box', p_barcode USING ERRCODE = 'RB004';
    END IF;
    IF v_disc_kiosk <> p_kiosk_id THEN
        RAISE EXCEPTION 'disc % belongs to kiosk %, not %', p_barcode, v_disc_kiosk, p_kiosk_id USING ERRCODE = 'RB004';
    END IF;
    IF v_status <> 'in' THEN
        RAISE EXCEPTION 'disc % is not available (it is %)', p_barcode, v_status USING ERRCODE = 'RB005';
    END IF;
    IF v_condition <> 'good' THEN
        RAISE EXCEPTION 'disc % is marked %', p_barcode, v_condition USING ERRCODE = 'RB005';
    END IF;
    IF NOT v_window THEN
        RAISE EXCEPTION 'disc % is outside its rent-by window', p_barcode USING ERRCODE = 'RB005';
    END IF;

    -- The member, locked: known here (a member of this coast), or an away member with a signed ticket.
    SELECT s.member_id, s.home_coast, s.membership_id, s.allowed, greatest(s.discs_out, 0), s.plan_limit,
           p.daily_rate_cents, p.max_charge_cents
      INTO v_member, v_coast, v_plan_id, v_allowed, v_out, v_limit, v_rate, v_max
      FROM membershipstatus s JOIN membership p USING (membership_id)
     WHERE s.card_hash = p_card_hash
       FOR UPDATE OF s;
    v_home := FOUND;
    IF NOT v_home THEN
        IF p_ticket IS NULL THEN
            RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
        END IF;
        v_member := (p_ticket->>'member_id')::bigint;
        v_plan_id := (p_ticket->>'membership_id')::int;
        v_coast := p_ticket->>'home_coast';
        v_allowed := (p_ticket->>'allowed')::boolean;
        v_exp := to_timestamp((p_ticket->>'expires')::bigint);
        IF v_member IS NULL OR v_plan_id IS NULL OR v_coast IS NULL OR v_allowed IS NULL
           OR p_ticket->>'signature' IS NULL
           OR encode(ext.hmac(ticket_message(v_member, v_plan_id, v_coast, (p_ticket->>'discs_out')::int, v_allowed, v_exp),
                              v_key, 'sha256'), 'hex') <> p_ticket->>'signature' THEN
            RAISE EXCEPTION 'the escalation ticket is not valid' USING ERRCODE = 'RB007';
        END IF;
        IF v_exp < now() AND NOT p_offline THEN
            RAISE EXCEPTION 'the escalation ticket has expired' USING ERRCODE = 'RB007';
        END IF;
        -- What HQ saw, plus what this red box rented them since.
        PERFORM pg_advisory_xact_lock(v_member);
        SELECT p.max_discs_out, p.daily_rate_cents, p.max_charge_cents INTO v_limit, v_rate, v_max
          FROM membership p WHERE p.membership_id = v_plan_id;
        v_out := (p_ticket->>'discs_out')::int
                 + (SELECT count(*) FROM rental x WHERE x.member_id = v_member AND x.status = 'open');
    END IF;
    IF NOT v_allowed THEN
        RAISE EXCEPTION 'member % may not rent (account on hold)', v_member USING ERRCODE = 'RB002';
    END IF;

    IF p_offline THEN
        NULL;   -- the kiosk already handed the disc over within its offline allowance; overshoot is reported upstream
    ELSIF v_partition AND v_out >= least(v_limit, offline_allowance()) THEN
        RAISE EXCEPTION 'offline limit reached: % discs out (offline allowance %)', v_out,
            least(v_limit, offline_allowance()) USING ERRCODE = 'RB003';
    ELSIF v_out >= v_limit THEN
        RAISE EXCEPTION 'plan limit reached: % of % discs out', v_out, v_limit USING ERRCODE = 'RB003';
    END IF;

    v_tax := tax_on(v_rate, v_tax_bp);
    INSERT INTO rental (rental_id, member_id, member_coast, barcode, movie_id, kiosk_id, rented_at,
                        daily_rate_cents, max_charge_cents, tax_rate_bp, timezone, offline)
    VALUES (p_rental_id, v_member, v_coast, p_barcode, v_movie, p_kiosk_id, p_rented_at,
            v_rate, v_max, v_tax_bp, v_tz, p_offline OR v_partition);
    UPDATE dvd SET status = 'out', slot_no = NULL, state_at = p_rented_at WHERE dvd.barcode = p_barcode;
    IF v_home THEN
        UPDATE membershipstatus SET discs_out = membershipstatus.discs_out + 1 WHERE membershipstatus.member_id = v_member;
    END IF;

    -- Paper step 3: rental, dvd and payment to the coast (which carries them to HQ);
    -- paper step 5: the membership status at the sibling red boxes. One statement, one wake-up.
    INSERT INTO outbox (event_id, kind, dest, payload)
    SELECT p_rental_id, CASE l.kind WHEN 'coast' THEN 'rental' ELSE 'member_delta' END, l.target,
           CASE l.kind
             WHEN 'coast' THEN jsonb_build_object(
                 'rental_id', p_rental_id, 'member_id', v_member, 'member_coast', v_coast, 'membership_id', v_plan_id,
                 'barcode', p_barcode, 'movie_id', v_movie, 'kiosk_id', p_kiosk_id, 'kiosk_node', v_node,
                 'kiosk_coast', v_my_coast, 'rented_at', p_rented_at, 'daily_rate_cents', v_rate,
                 'max_charge_cents', v_max, 'tax_rate_bp', v_tax_bp, 'timezone', v_tz,
                 'offline', p_offline OR v_partition, 'committed_at', clock_timestamp(),
                 'status_done', v_home AND v_coast = v_my_coast,
                 'payment', jsonb_build_object('payment_id', p_payment_id, 'amount_cents', v_rate, 'tax_cents', v_tax,
                                               'card_token', p_card_token, 'card_last4', p_card_last4,
                                               'paid_at', p_rented_at))
             ELSE jsonb_build_object('member_id', v_member, 'delta', 1)
           END
      FROM node_link l
     WHERE l.kind = 'coast' OR (l.kind = 'sibling' AND v_home AND v_coast = v_my_coast);
    PERFORM pg_notify('redbox_outbox', '*');

    RETURN QUERY SELECT p_rental_id, v_member, p_barcode, v_movie, rental_due(p_rented_at, v_tz),
                        v_rate, v_tax, v_out + 1, v_limit, v_partition, false;
END
$$;

-- A dispense that failed (jam, disc not picked): the rental is voided, the
-- member is not charged, and the disc stays (or is marked damaged).
CREATE OR REPLACE FUNCTION redbox.kiosk_void_rental(p_rental_id uuid, p_kiosk_id text, p_reason text,
                                                    p_slot_no int, p_damaged boolean DEFAULT false)
RETURNS TABLE (rental_id uuid, voided boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
    me_ node_identity := me();
BEGIN
    PERFORM need(p_kiosk_id, 'kiosk id', 20, '^[A-Z0-9-]{3,20}$');
    PERFORM need(p_reason, 'reason', 200);
    SELECT * INTO r FROM rental WHERE rental.rental_id = p_rental_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no rental %', p_rental_id USING ERRCODE = 'RB012';
    END IF;
    IF r.kiosk_id <> p_kiosk_id THEN
        RAISE EXCEPTION 'rental % was made at kiosk %', p_rental_id, r.kiosk_id USING ERRCODE = 'RB006';
    END IF;
    IF r.status = 'void' THEN
        RETURN QUERY SELECT p_rental_id, false;
        RETURN;
    END IF;
    IF r.status <> 'open' THEN
        RAISE EXCEPTION 'rental % is already closed', p_rental_id USING ERRCODE = 'RB016';
    END IF;
    IF p_slot_no IS NULL OR p_slot_no < 1 OR p_slot_no > (SELECT slot_count FROM kiosk WHERE kiosk_id = p_kiosk_id) THEN
        RAISE EXCEPTION 'slot % is not a slot of kiosk %', p_slot_no, p_kiosk_id USING ERRCODE = 'RB009';
    END IF;
    UPDATE rental SET status = 'void', returned_at = clock_timestamp(), charge_cents = 0, nights = 0
     WHERE rental.rental_id = p_rental_id;
    UPDATE dvd SET status = 'in', slot_no = p_slot_no, state_at = clock_timestamp(),
                   condition = CASE WHEN p_damaged THEN 'damaged' ELSE condition END
     WHERE barcode = r.barcode;
    IF EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id) THEN
        UPDATE membershipstatus SET discs_out = discs_out - 1 WHERE member_id = r.member_id;
    END IF;
    PERFORM enqueue(p_rental_id, 'rental_void', coast_node(),
                    jsonb_build_object('rental_id', p_rental_id, 'reason', p_reason, 'damaged', p_damaged,
                                       'kiosk_id', p_kiosk_id, 'slot_no', p_slot_no,
                                       'member_id', r.member_id, 'member_coast', r.member_coast,
                                       'status_done', r.member_coast = me_.coast
                                           AND EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id),
                                       'at', clock_timestamp()));
    IF r.member_coast = me_.coast AND EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id) THEN
        PERFORM enqueue_kind(p_rental_id, 'member_delta_void', 'sibling',
                             jsonb_build_object('member_id', r.member_id, 'delta', -1));
    END IF;
    RETURN QUERY SELECT p_rental_id, true;
END
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_return(
    p_return_id   uuid,
    p_kiosk_id    text,
    p_barcode     text,
    p_returned_at timestamptz,
    p_slot_no     int)
RETURNS TABLE (return_id uuid, rental_id uuid, movie_id int, title text, foreign_disc boolean, nights int,
               charge_cents int, late_cents int, late_tax_cents int, kept boolean, replayed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    me_      node_identity;
    k        kiosk;
    d        dvd;
    r        rental;
    lr       local_return;
    v_movie  int;
    v_title  text;
    v_nights int;
    v_total  int;
    v_late   int;
    v_tax    int;
    v_kept   boolean;
    v_payload jsonb;
    v_home   boolean;
BEGIN
    IF p_return_id IS NULL THEN
        RAISE EXCEPTION 'return id is required' USING ERRCODE = '22023';
    END IF;
    PERFORM need(p_kiosk_id, 'kiosk id', 20, '^[A-Z0-9-]{3,20}$');
    PERFORM need_barcode(p_barcode);
    PERFORM need_kiosk_time(p_returned_at, 'returned at');

    SELECT * INTO lr FROM local_return WHERE local_return.return_id = p_return_id;
    IF FOUND THEN
        IF lr.barcode <> p_barcode THEN
            RAISE EXCEPTION 'return id % was already used for another disc', p_return_id USING ERRCODE = 'RB006';
        END IF;
        RETURN QUERY SELECT lr.return_id, lr.rental_id, barcode_movie(lr.barcode),
                            (SELECT m.title::text FROM movie m WHERE m.movie_id = barcode_movie(lr.barcode)),
                            lr.rental_id IS NULL, lr.nights, lr.charge_cents, lr.late_cents,
                            (SELECT tax_on(lr.late_cents, x.tax_rate_bp) FROM rental x WHERE x.rental_id = lr.rental_id),
                            (SELECT x.status = 'kept' FROM rental x WHERE x.rental_id = lr.rental_id), true;
        RETURN;
    END IF;

    me_ := me();
    SELECT * INTO k FROM kiosk WHERE kiosk.kiosk_id = p_kiosk_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kiosk % is not served by red box %', p_kiosk_id, me_.node_name USING ERRCODE = 'RB008';
    END IF;
    IF p_slot_no IS NULL OR p_slot_no < 1 OR p_slot_no > k.slot_count THEN
        RAISE EXCEPTION 'slot % is not a slot of kiosk %', p_slot_no, p_kiosk_id USING ERRCODE = 'RB009';
    END IF;
    v_movie := barcode_movie(p_barcode);
    SELECT m.title INTO v_title FROM movie m WHERE m.movie_id = v_movie;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'barcode % names no title in our catalog', p_barcode USING ERRCODE = 'RB004';
    END IF;
    IF EXISTS (SELECT 1 FROM dvd x WHERE x.kiosk_id = p_kiosk_id AND x.slot_no = p_slot_no) THEN
        RAISE EXCEPTION 'slot % of kiosk % is occupied', p_slot_no, p_kiosk_id USING ERRCODE = 'RB009';
    END IF;

    SELECT * INTO d FROM dvd WHERE dvd.barcode = p_barcode FOR UPDATE;
    IF FOUND AND d.status = 'in' THEN
        RAISE EXCEPTION 'disc % is already in kiosk % (slot %)', p_barcode, d.kiosk_id, d.slot_no USING ERRCODE = 'RB010';
    END IF;
    IF FOUND AND d.status = 'sold' THEN
        RAISE EXCEPTION 'disc % was sold to its renter; it is theirs to keep', p_barcode USING ERRCODE = 'RB011';
    END IF;

    SELECT * INTO r FROM rental WHERE rental.barcode = p_barcode AND rental.status = 'open' FOR UPDATE;
    IF FOUND THEN
        IF p_returned_at < r.rented_at THEN
            RAISE EXCEPTION 'returned at % is before the rental (%)', p_returned_at, r.rented_at USING ERRCODE = '22023';
        END IF;
        -- Rented from this red box: close it here and now.
        v_nights := rental_nights(r.rented_at, p_returned_at, r.timezone);
        v_total := rental_total(v_nights, r.daily_rate_cents, r.max_charge_cents);
        v_kept := rental_kept(v_nights, r.daily_rate_cents, r.max_charge_cents);
        v_late := v_total - r.daily_rate_cents;
        v_tax := tax_on(v_late, r.tax_rate_bp);
        UPDATE rental SET status = 'returned', return_id = p_return_id, returned_at = p_returned_at,
                          nights = v_nights, charge_cents = v_total
         WHERE rental.rental_id = r.rental_id;
        v_home := EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id);
        IF v_home THEN
            UPDATE membershipstatus SET discs_out = discs_out - 1 WHERE member_id = r.member_id;
        END IF;
        v_payload := jsonb_build_object(
            'return_id', p_return_id, 'resolved', true, 'rental_id', r.rental_id, 'barcode', p_barcode,
            'member_id', r.member_id, 'member_coast', r.member_coast,
            'kiosk_id', p_kiosk_id, 'kiosk_node', me_.node_name, 'kiosk_coast', me_.coast,
            'returned_at', p_returned_at, 'slot_no', p_slot_no, 'nights', v_nights, 'charge_cents', v_total,
            'late_cents', v_late, 'late_tax_cents', v_tax, 'kept', v_kept,
            'status_done', v_home AND r.member_coast = me_.coast);
    ELSE
        -- Rented elsewhere: the disc joins this kiosk now; its rental is closed upstream.
        v_payload := jsonb_build_object(
            'return_id', p_return_id, 'resolved', false, 'barcode', p_barcode,
            'kiosk_id', p_kiosk_id, 'kiosk_node', me_.node_name, 'kiosk_coast', me_.coast,
            'returned_at', p_returned_at, 'slot_no', p_slot_no, 'status_done', false);
    END IF;

    INSERT INTO dvd (barcode, movie_id, kiosk_id, slot_no, status, state_at)
    VALUES (p_barcode, v_movie, p_kiosk_id, p_slot_no, 'in', p_returned_at)
    ON CONFLICT (barcode) DO UPDATE SET kiosk_id = EXCLUDED.kiosk_id, slot_no = EXCLUDED.slot_no,
                                        status = 'in', state_at = EXCLUDED.state_at;
    INSERT INTO local_return (return_id, barcode, kiosk_id, slot_no, returned_at, rental_id, nights,
                              charge_cents, late_cents)
    VALUES (p_return_id, p_barcode, p_kiosk_id, p_slot_no, p_returned_at, r.rental_id, v_nights, v_total, v_late);

    INSERT INTO outbox (event_id, kind, dest, payload)
    SELECT p_return_id, CASE l.kind WHEN 'coast' THEN 'return' ELSE 'member_delta' END, l.target,
           CASE l.kind WHEN 'coast' THEN v_payload ELSE jsonb_build_object('member_id', r.member_id, 'delta', -1) END
      FROM node_link l
     WHERE l.kind = 'coast' OR (l.kind = 'sibling' AND (v_payload->>'status_done')::boolean);
    PERFORM pg_notify('redbox_outbox', '*');

    RETURN QUERY SELECT p_return_id, r.rental_id, v_movie, v_title::text, r.rental_id IS NULL, v_nights, v_total,
                        v_late, v_tax, v_kept, false;
END
$$;

-- In-doubt resolution: did the rental (or return) with this id commit?
CREATE OR REPLACE FUNCTION redbox.kiosk_rental_status(p_rental_id uuid)
RETURNS TABLE (rental_id uuid, status text, barcode text, member_id bigint, rented_at timestamptz)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT rental_id, status, barcode::text, member_id, rented_at FROM rental WHERE rental_id = p_rental_id;
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_return_status(p_return_id uuid)
RETURNS TABLE (return_id uuid, barcode text, rental_id uuid, charge_cents int)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT return_id, barcode::text, rental_id, charge_cents FROM local_return WHERE return_id = p_return_id;
$$;

-- Link health for the kiosk's status banner and the technician's screen.
DROP FUNCTION IF EXISTS redbox.kiosk_health();
CREATE OR REPLACE FUNCTION redbox.kiosk_health()
RETURNS TABLE (node_name text, in_recovery boolean, coast_partitioned boolean, pending_hops bigint,
               oldest_pending timestamptz, parked_hops bigint, standby_streaming boolean)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT (me()).node_name, pg_is_in_recovery(), coast_partitioned(),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL),
           EXISTS (SELECT 1 FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum'));
$$;

-- An e-mailed receipt: the red box holds no e-mail address, so it sends the
-- receipt's lines to the member's coast (via HQ for an away member), whose
-- mail queue holds the address on file. "sent" once the coast has it.
CREATE OR REPLACE FUNCTION redbox.kiosk_email_receipt(p_receipt_id uuid, p_kiosk_id text, p_rental_ids uuid[],
                                                      p_return_id uuid DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    v_member bigint;
    v_coast text;
    v_lines jsonb;
BEGIN
    IF p_receipt_id IS NULL THEN
        RAISE EXCEPTION 'receipt id is required' USING ERRCODE = '22023';
    END IF;
    PERFORM need(p_kiosk_id, 'kiosk id', 20, '^[A-Z0-9-]{3,20}$');
    IF coalesce(array_length(p_rental_ids, 1), 0) > 20 THEN
        RAISE EXCEPTION 'at most 20 rentals on a receipt' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM outbox WHERE event_id = p_receipt_id AND kind = 'receipt') THEN
        RETURN 'queued';
    END IF;
    SELECT min(r.member_id), min(r.member_coast),
           jsonb_agg(jsonb_build_object('rental_id', r.rental_id, 'title', m.title, 'barcode', r.barcode,
                                        'rented_at', r.rented_at, 'due_at', rental_due(r.rented_at, r.timezone),
                                        'amount_cents', r.daily_rate_cents,
                                        'tax_cents', tax_on(r.daily_rate_cents, r.tax_rate_bp),
                                        'status', r.status, 'charge_cents', r.charge_cents) ORDER BY r.rented_at)
      INTO v_member, v_coast, v_lines
      FROM rental r JOIN movie m ON m.movie_id = r.movie_id
     WHERE r.kiosk_id = p_kiosk_id
       AND (r.rental_id = ANY (coalesce(p_rental_ids, '{}')) OR (p_return_id IS NOT NULL AND r.return_id = p_return_id));
    IF v_member IS NULL THEN
        RAISE EXCEPTION 'no rental or return of this kiosk matches the receipt' USING ERRCODE = 'RB012';
    END IF;
    PERFORM enqueue(p_receipt_id, 'receipt', coast_node(),
                    jsonb_build_object('receipt_id', p_receipt_id, 'member_id', v_member, 'member_coast', v_coast,
                                       'kiosk_id', p_kiosk_id, 'lines', v_lines, 'made_at', clock_timestamp()));
    RETURN 'queued';
END
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_receipt_status(p_receipt_id uuid)
RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT CASE WHEN o.hop_id IS NULL THEN 'unknown'
                WHEN o.delivered_at IS NOT NULL THEN 'sent'
                WHEN o.parked_at IS NOT NULL THEN 'failed'
                ELSE 'queued' END
      FROM (SELECT 1) one LEFT JOIN outbox o ON o.event_id = p_receipt_id AND o.kind = 'receipt';
$$;
