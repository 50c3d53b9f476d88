-- Returns at a red box (see 10_kiosk.sql for who may call them): an online
-- return takes this server's time, an offline one (replayed from the kiosk's
-- outbox) the kiosk's time within bounds. A disc rented here is priced and
-- closed here; one rented elsewhere joins this kiosk and is closed upstream.

CREATE OR REPLACE FUNCTION redbox.kiosk_return(
    p_return_id   uuid,
    p_barcode     text,
    p_returned_at timestamptz,            -- the kiosk's time; only an offline return uses it
    p_slot_no     int,
    p_offline     boolean DEFAULT false)  -- replayed from the kiosk's offline outbox
RETURNS TABLE (return_id uuid, rental_id uuid, movie_id int, title text, foreign_disc boolean, nights int,
               charge_cents int, late_cents int, late_tax_cents int, kept boolean, replayed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    kl       kiosk_login := session_kiosk();
    v_at     timestamptz := CASE WHEN p_offline THEN p_returned_at ELSE now() END;
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
    PERFORM need_barcode(p_barcode);
    PERFORM need_kiosk_time(v_at, 'returned at');

    SELECT * INTO lr FROM local_return WHERE local_return.return_id = p_return_id;
    IF FOUND THEN
        IF lr.barcode <> p_barcode OR lr.kiosk_id <> kl.kiosk_id THEN
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
    SELECT * INTO k FROM kiosk WHERE kiosk.kiosk_id = kl.kiosk_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kiosk % is not served by red box %', kl.kiosk_id, me_.node_name USING ERRCODE = 'RB008';
    END IF;
    IF p_slot_no IS NULL OR p_slot_no < 1 OR p_slot_no > k.slot_count THEN
        RAISE EXCEPTION 'slot % is not a slot of kiosk %', p_slot_no, kl.kiosk_id USING ERRCODE = 'RB009';
    END IF;
    v_movie := barcode_movie(p_barcode);
    SELECT m.title INTO v_title FROM movie m WHERE m.movie_id = v_movie;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'barcode % names no title in our catalog', p_barcode USING ERRCODE = 'RB004';
    END IF;
    IF EXISTS (SELECT 1 FROM dvd x WHERE x.kiosk_id = kl.kiosk_id AND x.slot_no = p_slot_no) THEN
        RAISE EXCEPTION 'slot % of kiosk % is occupied', p_slot_no, kl.kiosk_id USING ERRCODE = 'RB009';
    END IF;

    SELECT * INTO d FROM dvd WHERE dvd.barcode = p_barcode FOR UPDATE;
    IF FOUND AND d.status = 'in' THEN
        RAISE EXCEPTION 'disc % is already in kiosk % (slot %)', p_barcode, d.kiosk_id, d.slot_no USING ERRCODE = 'RB010';
    END IF;
    IF FOUND AND d.status = 'sold'
       AND NOT coalesce((SELECT x.status = 'kept' AND NOT x.purchase FROM rental x WHERE x.barcode = p_barcode
                          ORDER BY x.rented_at DESC LIMIT 1), false) THEN
        RAISE EXCEPTION 'disc % was sold to its renter; it is theirs to keep', p_barcode USING ERRCODE = 'RB011';
    END IF;
    -- (A disc its renter kept, brought back after all: taken back without a charge, into stock.
    -- A disc bought here is refused above: its buyer gets it back.)

    SELECT * INTO r FROM rental WHERE rental.barcode = p_barcode AND rental.status = 'open' FOR UPDATE;
    IF FOUND THEN
        IF v_at < r.rented_at AND NOT p_offline THEN
            v_at := r.rented_at;   -- an offline rental stamped by a kiosk clock a little ahead of ours
        ELSIF v_at < r.rented_at THEN
            RAISE EXCEPTION 'returned at % is before the rental (%)', v_at, r.rented_at USING ERRCODE = '22023';
        END IF;
        -- Rented from this red box: close it here and now.
        v_nights := rental_nights(r.rented_at, v_at, r.timezone);
        v_total := rental_total(v_nights, r.daily_rate_cents, r.max_charge_cents);
        v_kept := rental_kept(v_nights, r.daily_rate_cents, r.max_charge_cents);
        v_late := v_total - r.daily_rate_cents;
        v_tax := tax_on(v_late, r.tax_rate_bp);
        UPDATE rental SET status = 'returned', return_id = p_return_id, returned_at = v_at,
                          nights = v_nights, charge_cents = v_total
         WHERE rental.rental_id = r.rental_id;
        v_home := EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id);
        IF v_home THEN
            UPDATE membershipstatus SET discs_out = discs_out - 1 WHERE member_id = r.member_id;
        END IF;
        v_payload := jsonb_build_object(
            'return_id', p_return_id, 'resolved', true, 'rental_id', r.rental_id, 'barcode', p_barcode,
            'member_id', r.member_id, 'member_coast', r.member_coast,
            'kiosk_id', kl.kiosk_id, 'kiosk_node', me_.node_name, 'kiosk_coast', me_.coast,
            'returned_at', v_at, 'slot_no', p_slot_no, 'nights', v_nights, 'charge_cents', v_total,
            'late_cents', v_late, 'late_tax_cents', v_tax, 'kept', v_kept,
            'status_done', v_home AND r.member_coast = me_.coast);
    ELSE
        -- Rented elsewhere: the disc joins this kiosk now; its rental is closed upstream.
        v_payload := jsonb_build_object(
            'return_id', p_return_id, 'resolved', false, 'barcode', p_barcode,
            'kiosk_id', kl.kiosk_id, 'kiosk_node', me_.node_name, 'kiosk_coast', me_.coast,
            'returned_at', v_at, 'slot_no', p_slot_no, 'status_done', false);
    END IF;

    INSERT INTO dvd (barcode, movie_id, kiosk_id, slot_no, status, state_at)
    VALUES (p_barcode, v_movie, kl.kiosk_id, p_slot_no, 'in', v_at)
    ON CONFLICT (barcode) DO UPDATE SET kiosk_id = EXCLUDED.kiosk_id, slot_no = EXCLUDED.slot_no,
                                        status = 'in', state_at = EXCLUDED.state_at;
    INSERT INTO local_return (return_id, barcode, kiosk_id, slot_no, returned_at, rental_id, nights,
                              charge_cents, late_cents)
    VALUES (p_return_id, p_barcode, kl.kiosk_id, p_slot_no, v_at, r.rental_id, v_nights, v_total, v_late);

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


-- Close rental R here (the red box that owns it) as kept at P_AT: charged
-- what its nights come to then (a rental past its last night: the plan's
-- maximum; a purchase: its price), the disc out of the kiosk's stock, and a
-- return hop without a slot that closes it at the coast and HQ (where the
-- member's coast charges it). Once per rental: the return's id comes from
-- the rental's. ACTION names it in the audit log (disc_kept, disc_sold).
CREATE OR REPLACE FUNCTION redbox.close_kept(r rental, p_at timestamptz, p_action text) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_      node_identity := me();
    v_nights int := rental_nights(r.rented_at, p_at, r.timezone);
    v_total  int := rental_total(v_nights, r.daily_rate_cents, r.max_charge_cents);
    v_late   int := v_total - r.daily_rate_cents;
    -- (A purchase counted no disc out: nothing to give back.)
    v_home   boolean := NOT r.purchase AND EXISTS (SELECT 1 FROM membershipstatus WHERE member_id = r.member_id);
    v_return uuid := md5('kept:' || r.rental_id)::uuid;
    v_payload jsonb;
BEGIN
    UPDATE rental SET status = 'kept', return_id = v_return, returned_at = p_at, nights = v_nights, charge_cents = v_total
     WHERE rental.rental_id = r.rental_id AND rental.status = 'open';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE dvd SET status = 'sold', slot_no = NULL, state_at = greatest(state_at, p_at)
     WHERE barcode = r.barcode AND status = 'out';
    IF v_home THEN
        UPDATE membershipstatus SET discs_out = discs_out - 1 WHERE member_id = r.member_id;
    END IF;
    v_payload := jsonb_build_object(
        'return_id', v_return, 'resolved', true, 'rental_id', r.rental_id, 'barcode', r.barcode,
        'member_id', r.member_id, 'member_coast', r.member_coast,
        'kiosk_id', r.kiosk_id, 'kiosk_node', me_.node_name, 'kiosk_coast', me_.coast,
        'returned_at', p_at, 'slot_no', NULL, 'nights', v_nights, 'charge_cents', v_total,
        'late_cents', v_late, 'late_tax_cents', tax_on(v_late, r.tax_rate_bp),
        'kept', rental_kept(v_nights, r.daily_rate_cents, r.max_charge_cents),
        'status_done', (v_home AND r.member_coast = me_.coast) OR r.purchase);
    INSERT INTO outbox (event_id, kind, dest, payload)
    SELECT v_return, CASE l.kind WHEN 'coast' THEN 'return' ELSE 'member_delta' END, l.target,
           CASE l.kind WHEN 'coast' THEN v_payload ELSE jsonb_build_object('member_id', r.member_id, 'delta', -1) END
      FROM node_link l
     WHERE l.kind = 'coast' OR (l.kind = 'sibling' AND v_home AND r.member_coast = me_.coast)
    ON CONFLICT (event_id, kind, dest) DO NOTHING;
    INSERT INTO audit_log (audit_id, at, node_name, kiosk_id, action, barcode, detail)
    VALUES (v_return, clock_timestamp(), me_.node_name, r.kiosk_id, p_action, r.barcode,
            jsonb_build_object('rental_id', r.rental_id, 'nights', v_nights, 'charge_cents', v_total))
    ON CONFLICT (audit_id) DO NOTHING;
END
$$;

-- Rentals not back after their plan's maximum period (rental.max_nights):
-- the renter keeps the disc, closed as kept at the end of its last night
-- (close_kept). Called by the forwarder every minute. (A purchase whose
-- dispense report never came ends here too, charged its price.)
CREATE OR REPLACE FUNCTION redbox.close_overdue_rentals(p_limit int DEFAULT 500) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    r        rental;
    n        int := 0;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'close_overdue_rentals: limit must be 1-10000' USING ERRCODE = '22023';
    END IF;
    FOR r IN SELECT * FROM rental x
              WHERE x.status = 'open'
                AND ((((x.rented_at AT TIME ZONE x.timezone)::date + x.max_nights) + time '21:00')
                     AT TIME ZONE x.timezone) <= now()
              ORDER BY x.rented_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        -- The end of its last night, at 9 pm at the kiosk.
        PERFORM close_kept(r, (((r.rented_at AT TIME ZONE r.timezone)::date + r.max_nights) + time '21:00')
                              AT TIME ZONE r.timezone, 'disc_kept');
        n := n + 1;
    END LOOP;
    IF n > 0 THEN
        PERFORM pg_notify('redbox_outbox', '*');
    END IF;
    RETURN n;
END
$$;
