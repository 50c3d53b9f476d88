-- The ledger HQ and the coast servers share: recording rentals and payments,
-- voids, and closing a rental when its disc comes back. Every step is
-- idempotent on the rental or return id, and a step that finds the work done
-- (or a newer fact already recorded) changes nothing.

-- Move a disc's recorded state forward; an older event never overwrites a newer one.
CREATE OR REPLACE FUNCTION redbox.set_dvd(p_barcode text, p_movie int, p_kiosk text, p_slot int, p_status text,
                                          p_at timestamptz, p_insert boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    IF p_insert THEN
        INSERT INTO dvd (barcode, movie_id, kiosk_id, slot_no, status, state_at)
        VALUES (p_barcode, p_movie, p_kiosk, p_slot, p_status, p_at)
        ON CONFLICT (barcode) DO UPDATE
           SET kiosk_id = EXCLUDED.kiosk_id, slot_no = EXCLUDED.slot_no, status = EXCLUDED.status,
               state_at = EXCLUDED.state_at
         WHERE dvd.state_at <= EXCLUDED.state_at;
    ELSE
        UPDATE dvd SET kiosk_id = p_kiosk, slot_no = p_slot, status = p_status, state_at = p_at
         WHERE barcode = p_barcode AND state_at <= p_at;
    END IF;
END
$$;

-- A void's word on its disc's condition (suspect after a dispense that was
-- tried, damaged), taken if the void is still the disc's latest state. A
-- void from a red box that says nothing leaves the condition alone.
CREATE OR REPLACE FUNCTION redbox.set_void_condition(p_barcode text, p jsonb) RETURNS void
LANGUAGE sql SET search_path = redbox, pg_temp AS $$
    UPDATE dvd SET condition = p->>'condition'
     WHERE barcode = p_barcode AND p->>'condition' IN ('good', 'suspect', 'damaged')
       AND state_at = (p->>'at')::timestamptz;
$$;

-- Record a rental and its first night's payment; true when it was new here.
CREATE OR REPLACE FUNCTION redbox.record_rental(p jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    pay jsonb := p->'payment';
BEGIN
    INSERT INTO rental (rental_id, member_id, member_coast, barcode, movie_id, kiosk_id, kiosk_node, kiosk_coast,
                        rented_at, daily_rate_cents, max_charge_cents, tax_rate_bp, timezone, offline, committed_at,
                        discount_cents, promo_code, promo_grant, purchase, max_nights)
    VALUES ((p->>'rental_id')::uuid, (p->>'member_id')::bigint, p->>'member_coast', p->>'barcode',
            (p->>'movie_id')::int, p->>'kiosk_id', p->>'kiosk_node', p->>'kiosk_coast',
            (p->>'rented_at')::timestamptz, (p->>'daily_rate_cents')::int, (p->>'max_charge_cents')::int,
            (p->>'tax_rate_bp')::int, p->>'timezone', (p->>'offline')::boolean, (p->>'committed_at')::timestamptz,
            coalesce((p->>'discount_cents')::int, 0), p->>'promo_code', (p->>'promo_grant')::uuid,
            coalesce((p->>'purchase')::boolean, false), coalesce((p->>'max_nights')::int, max_rental_nights()))
    ON CONFLICT (rental_id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO payment (payment_id, rental_id, member_id, kind, amount_cents, tax_cents, card_token, card_last4, paid_at)
    VALUES ((pay->>'payment_id')::uuid, (p->>'rental_id')::uuid, (p->>'member_id')::bigint, 'night',
            (pay->>'amount_cents')::int, (pay->>'tax_cents')::int, pay->>'card_token', pay->>'card_last4',
            (pay->>'paid_at')::timestamptz)
    ON CONFLICT (payment_id) DO NOTHING;
    RETURN true;
END
$$;

-- A failed dispense: the rental and its payment no longer count. True when it was open here.
CREATE OR REPLACE FUNCTION redbox.void_rental(p jsonb) RETURNS rental
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
BEGIN
    UPDATE rental SET status = 'void', returned_at = (p->>'at')::timestamptz, nights = 0, charge_cents = 0
     WHERE rental_id = (p->>'rental_id')::uuid AND status = 'open'
     RETURNING * INTO r;
    IF FOUND THEN
        UPDATE payment SET voided = true WHERE rental_id = r.rental_id;
    END IF;
    RETURN r;
END
$$;

-- For a return that did not know its rental: find the open rental of that
-- disc rented before it came back, and price the return.
CREATE OR REPLACE FUNCTION redbox.resolve_return(p jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
    v_nights int;
    v_total int;
    v_late int;
BEGIN
    SELECT * INTO r FROM rental
     WHERE barcode = p->>'barcode' AND status = 'open' AND rented_at <= (p->>'returned_at')::timestamptz
     ORDER BY rented_at DESC LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v_nights := rental_nights(r.rented_at, (p->>'returned_at')::timestamptz, r.timezone);
    v_total := rental_total(v_nights, r.daily_rate_cents, r.max_charge_cents);
    v_late := v_total - r.daily_rate_cents;
    RETURN p || jsonb_build_object('resolved', true, 'rental_id', r.rental_id, 'member_id', r.member_id,
                                   'member_coast', r.member_coast, 'nights', v_nights, 'charge_cents', v_total,
                                   'late_cents', v_late, 'late_tax_cents', tax_on(v_late, r.tax_rate_bp),
                                   'kept', rental_kept(v_nights, r.daily_rate_cents, r.max_charge_cents),
                                   'status_done', false);
END
$$;

-- Close a rental with a priced return; charges the late days to the card
-- that paid the first night. Returns the rental when it was open here.
CREATE OR REPLACE FUNCTION redbox.close_rental(p jsonb) RETURNS rental
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
    night payment;
BEGIN
    -- A return without a slot is the red box closing a rental whose disc was kept.
    UPDATE rental SET status = CASE WHEN p->>'slot_no' IS NULL THEN 'kept' ELSE 'returned' END,
                      return_id = (p->>'return_id')::uuid,
                      returned_at = (p->>'returned_at')::timestamptz, return_kiosk_id = p->>'kiosk_id',
                      nights = (p->>'nights')::int, charge_cents = (p->>'charge_cents')::int
     WHERE rental_id = (p->>'rental_id')::uuid AND status = 'open'
     RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF (p->>'late_cents')::int > 0 THEN
        SELECT * INTO night FROM payment WHERE rental_id = r.rental_id AND kind = 'night';
        INSERT INTO payment (payment_id, rental_id, member_id, kind, amount_cents, tax_cents, card_token,
                             card_last4, paid_at)
        VALUES (late_payment_id((p->>'return_id')::uuid), r.rental_id, r.member_id, 'late',
                (p->>'late_cents')::int, (p->>'late_tax_cents')::int, night.card_token, night.card_last4,
                (p->>'returned_at')::timestamptz)
        ON CONFLICT (payment_id) DO NOTHING;
    END IF;
    RETURN r;
END
$$;

-- A member's discs out, recounted from the open rentals held here; a
-- rental beyond the plan's limit is reported (only possible offline).
CREATE OR REPLACE FUNCTION redbox.refresh_member_status(p_member bigint, p_rental uuid DEFAULT NULL,
                                                        p_plan int DEFAULT NULL)
RETURNS int LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    n int;
    lim int;
BEGIN
    SELECT count(*) INTO n FROM rental WHERE member_id = p_member AND status = 'open' AND NOT purchase;
    UPDATE membershipstatus SET discs_out = n, updated_at = now() WHERE member_id = p_member;
    IF p_member >= walkup_member_id(repeat('0', 64)) THEN
        PERFORM walkup_maybe_returning(p_member);
    END IF;
    IF p_rental IS NOT NULL AND p_plan IS NOT NULL THEN
        SELECT max_discs_out INTO lim FROM membership WHERE membership_id = p_plan;
        IF n > lim THEN
            INSERT INTO limit_overshoot (rental_id, member_id, discs_out, plan_limit)
            VALUES (p_rental, p_member, n, lim) ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION redbox.coast_node_of(p_coast text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    n text;
BEGIN
    SELECT target INTO n FROM node_link WHERE kind = 'coast' AND target_coast = p_coast;
    IF n IS NULL THEN
        RAISE EXCEPTION 'no link to the % coast server', p_coast USING ERRCODE = 'RB500';
    END IF;
    RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION redbox.link_tier(p_node text) RETURNS text
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT target_tier FROM node_link WHERE target = p_node;
$$;

CREATE OR REPLACE FUNCTION redbox.link_coast(p_node text) RETURNS text
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT target_coast FROM node_link WHERE target = p_node;
$$;

DROP FUNCTION IF EXISTS redbox.ticket_for(bigint, int, text, int, boolean);

-- What a sender may say, checked against what this node holds. A red box (or
-- a coast, at HQ) that is taken over can send any payload it likes over its
-- own login: the kiosk must be one it serves, and money is recomputed here
-- from the plan, the kiosk's tax and time zone and the rental's own facts.

-- RB019 unless KIOSK is served by the sender (a red box: its own kiosks; a
-- coast: the kiosks of its region).
CREATE OR REPLACE FUNCTION redbox.check_sender_kiosk(p_kiosk text, p_sender peer_login) RETURNS redbox.redbox
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    k redbox;
BEGIN
    SELECT * INTO k FROM redbox WHERE kiosk_id = p_kiosk;
    IF NOT FOUND OR (p_sender.tier = 'redbox' AND k.node_name <> p_sender.node_name)
       OR (p_sender.tier = 'coast' AND k.coast <> p_sender.coast) THEN
        RAISE EXCEPTION 'kiosk % is not one that % serves', p_kiosk, p_sender.node_name USING ERRCODE = 'RB019';
    END IF;
    RETURN k;
END
$$;

-- RB021 unless a rental's prices, tax and first night's payment are what its
-- plan and its kiosk make them.
CREATE OR REPLACE FUNCTION redbox.check_rental_money(p jsonb, k redbox.redbox) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    pay jsonb := p->'payment';
    v_format text;
    v_at timestamptz := (p->>'rented_at')::timestamptz;
    now_price record;
    was_price record;
    v_off int := coalesce((p->>'discount_cents')::int, 0);
    v_purchase boolean := coalesce((p->>'purchase')::boolean, false);
    v_sell_from date;
BEGIN
    SELECT m.format, m.sell_from INTO v_format, v_sell_from FROM movie m WHERE m.movie_id = (p->>'movie_id')::int;
    -- The price in effect when it was rented (an unknown plan is refused there); or, for a
    -- red box that had not heard of a change yet (one cut off from its coast), the one in
    -- effect the day before. A purchase: its format's sale price, rate and maximum alike,
    -- of a title on sale that day (or, for a red box behind, the day after), no promo.
    IF v_purchase THEN
        SELECT s.s AS daily_rate_cents, s.s AS max_charge_cents INTO now_price
          FROM sale_price(k.coast, coalesce(v_format, 'dvd'), v_at) AS s(s);
        SELECT s.s AS daily_rate_cents, s.s AS max_charge_cents INTO was_price
          FROM sale_price(k.coast, coalesce(v_format, 'dvd'), v_at - interval '1 day') AS s(s);
        IF NOT on_sale(v_sell_from, (v_at AT TIME ZONE k.timezone)::date + 1) OR v_off <> 0 THEN
            RAISE EXCEPTION 'rental % charges a purchase of title %, which is not on sale (from %) or carries a promo',
                p->>'rental_id', p->>'movie_id', coalesce(v_sell_from::text, 'never') USING ERRCODE = 'RB021';
        END IF;
    ELSE
        SELECT * INTO now_price FROM rental_price((p->>'membership_id')::int, k.coast, coalesce(v_format, 'dvd'), v_at);
        SELECT * INTO was_price
          FROM rental_price((p->>'membership_id')::int, k.coast, coalesce(v_format, 'dvd'), v_at - interval '1 day');
    END IF;
    IF ((p->>'daily_rate_cents')::int, (p->>'max_charge_cents')::int)
           NOT IN ((now_price.daily_rate_cents, now_price.max_charge_cents),
                   (was_price.daily_rate_cents, was_price.max_charge_cents))
       OR (p->>'tax_rate_bp')::int IS DISTINCT FROM k.tax_rate_bp OR p->>'timezone' IS DISTINCT FROM k.timezone
       -- (a promo takes up to the whole first night off, never more, and only under a code)
       OR v_off < 0 OR v_off > (p->>'daily_rate_cents')::int OR (v_off > 0) IS DISTINCT FROM promo_code_ok(p->>'promo_code')
       OR (pay->>'amount_cents')::int IS DISTINCT FROM (p->>'daily_rate_cents')::int - v_off
       OR (pay->>'tax_cents')::int IS DISTINCT FROM tax_on((p->>'daily_rate_cents')::int - v_off, k.tax_rate_bp) THEN
        RAISE EXCEPTION 'rental % charges %+% cents (rate %, cap %, % off, tax % bp, %); its plan, % format and kiosk make it %+% (rate %, cap %, tax % bp, %)',
            p->>'rental_id', pay->>'amount_cents', pay->>'tax_cents', p->>'daily_rate_cents', p->>'max_charge_cents', v_off,
            p->>'tax_rate_bp', p->>'timezone', coalesce(v_format, 'dvd'), now_price.daily_rate_cents,
            tax_on(now_price.daily_rate_cents, k.tax_rate_bp), now_price.daily_rate_cents, now_price.max_charge_cents,
            k.tax_rate_bp, k.timezone USING ERRCODE = 'RB021';
    END IF;
    -- The period after which the disc is the renter's to keep is the plan's.
    IF coalesce((p->>'max_nights')::int, max_rental_nights()) IS DISTINCT FROM
       (SELECT m.max_nights FROM membership m WHERE m.membership_id = (p->>'membership_id')::int) THEN
        RAISE EXCEPTION 'rental % charges its maximum after % nights; plan % keeps a disc after %', p->>'rental_id',
            coalesce(p->>'max_nights', max_rental_nights()::text), p->>'membership_id',
            (SELECT m.max_nights FROM membership m WHERE m.membership_id = (p->>'membership_id')::int) USING ERRCODE = 'RB021';
    END IF;
END
$$;

-- RB021 unless a priced return's nights and charges are what the rental held
-- here makes them (RB012 when this node does not hold the rental).
CREATE OR REPLACE FUNCTION redbox.check_return_money(p jsonb) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
    v_at timestamptz := (p->>'returned_at')::timestamptz;
    v_nights int;
    v_total int;
    v_late int;
BEGIN
    SELECT * INTO r FROM rental WHERE rental_id = (p->>'rental_id')::uuid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'return % closes rental %, which is not known here', p->>'return_id', p->>'rental_id'
            USING ERRCODE = 'RB012';
    END IF;
    IF v_at IS NULL OR v_at < r.rented_at OR v_at > now() + interval '5 minutes' THEN
        RAISE EXCEPTION 'return % at % is outside its rental (rented at %, now %)', p->>'return_id', v_at, r.rented_at, now()
            USING ERRCODE = 'RB021';
    END IF;
    v_nights := rental_nights(r.rented_at, v_at, r.timezone);
    v_total := rental_total(v_nights, r.daily_rate_cents, r.max_charge_cents);
    v_late := v_total - r.daily_rate_cents;
    IF (p->>'nights')::int IS DISTINCT FROM v_nights OR (p->>'charge_cents')::int IS DISTINCT FROM v_total
       OR (p->>'late_cents')::int IS DISTINCT FROM v_late
       OR (p->>'late_tax_cents')::int IS DISTINCT FROM tax_on(v_late, r.tax_rate_bp)
       OR (p->>'kept')::boolean IS DISTINCT FROM rental_kept(v_nights, r.daily_rate_cents, r.max_charge_cents)
       OR (p->>'member_id')::bigint IS DISTINCT FROM r.member_id THEN
        RAISE EXCEPTION 'return % charges % cents late (% nights, % in all); rental % makes it % (% nights, % in all)',
            p->>'return_id', p->>'late_cents', p->>'nights', p->>'charge_cents', r.rental_id, v_late, v_nights, v_total
            USING ERRCODE = 'RB021';
    END IF;
END
$$;

-- RB019 unless every line of a receipt is a rental of its member at its kiosk.
CREATE OR REPLACE FUNCTION redbox.check_receipt(p jsonb) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
BEGIN
    IF jsonb_typeof(p->'lines') IS DISTINCT FROM 'array' OR jsonb_array_length(p->'lines') NOT BETWEEN 1 AND 20
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(p->'lines') l
                   WHERE NOT EXISTS (SELECT 1 FROM rental r WHERE r.rental_id = (l->>'rental_id')::uuid
                                       AND r.member_id = (p->>'member_id')::bigint AND r.kiosk_id = p->>'kiosk_id')) THEN
        RAISE EXCEPTION 'receipt % names rentals that are not member %''s at kiosk %', p->>'receipt_id', p->>'member_id',
            p->>'kiosk_id' USING ERRCODE = 'RB019';
    END IF;
END
$$;

-- RB019 unless the rental a void names was made at a kiosk the sender serves.
CREATE OR REPLACE FUNCTION redbox.check_void(p jsonb, p_sender peer_login) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
BEGIN
    SELECT * INTO r FROM rental WHERE rental_id = (p->>'rental_id')::uuid;
    IF FOUND THEN
        PERFORM check_sender_kiosk(r.kiosk_id, p_sender);
    ELSE
        PERFORM check_sender_kiosk(p->>'kiosk_id', p_sender);
    END IF;
END
$$;
