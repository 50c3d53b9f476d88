-- Rentals at a red box: a rental, its dispense report and its void (see
-- 10_kiosk.sql for who may call them). An online rental needs the ticket of
-- a PIN checked by a server (kiosk_sign_in here, or the coast or HQ for an
-- away member) and takes this server's time; an offline one, replayed from
-- the kiosk's outbox, takes the kiosk's time within bounds and must fit the
-- offline rules, or it is parked for a person (parked_claim) instead.

-- A claim the red box would not apply: kept with its reason (once per claim).
CREATE OR REPLACE FUNCTION redbox.park_claim(p_kind text, p_claim uuid, p_kiosk text, p_member bigint, p_barcode text,
                                             p_payload jsonb, p_reason text) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    INSERT INTO parked_claim (claim_id, kind, kiosk_id, member_id, barcode, payload, reason)
    VALUES (p_claim, p_kind, p_kiosk, p_member, p_barcode, p_payload, left(p_reason, 500))
    ON CONFLICT (claim_id, kind) DO NOTHING;
END
$$;

-- The rental itself, for kiosk K. Raises on every refusal. TRUSTED (an
-- operator accepting a parked claim, the paper-way benchmark) skips the
-- sign-in proof and the limits. PROMO: HQ's grant of a promo code for this
-- card and kiosk (redeem_promo), taken off this disc's first night, once.
-- PURCHASE: the disc is bought, not rented (online only, a title on sale, no
-- limit or promo): charged its format's sale price once, and closed as kept
-- when its kiosk reports it dispensed (kiosk_dispensed).
DROP FUNCTION IF EXISTS redbox.rent_core(redbox.kiosk_login, uuid, text, text, uuid, text, text, timestamptz, boolean,
                                         jsonb, boolean);
DROP FUNCTION IF EXISTS redbox.rent_core(redbox.kiosk_login, uuid, text, text, uuid, text, text, timestamptz, boolean,
                                         jsonb, boolean, jsonb);
CREATE OR REPLACE FUNCTION redbox.rent_core(
    k             kiosk_login,
    p_rental_id   uuid,
    p_card_hash   text,
    p_barcode     text,
    p_payment_id  uuid,
    p_card_token  text,
    p_card_last4  text,
    p_rented_at   timestamptz,
    p_offline     boolean,
    p_ticket      jsonb,
    p_trusted     boolean DEFAULT false,
    p_promo       jsonb DEFAULT NULL,
    p_purchase    boolean DEFAULT false)
RETURNS TABLE (rental_id uuid, member_id bigint, barcode text, movie_id int, due_at timestamptz,
               amount_cents int, tax_cents int, discs_out int, plan_limit int, offline_limited boolean,
               replayed boolean)
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
-- The customer waits on this function and its commit, so it is written for
-- few statements: one check of every argument (the detailed checks run only
-- when it fails, to name the bad one), one lookup each for the node, the
-- disc with its kiosk and title, and the member with their plan.
DECLARE
    r          rental;
    v_at       timestamptz := CASE WHEN p_offline THEN p_rented_at ELSE now() END;
    v_node     text;
    v_my_coast text;
    v_coast_node text;
    v_partition boolean;
    v_disc_kiosk text;
    v_status   text;
    v_condition text;
    v_movie    int;
    v_tz       text;
    v_tax_bp   int;
    v_window   boolean;
    v_on_sale  boolean;
    v_format   text;
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
    v_off      int := 0;
    v_nights   int;
BEGIN
    p_purchase := coalesce(p_purchase, false);
    IF p_rental_id IS NULL OR p_payment_id IS NULL THEN
        RAISE EXCEPTION 'rental id and payment id are required' USING ERRCODE = '22023';
    END IF;
    IF NOT (p_card_hash ~ '^[0-9a-f]{64}$' AND barcode_ok(p_barcode)
            AND p_card_token ~ '^tok_[A-Za-z0-9]{8,40}$' AND p_card_last4 ~ '^[0-9]{4}$'
            AND v_at BETWEEN now() - interval '60 days' AND now() + interval '5 minutes') IS TRUE THEN
        PERFORM need_card_hash(p_card_hash);
        PERFORM need_barcode(p_barcode);
        PERFORM need(p_card_token, 'card token', 44, '^tok_[A-Za-z0-9]{8,40}$');
        PERFORM need(p_card_last4, 'card last 4 digits', 4, '^[0-9]{4}$');
        PERFORM need_kiosk_time(v_at, 'rented at');
    END IF;

    -- The same call twice gives the same rental, once.
    SELECT * INTO r FROM rental WHERE rental.rental_id = p_rental_id;
    IF FOUND THEN
        IF r.barcode <> p_barcode OR r.kiosk_id <> k.kiosk_id OR r.purchase <> p_purchase THEN
            RAISE EXCEPTION 'rental id % was already used for another disc', p_rental_id USING ERRCODE = 'RB006';
        END IF;
        RETURN QUERY SELECT r.rental_id, r.member_id, r.barcode, r.movie_id, rental_due(r.rented_at, r.timezone),
                            r.daily_rate_cents - r.discount_cents, tax_on(r.daily_rate_cents - r.discount_cents, r.tax_rate_bp),
                            coalesce((SELECT greatest(x.discs_out, 0) FROM membershipstatus x WHERE x.member_id = r.member_id), 0),
                            coalesce((SELECT x.plan_limit FROM membershipstatus x WHERE x.member_id = r.member_id), 0),
                            r.offline, true;
        RETURN;
    END IF;

    -- This node, its coast link, and whether it is cut off from the coast.
    SELECT i.node_name, i.coast, l.target,
           NOT l.link_up OR coalesce((SELECT o.created_at < clock_timestamp() - interval '30 seconds'
                                        FROM outbox o WHERE o.dest = l.target AND o.delivered_at IS NULL
                                         AND o.parked_at IS NULL ORDER BY o.hop_id LIMIT 1), false)
      INTO v_node, v_my_coast, v_coast_node, v_partition
      FROM node_identity i LEFT JOIN node_link l ON l.kind = 'coast'
     WHERE i.one;
    v_partition := coalesce(v_partition, true);

    -- The disc, locked: the kiosk that holds it is its authority.
    SELECT d.kiosk_id, d.status, d.condition, d.movie_id, kk.timezone, kk.tax_rate_bp,
           (m.rent_from <= (v_at AT TIME ZONE kk.timezone)::date
            AND (m.rent_until IS NULL OR m.rent_until >= (v_at AT TIME ZONE kk.timezone)::date)), m.format,
           on_sale(m.sell_from, (v_at AT TIME ZONE kk.timezone)::date)
      INTO v_disc_kiosk, v_status, v_condition, v_movie, v_tz, v_tax_bp, v_window, v_format, v_on_sale
      FROM dvd d JOIN kiosk kk ON kk.kiosk_id = k.kiosk_id JOIN movie m ON m.movie_id = d.movie_id
     WHERE d.barcode = p_barcode
       FOR UPDATE OF d;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM kiosk WHERE kiosk_id = k.kiosk_id) THEN
            RAISE EXCEPTION 'kiosk % is not served by red box %', k.kiosk_id, v_node USING ERRCODE = 'RB008';
        END IF;
        RAISE EXCEPTION 'disc % is not in this red box', p_barcode USING ERRCODE = 'RB004';
    END IF;
    IF v_disc_kiosk <> k.kiosk_id THEN
        RAISE EXCEPTION 'disc % belongs to kiosk %, not %', p_barcode, v_disc_kiosk, k.kiosk_id USING ERRCODE = 'RB004';
    END IF;
    -- (An operator accepting a parked claim rents a disc its kiosk already handed over.)
    IF v_status <> 'in' AND NOT (p_trusted AND v_status = 'out'
                                AND NOT EXISTS (SELECT 1 FROM rental x WHERE x.barcode = p_barcode AND x.status = 'open')) THEN
        RAISE EXCEPTION 'disc % is not available (it is %)', p_barcode, v_status USING ERRCODE = 'RB005';
    END IF;
    IF v_condition <> 'good' THEN
        RAISE EXCEPTION 'disc % is marked %', p_barcode, v_condition USING ERRCODE = 'RB005';
    END IF;
    IF NOT v_window THEN
        RAISE EXCEPTION 'disc % is outside its rent-by window', p_barcode USING ERRCODE = 'RB005';
    END IF;
    IF p_purchase THEN
        IF p_offline OR p_trusted THEN
            RAISE EXCEPTION 'a disc is sold online only' USING ERRCODE = '22023';
        END IF;
        IF NOT v_on_sale THEN
            RAISE EXCEPTION 'disc % is not available for sale', p_barcode USING ERRCODE = 'RB005';
        END IF;
        IF p_promo IS NOT NULL AND p_promo <> 'null'::jsonb THEN
            RAISE EXCEPTION 'a promo code takes money off a night''s rental, not off a purchase' USING ERRCODE = 'RB023';
        END IF;
    END IF;

    -- The member, locked: known here (a member of this coast), or an away member with a signed ticket.
    SELECT s.member_id, s.home_coast, s.membership_id, s.allowed, greatest(s.discs_out, 0), s.plan_limit
      INTO v_member, v_coast, v_plan_id, v_allowed, v_out, v_limit
      FROM membershipstatus s
     WHERE s.card_hash = p_card_hash
       FOR UPDATE;
    v_home := FOUND;
    -- Proof of the sign-in: a ticket for this card at this kiosk, from a server that
    -- checked the PIN. Offline, a home member was checked by the kiosk itself.
    IF NOT p_trusted AND (NOT p_offline OR NOT v_home) THEN
        IF p_ticket IS NULL THEN
            IF v_home THEN
                RAISE EXCEPTION 'no sign-in ticket: the member''s PIN was not checked by a server' USING ERRCODE = 'RB007';
            END IF;
            RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
        END IF;
        PERFORM check_ticket(p_ticket, p_card_hash, k, p_offline);
        IF p_offline AND to_timestamp((p_ticket->>'expires')::bigint) + interval '5 minutes' < v_at THEN
            RAISE EXCEPTION 'the ticket had expired when the offline rental was made' USING ERRCODE = 'RB007';
        END IF;
        IF v_home AND (p_ticket->>'member_id')::bigint IS DISTINCT FROM v_member THEN
            RAISE EXCEPTION 'the sign-in ticket names another member' USING ERRCODE = 'RB007';
        END IF;
    END IF;
    IF NOT v_home THEN
        IF p_ticket IS NULL THEN
            RAISE EXCEPTION 'this card is not known at this red box' USING ERRCODE = 'RB001';
        END IF;
        v_member := (p_ticket->>'member_id')::bigint;
        v_plan_id := (p_ticket->>'membership_id')::int;
        v_coast := p_ticket->>'home_coast';
        v_allowed := (p_ticket->>'allowed')::boolean;
        -- What HQ saw, plus what this red box rented them since.
        PERFORM pg_advisory_xact_lock(v_member);
        SELECT p.max_discs_out INTO v_limit FROM membership p WHERE p.membership_id = v_plan_id;
        IF v_limit IS NULL THEN
            RAISE EXCEPTION 'the ticket names no plan of this network' USING ERRCODE = 'RB007';
        END IF;
        v_out := (p_ticket->>'discs_out')::int
                 + (SELECT count(*) FROM rental x WHERE x.member_id = v_member AND x.status = 'open');
    END IF;
    IF p_offline AND NOT p_trusted AND is_walkup_plan(v_plan_id) THEN
        -- Its billing ZIP is checked online, with the first night's authorization.
        RAISE EXCEPTION 'a walk-up card rents online only, on a server''s sign-in ticket' USING ERRCODE = 'RB007';
    END IF;
    IF NOT p_trusted THEN
        IF NOT v_allowed THEN
            RAISE EXCEPTION 'member % may not rent (account on hold)', v_member USING ERRCODE = 'RB002';
        END IF;
        IF p_purchase THEN
            NULL;   -- a disc bought is the buyer's: no plan limit counts it
        ELSIF p_offline AND v_out >= least(v_limit, offline_allowance()) THEN
            -- The kiosk rents offline only within the allowance; this claim does not fit it.
            RAISE EXCEPTION 'offline claim beyond the offline limit: % discs out (allowance %)', v_out,
                least(v_limit, offline_allowance()) USING ERRCODE = 'RB003';
        ELSIF v_partition AND v_out >= least(v_limit, offline_allowance()) THEN
            RAISE EXCEPTION 'offline limit reached: % discs out (offline allowance %)', v_out,
                least(v_limit, offline_allowance()) USING ERRCODE = 'RB003';
        ELSIF v_out >= v_limit THEN
            RAISE EXCEPTION 'plan limit reached: % of % discs out', v_out, v_limit USING ERRCODE = 'RB003';
        END IF;
    END IF;

    -- The plan's night and maximum, plus this title's format's extras in this region;
    -- a purchase costs its format's sale price here, once.
    -- (The plan also says after how many nights the disc is the renter's to keep.)
    SELECT p.max_nights INTO v_nights FROM membership p WHERE p.membership_id = v_plan_id;
    IF p_purchase THEN
        v_rate := sale_price(v_my_coast, v_format, v_at);
        v_max := v_rate;
    ELSE
        SELECT rp.daily_rate_cents, rp.max_charge_cents INTO v_rate, v_max
          FROM rental_price(v_plan_id, v_my_coast, v_format, v_at) rp;
    END IF;
    -- A promo: HQ's signed grant, valid when the rental was made, used by this rental only.
    -- (A JSON null, as a parked claim keeps "no promo", is none.)
    IF p_promo IS NOT NULL AND p_promo <> 'null'::jsonb THEN
        PERFORM check_promo_grant(p_promo, p_card_hash, k, v_at);
        INSERT INTO promo_use (grant_id, rental_id, code, card_hash)
        VALUES ((p_promo->>'grant')::uuid, p_rental_id, p_promo->>'code', p_card_hash)
        ON CONFLICT (grant_id) DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'the promo grant was already used for another disc' USING ERRCODE = 'RB023';
        END IF;
        v_off := least(v_rate, (p_promo->>'cents_off')::int);
    END IF;
    v_tax := tax_on(v_rate - v_off, v_tax_bp);
    INSERT INTO rental (rental_id, member_id, member_coast, barcode, movie_id, kiosk_id, rented_at,
                        daily_rate_cents, max_charge_cents, tax_rate_bp, timezone, offline,
                        discount_cents, promo_code, promo_grant, purchase, max_nights)
    VALUES (p_rental_id, v_member, v_coast, p_barcode, v_movie, k.kiosk_id, v_at,
            v_rate, v_max, v_tax_bp, v_tz, p_offline OR v_partition,
            v_off, CASE WHEN v_off > 0 THEN p_promo->>'code' END, CASE WHEN v_off > 0 THEN (p_promo->>'grant')::uuid END,
            p_purchase, coalesce(v_nights, max_rental_nights()));
    UPDATE dvd SET status = 'out', slot_no = NULL, state_at = v_at WHERE dvd.barcode = p_barcode;
    -- (A purchase is not a disc out: no count changes for it, here or anywhere.)
    IF v_home AND NOT p_purchase THEN
        UPDATE membershipstatus SET discs_out = membershipstatus.discs_out + 1 WHERE membershipstatus.member_id = v_member;
    END IF;

    -- Paper step 3: rental, dvd and payment to the coast (which carries them to HQ);
    -- paper step 5: the membership status at the sibling red boxes. One statement, one wake-up.
    INSERT INTO outbox (event_id, kind, dest, payload)
    SELECT p_rental_id, CASE l.kind WHEN 'coast' THEN 'rental' ELSE 'member_delta' END, l.target,
           CASE l.kind
             WHEN 'coast' THEN jsonb_build_object(
                 'rental_id', p_rental_id, 'member_id', v_member, 'member_coast', v_coast, 'membership_id', v_plan_id,
                 'barcode', p_barcode, 'movie_id', v_movie, 'kiosk_id', k.kiosk_id, 'kiosk_node', v_node,
                 'kiosk_coast', v_my_coast, 'rented_at', v_at, 'daily_rate_cents', v_rate,
                 'max_charge_cents', v_max, 'tax_rate_bp', v_tax_bp, 'timezone', v_tz,
                 'offline', p_offline OR v_partition, 'committed_at', clock_timestamp(),
                 'status_done', (v_home AND v_coast = v_my_coast) OR p_purchase,
                 'card_hash', CASE WHEN is_walkup_plan(v_plan_id) THEN p_card_hash END,
                 'discount_cents', v_off, 'promo_code', CASE WHEN v_off > 0 THEN p_promo->>'code' END,
                 'promo_grant', CASE WHEN v_off > 0 THEN p_promo->>'grant' END,
                 'purchase', p_purchase, 'max_nights', coalesce(v_nights, max_rental_nights()),
                 'payment', jsonb_build_object('payment_id', p_payment_id, 'amount_cents', v_rate - v_off, 'tax_cents', v_tax,
                                               'card_token', p_card_token, 'card_last4', p_card_last4,
                                               'paid_at', v_at))
             ELSE jsonb_build_object('member_id', v_member, 'delta', 1)
           END
      FROM node_link l
     WHERE l.kind = 'coast' OR (l.kind = 'sibling' AND v_home AND v_coast = v_my_coast AND NOT p_purchase);
    PERFORM pg_notify('redbox_outbox', '*');

    RETURN QUERY SELECT p_rental_id, v_member, p_barcode, v_movie, rental_due(v_at, v_tz),
                        v_rate - v_off, v_tax, v_out + CASE WHEN p_purchase THEN 0 ELSE 1 END, v_limit, v_partition, false;
END
$$;

-- A rental at the session's kiosk. OUTCOME: rented, or (a replayed offline
-- rental the red box would not apply: over the offline allowance, an account
-- on hold, a disc or ticket that does not check out) parked, with NOTE saying
-- why; the disc is then recorded out (the kiosk handed it over) and the claim
-- waits for an operator (review_claim).
CREATE OR REPLACE FUNCTION redbox.kiosk_rent(
    p_rental_id   uuid,
    p_card_hash   text,
    p_barcode     text,
    p_payment_id  uuid,
    p_card_token  text,
    p_card_last4  text,
    p_rented_at   timestamptz,              -- the kiosk's time; only an offline rental uses it
    p_offline     boolean DEFAULT false,    -- replayed from the kiosk's offline outbox
    p_ticket      jsonb DEFAULT NULL,       -- the sign-in ticket (kiosk_sign_in, or escalation)
    p_promo       jsonb DEFAULT NULL)       -- a promo grant from HQ for this disc (redeem_promo)
RETURNS TABLE (outcome text, rental_id uuid, member_id bigint, barcode text, movie_id int, due_at timestamptz,
               amount_cents int, tax_cents int, discs_out int, plan_limit int, offline_limited boolean,
               replayed boolean, note text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    c record;
    v_state text;
    v_msg text;
BEGIN
    IF p_offline IS NULL OR NOT p_offline THEN
        RETURN QUERY SELECT 'rented'::text, x.*, NULL::text
                       FROM rent_core(k, p_rental_id, p_card_hash, p_barcode, p_payment_id, p_card_token, p_card_last4,
                                      p_rented_at, false, p_ticket, false, p_promo) x;
        RETURN;
    END IF;
    SELECT * INTO c FROM parked_claim pc WHERE pc.claim_id = p_rental_id AND pc.kind = 'rental' AND pc.kiosk_id = k.kiosk_id;
    IF FOUND THEN
        RETURN QUERY SELECT 'parked'::text, p_rental_id, c.member_id, c.barcode, NULL::int, NULL::timestamptz, NULL::int,
                            NULL::int, NULL::int, NULL::int, NULL::boolean, true, c.reason;
        RETURN;
    END IF;
    BEGIN
        SELECT * INTO c FROM rent_core(k, p_rental_id, p_card_hash, p_barcode, p_payment_id, p_card_token, p_card_last4,
                                       p_rented_at, true, p_ticket, false, p_promo);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
        IF v_state NOT LIKE 'RB%' THEN
            RAISE;   -- bad input or a fault: the kiosk keeps (or parks) its outbox entry
        END IF;
        PERFORM park_claim('rental', p_rental_id, k.kiosk_id,
                           (SELECT s.member_id FROM membershipstatus s WHERE s.card_hash = p_card_hash), p_barcode,
                           jsonb_build_object('card_hash', p_card_hash, 'barcode', p_barcode, 'payment_id', p_payment_id,
                                              'card_token', p_card_token, 'card_last4', p_card_last4,
                                              'rented_at', p_rented_at, 'ticket', p_ticket, 'promo', p_promo),
                           v_state || ': ' || v_msg);
        -- The disc left the kiosk (it says so): not offered to anyone else meanwhile.
        UPDATE dvd SET status = 'out', slot_no = NULL, state_at = p_rented_at
         WHERE dvd.barcode = p_barcode AND dvd.kiosk_id = k.kiosk_id AND dvd.status = 'in';
        RETURN QUERY SELECT 'parked'::text, p_rental_id, NULL::bigint, p_barcode, NULL::int, NULL::timestamptz, NULL::int,
                            NULL::int, NULL::int, NULL::int, NULL::boolean, false, v_state || ': ' || v_msg;
        RETURN;
    END;
    RETURN QUERY SELECT 'rented'::text, c.rental_id, c.member_id, c.barcode, c.movie_id, c.due_at, c.amount_cents,
                        c.tax_cents, c.discs_out, c.plan_limit, c.offline_limited, c.replayed, NULL::text;
END
$$;

-- A disc bought ("previously viewed") at the session's kiosk, online only:
-- the same answer as kiosk_rent's (outcome rented). The sale is final when
-- the kiosk reports the disc dispensed; a failed dispense voids it.
CREATE OR REPLACE FUNCTION redbox.kiosk_buy(
    p_rental_id   uuid,
    p_card_hash   text,
    p_barcode     text,
    p_payment_id  uuid,
    p_card_token  text,
    p_card_last4  text,
    p_ticket      jsonb)
RETURNS TABLE (outcome text, rental_id uuid, member_id bigint, barcode text, movie_id int, due_at timestamptz,
               amount_cents int, tax_cents int, discs_out int, plan_limit int, offline_limited boolean,
               replayed boolean, note text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
BEGIN
    RETURN QUERY SELECT 'rented'::text, x.*, NULL::text
                   FROM rent_core(k, p_rental_id, p_card_hash, p_barcode, p_payment_id, p_card_token, p_card_last4,
                                  now(), false, p_ticket, false, NULL, true) x;
END
$$;

-- The kiosk saw the disc leave its slot: from now on the rental cannot be
-- voided, and a purchase is final (closed as kept, its charge captured).
CREATE OR REPLACE FUNCTION redbox.kiosk_dispensed(p_rental_id uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    r rental;
BEGIN
    UPDATE rental SET dispensed_at = coalesce(dispensed_at, clock_timestamp())
     WHERE rental_id = p_rental_id AND kiosk_id = k.kiosk_id
    RETURNING * INTO r;
    IF FOUND AND r.purchase AND r.status = 'open' THEN
        PERFORM close_kept(r, greatest(r.dispensed_at, r.rented_at), 'disc_sold');
        PERFORM pg_notify('redbox_outbox', '*');
    END IF;
    IF r.rental_id IS NULL THEN
        IF EXISTS (SELECT 1 FROM parked_claim WHERE claim_id = p_rental_id AND kind = 'rental' AND kiosk_id = k.kiosk_id) THEN
            RETURN false;   -- a parked claim: the operator who reviews it sees the disc left
        END IF;
        RAISE EXCEPTION 'no rental % of kiosk %', p_rental_id, k.kiosk_id USING ERRCODE = 'RB012';
    END IF;
    RETURN true;
END
$$;

-- How long after its rental a void may come (a dispense fails within seconds;
-- an in-doubt rental's void waits in the outbox at most this long).
CREATE OR REPLACE FUNCTION redbox.void_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '30 minutes' $$;

-- A dispense that failed (jam, disc not picked): the rental is voided, the
-- member is not charged, and the disc stays (marked damaged, or suspect when
-- the dispense was tried: not rented until a technician has looked). Only the
-- kiosk's own rental, within the void window, whose dispense it did not
-- report; any other void is parked for a person (OUTCOME parked, NOTE why).
DROP FUNCTION IF EXISTS redbox.kiosk_void_rental(uuid, text, int, boolean);
CREATE OR REPLACE FUNCTION redbox.kiosk_void_rental(p_rental_id uuid, p_reason text, p_slot_no int,
                                                    p_damaged boolean DEFAULT false, p_suspect boolean DEFAULT false)
RETURNS TABLE (outcome text, rental_id uuid, voided boolean, note text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    r rental;
    v_why text;
BEGIN
    PERFORM need(p_reason, 'reason', 200);
    SELECT * INTO r FROM rental WHERE rental.rental_id = p_rental_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no rental %', p_rental_id USING ERRCODE = 'RB012';
    END IF;
    IF r.kiosk_id <> k.kiosk_id THEN
        RAISE EXCEPTION 'rental % was made at kiosk %', p_rental_id, r.kiosk_id USING ERRCODE = 'RB006';
    END IF;
    IF r.status = 'void' THEN
        RETURN QUERY SELECT 'voided'::text, p_rental_id, false, NULL::text;
        RETURN;
    END IF;
    IF r.status <> 'open' THEN
        RAISE EXCEPTION 'rental % is already closed', p_rental_id USING ERRCODE = 'RB016';
    END IF;
    IF p_slot_no IS NULL OR p_slot_no < 1 OR p_slot_no > (SELECT slot_count FROM kiosk WHERE kiosk_id = k.kiosk_id) THEN
        RAISE EXCEPTION 'slot % is not a slot of kiosk %', p_slot_no, k.kiosk_id USING ERRCODE = 'RB009';
    END IF;
    IF r.dispensed_at IS NOT NULL THEN
        v_why := format('void refused: the kiosk reported disc %s dispensed at %s', r.barcode, r.dispensed_at);
    ELSIF r.committed_at < clock_timestamp() - void_window() THEN
        v_why := format('void refused: the rental was made at %s, more than %s before it', r.committed_at, void_window());
    END IF;
    IF v_why IS NOT NULL THEN
        PERFORM park_claim('void', p_rental_id, k.kiosk_id, r.member_id, r.barcode,
                           jsonb_build_object('reason', p_reason, 'slot_no', p_slot_no, 'damaged', p_damaged,
                                              'suspect', p_suspect), v_why);
        RETURN QUERY SELECT 'parked'::text, p_rental_id, false, v_why;
        RETURN;
    END IF;
    PERFORM void_core(r, p_reason, p_slot_no, p_damaged, p_suspect);
    RETURN QUERY SELECT 'voided'::text, p_rental_id, true, NULL::text;
END
$$;

DROP FUNCTION IF EXISTS redbox.void_core(redbox.rental, text, int, boolean);
CREATE OR REPLACE FUNCTION redbox.void_core(r rental, p_reason text, p_slot_no int, p_damaged boolean,
                                            p_suspect boolean) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    -- (A purchase counted no disc out: nothing to give back.)
    v_home boolean := NOT r.purchase AND EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id);
    v_now timestamptz := clock_timestamp();
    v_condition text;
BEGIN
    UPDATE rental SET status = 'void', returned_at = v_now, charge_cents = 0, nights = 0
     WHERE rental.rental_id = r.rental_id;
    UPDATE dvd SET status = 'in', slot_no = p_slot_no, state_at = v_now,
                   condition = CASE WHEN p_damaged THEN 'damaged'
                                    WHEN coalesce(p_suspect, false) AND condition = 'good' THEN 'suspect'
                                    ELSE condition END
     WHERE barcode = r.barcode
    RETURNING condition INTO v_condition;
    IF v_home THEN
        UPDATE membershipstatus SET discs_out = discs_out - 1 WHERE member_id = r.member_id;
    END IF;
    PERFORM enqueue(r.rental_id, 'rental_void', coast_node(),
                    jsonb_build_object('rental_id', r.rental_id, 'reason', p_reason, 'damaged', p_damaged,
                                       'kiosk_id', r.kiosk_id, 'slot_no', p_slot_no,
                                       'member_id', r.member_id, 'member_coast', r.member_coast,
                                       'status_done', (r.member_coast = me_.coast AND v_home) OR r.purchase,
                                       'condition', v_condition, 'at', v_now));
    IF r.member_coast = me_.coast AND v_home THEN
        PERFORM enqueue_kind(r.rental_id, 'member_delta_void', 'sibling',
                             jsonb_build_object('member_id', r.member_id, 'delta', -1));
    END IF;
END
$$;

-- An operator's word on a parked claim (run as the administrator, granted to
-- no one): ACCEPT applies it as the kiosk sent it, past the offline rules; a
-- rejected rental leaves its disc recorded out for the operator to settle.
CREATE OR REPLACE FUNCTION redbox.review_claim(p_claim_id uuid, p_kind text, p_accept boolean) RETURNS text
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    c parked_claim;
    k kiosk_login;
    r rental;
BEGIN
    SELECT * INTO c FROM parked_claim WHERE claim_id = p_claim_id AND kind = p_kind FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no parked % claim %', p_kind, p_claim_id USING ERRCODE = 'RB012';
    END IF;
    IF c.resolved_at IS NOT NULL THEN
        RETURN c.resolution;
    END IF;
    IF p_accept THEN
        SELECT * INTO k FROM kiosk_login WHERE kiosk_id = c.kiosk_id;
        IF c.kind = 'rental' THEN
            PERFORM rent_core(k, c.claim_id, c.payload->>'card_hash', c.barcode, (c.payload->>'payment_id')::uuid,
                              c.payload->>'card_token', c.payload->>'card_last4', (c.payload->>'rented_at')::timestamptz,
                              true, c.payload->'ticket', true, c.payload->'promo');
        ELSE
            SELECT * INTO r FROM rental WHERE rental_id = c.claim_id FOR UPDATE;
            IF r.status = 'open' THEN
                PERFORM void_core(r, c.payload->>'reason', (c.payload->>'slot_no')::int, (c.payload->>'damaged')::boolean,
                                  coalesce((c.payload->>'suspect')::boolean, false));
            END IF;
        END IF;
    END IF;
    UPDATE parked_claim SET resolved_at = now(), resolution = CASE WHEN p_accept THEN 'accepted' ELSE 'rejected' END
     WHERE claim_id = p_claim_id AND kind = p_kind;
    RETURN CASE WHEN p_accept THEN 'accepted' ELSE 'rejected' END;
END
$$;
