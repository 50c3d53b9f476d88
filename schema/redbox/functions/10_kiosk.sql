-- The kiosk's entry points at its red box node (paper section 7). The kiosk
-- role may EXECUTE these and nothing else. Each call is one transaction that
-- commits here (and on the synchronous standby) together with its outbox
-- hops; the customer never waits on the coast or HQ.
--
-- Errors a kiosk shows are typed by SQLSTATE:
--   RB001 unknown member card        RB002 member not allowed to rent
--   RB003 plan (or offline) limit     RB004 disc unknown here / at another kiosk
--   RB005 disc not available          RB006 rental or return id reused differently
--   RB007 escalation ticket invalid   RB008 unknown kiosk
--   RB009 slot not usable             RB010 disc already in a kiosk
--   RB011 disc was sold (member keeps it)       RB012 not found
--   22023 / 22001 bad or oversized input

-- The offline allowance: what a red box may rent to a member while it cannot
-- reach its coast (as real kiosks did).
CREATE OR REPLACE FUNCTION redbox.offline_allowance() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 3';

-- Partitioned from the coast: the forwarder found the link down, or hops to
-- the coast have waited more than 30 s.
CREATE OR REPLACE FUNCTION redbox.coast_partitioned() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT NOT l.link_up FROM redbox.node_link l WHERE l.kind = 'coast'), true)
        OR EXISTS (SELECT 1 FROM redbox.outbox o JOIN redbox.node_link l ON l.target = o.dest AND l.kind = 'coast'
                    WHERE o.delivered_at IS NULL AND o.parked_at IS NULL
                      AND o.created_at < clock_timestamp() - interval '30 seconds');
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
DECLARE
    me_       node_identity;
    k         kiosk;
    d         dvd;
    s         membershipstatus;
    r         rental;
    plan      membership;
    v_member  bigint;
    v_coast   text;
    v_plan_id int;
    v_limit   int;
    v_out     int;
    v_home    boolean;
    v_partition boolean;
    v_amount  int;
    v_tax     int;
    v_payload jsonb;
    v_exp     timestamptz;
BEGIN
    IF p_rental_id IS NULL OR p_payment_id IS NULL THEN
        RAISE EXCEPTION 'rental id and payment id are required' USING ERRCODE = '22023';
    END IF;
    PERFORM need(p_kiosk_id, 'kiosk id', 20, '^[A-Z0-9-]{3,20}$');
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_barcode(p_barcode);
    PERFORM need(p_card_token, 'card token', 44, '^tok_[A-Za-z0-9]{8,40}$');
    PERFORM need(p_card_last4, 'card last 4 digits', 4, '^[0-9]{4}$');
    PERFORM need_kiosk_time(p_rented_at, 'rented at');

    -- The same call twice gives the same rental, once.
    SELECT * INTO r FROM rental WHERE rental.rental_id = p_rental_id;
    IF FOUND THEN
        IF r.barcode <> p_barcode OR r.kiosk_id <> p_kiosk_id THEN
            RAISE EXCEPTION 'rental id % was already used for another disc', p_rental_id USING ERRCODE = 'RB006';
        END IF;
        SELECT * INTO s FROM membershipstatus WHERE membershipstatus.member_id = r.member_id;
        RETURN QUERY SELECT r.rental_id, r.member_id, r.barcode::text, r.movie_id,
                            rental_due(r.rented_at, r.timezone), r.daily_rate_cents,
                            tax_on(r.daily_rate_cents, r.tax_rate_bp), coalesce(s.discs_out, 0),
                            coalesce(s.plan_limit, 0), r.offline, true;
        RETURN;
    END IF;

    me_ := me();
    SELECT * INTO k FROM kiosk WHERE kiosk.kiosk_id = p_kiosk_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kiosk % is not served by red box %', p_kiosk_id, me_.node_name USING ERRCODE = 'RB008';
    END IF;

    -- The disc: this kiosk is its authority.
    SELECT * INTO d FROM dvd WHERE dvd.barcode = p_barcode FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'disc % is not in this red box', p_barcode USING ERRCODE = 'RB004';
    END IF;
    IF d.kiosk_id <> p_kiosk_id THEN
        RAISE EXCEPTION 'disc % belongs to kiosk %, not %', p_barcode, d.kiosk_id, p_kiosk_id USING ERRCODE = 'RB004';
    END IF;
    IF d.status <> 'in' THEN
        RAISE EXCEPTION 'disc % is not available (it is %)', p_barcode, d.status USING ERRCODE = 'RB005';
    END IF;
    IF d.condition <> 'good' THEN
        RAISE EXCEPTION 'disc % is marked %', p_barcode, d.condition USING ERRCODE = 'RB005';
    END IF;
    IF EXISTS (SELECT 1 FROM movie m WHERE m.movie_id = d.movie_id
                 AND (m.rent_from > (p_rented_at AT TIME ZONE k.timezone)::date
                      OR m.rent_until < (p_rented_at AT TIME ZONE k.timezone)::date)) THEN
        RAISE EXCEPTION 'disc % is outside its rent-by window', p_barcode USING ERRCODE = 'RB005';
    END IF;

    v_partition := coast_partitioned();
    -- The member: known here (a member of this coast), or an away member with a signed ticket.
    SELECT * INTO s FROM membershipstatus WHERE card_hash = p_card_hash FOR UPDATE;
    IF FOUND THEN
        v_member := s.member_id; v_coast := s.home_coast; v_plan_id := s.membership_id;
        v_home := true;
        IF NOT s.allowed THEN
            RAISE EXCEPTION 'member % may not rent (account on hold)', s.member_id USING ERRCODE = 'RB002';
        END IF;
        v_out := greatest(s.discs_out, 0);
        v_limit := s.plan_limit;
    ELSIF p_ticket IS NOT NULL THEN
        v_member := (p_ticket->>'member_id')::bigint;
        v_plan_id := (p_ticket->>'membership_id')::int;
        v_coast := p_ticket->>'home_coast';
        v_exp := to_timestamp((p_ticket->>'expires')::bigint);
        IF v_member IS NULL OR v_plan_id IS NULL OR v_coast IS NULL OR p_ticket->>'signature' IS NULL
           OR encode(ext.hmac(ticket_message(v_member, v_plan_id, v_coast, (p_ticket->>'discs_out')::int,
                                             (p_ticket->>'allowed')::boolean, v_exp),
                              me_.ticket_key, 'sha256'), 'hex') <> p_ticket->>'signature' THEN
            RAISE EXCEPTION 'the escalation ticket is not valid' USING ERRCODE = 'RB007';
        END IF;
        IF v_exp < now() AND NOT p_offline THEN
            RAISE EXCEPTION 'the escalation ticket has expired' USING ERRCODE = 'RB007';
        END IF;
        IF NOT (p_ticket->>'allowed')::boolean THEN
            RAISE EXCEPTION 'member % may not rent (account on hold)', v_member USING ERRCODE = 'RB002';
        END IF;
        v_home := false;
        -- What HQ saw, plus what this red box rented them since.
        SELECT max_discs_out INTO v_limit FROM membership WHERE membership_id = v_plan_id;
        v_out := (p_ticket->>'discs_out')::int
                 + (SELECT count(*) FROM rental x WHERE x.member_id = v_member AND x.status = 'open');
        PERFORM pg_advisory_xact_lock(v_member);
    ELSE
        RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
    END IF;
    SELECT * INTO plan FROM membership WHERE membership_id = v_plan_id;

    IF p_offline THEN
        NULL;   -- the kiosk already handed the disc over within its offline allowance; overshoot is reported upstream
    ELSIF v_partition AND v_out >= least(v_limit, offline_allowance()) THEN
        RAISE EXCEPTION 'offline limit reached: % discs out (offline allowance %)', v_out,
            least(v_limit, offline_allowance()) USING ERRCODE = 'RB003';
    ELSIF v_out >= v_limit THEN
        RAISE EXCEPTION 'plan limit reached: % of % discs out', v_out, v_limit USING ERRCODE = 'RB003';
    END IF;

    v_amount := plan.daily_rate_cents;
    v_tax := tax_on(v_amount, k.tax_rate_bp);
    INSERT INTO rental (rental_id, member_id, member_coast, barcode, movie_id, kiosk_id, rented_at,
                        daily_rate_cents, max_charge_cents, tax_rate_bp, timezone, offline)
    VALUES (p_rental_id, v_member, v_coast, p_barcode, d.movie_id, p_kiosk_id, p_rented_at,
            plan.daily_rate_cents, plan.max_charge_cents, k.tax_rate_bp, k.timezone, p_offline OR v_partition);
    UPDATE dvd SET status = 'out', slot_no = NULL, state_at = p_rented_at WHERE dvd.barcode = p_barcode;
    IF v_home THEN
        UPDATE membershipstatus SET discs_out = membershipstatus.discs_out + 1
         WHERE membershipstatus.member_id = v_member;
    END IF;

    v_payload := jsonb_build_object(
        'rental_id', p_rental_id, 'member_id', v_member, 'member_coast', v_coast, 'membership_id', v_plan_id,
        'barcode', p_barcode, 'movie_id', d.movie_id, 'kiosk_id', p_kiosk_id, 'kiosk_node', me_.node_name,
        'kiosk_coast', me_.coast, 'rented_at', p_rented_at, 'daily_rate_cents', plan.daily_rate_cents,
        'max_charge_cents', plan.max_charge_cents, 'tax_rate_bp', k.tax_rate_bp, 'timezone', k.timezone,
        'offline', p_offline OR v_partition, 'committed_at', clock_timestamp(),
        'status_done', v_home AND v_coast = me_.coast,
        'payment', jsonb_build_object('payment_id', p_payment_id, 'amount_cents', v_amount, 'tax_cents', v_tax,
                                      'card_token', p_card_token, 'card_last4', p_card_last4,
                                      'paid_at', p_rented_at));
    -- Paper step 3: rental, dvd and payment to the coast (which carries them to HQ).
    PERFORM enqueue(p_rental_id, 'rental', coast_node(), v_payload);
    -- Paper step 5: the membership status at the sibling red boxes.
    IF v_home AND v_coast = me_.coast THEN
        PERFORM enqueue_kind(p_rental_id, 'member_delta', 'sibling',
                             jsonb_build_object('member_id', v_member, 'delta', 1));
    END IF;

    RETURN QUERY SELECT p_rental_id, v_member, p_barcode, d.movie_id, rental_due(p_rented_at, k.timezone),
                        v_amount, v_tax, v_out + 1, v_limit, v_partition, false;
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
        RAISE EXCEPTION 'rental % is already closed', p_rental_id USING ERRCODE = 'RB005';
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

    PERFORM enqueue(p_return_id, 'return', coast_node(), v_payload);
    IF (v_payload->>'status_done')::boolean THEN
        PERFORM enqueue_kind(p_return_id, 'member_delta', 'sibling',
                             jsonb_build_object('member_id', r.member_id, 'delta', -1));
    END IF;

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
CREATE OR REPLACE FUNCTION redbox.kiosk_health()
RETURNS TABLE (node_name text, in_recovery boolean, coast_partitioned boolean, pending_hops bigint,
               oldest_pending timestamptz, parked_hops bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT (me()).node_name, pg_is_in_recovery(), coast_partitioned(),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL),
           (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL);
$$;
