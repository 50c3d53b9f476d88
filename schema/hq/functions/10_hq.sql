-- The HQ cloud's part: every rental, return and payment of the company ends
-- here; HQ carries away members' rentals to their home coast (paper section
-- 7, second case) and prices returns that no coast could.

-- Tell the coasts a rental concerns about its priced return (all but the one
-- that already applied the price).
CREATE OR REPLACE FUNCTION redbox.hq_fan_out_return(p jsonb, r rental, p_skip_coast text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    c text;
BEGIN
    FOR c IN SELECT DISTINCT x FROM unnest(ARRAY[r.kiosk_coast, r.member_coast]) x
              WHERE x IS DISTINCT FROM p_skip_coast ORDER BY x LOOP
        PERFORM enqueue((p->>'return_id')::uuid, 'return_resolved', coast_node_of(c), p);
    END LOOP;
END
$$;

-- Which kinds HQ takes from whom: what happened at kiosks, from the coast of
-- their region. Members, the catalog and removals start here (operators), never in a hop.
CREATE OR REPLACE FUNCTION redbox.accepts_hop(p_kind text, p_sender peer_login) RETURNS boolean
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT p_sender.tier = 'coast'
       AND p_kind IN ('rental', 'rental_void', 'return', 'receipt', 'disc_state', 'audit', 'pin_attempt');
$$;

CREATE OR REPLACE FUNCTION redbox.apply_one(p_kind text, p_event uuid, p jsonb, p_source text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    sender peer_login;
    src_coast text;
    k redbox;
    q jsonb;
    r rental;
    pr pending_return;
    was_resolved boolean;
BEGIN
    SELECT * INTO sender FROM peer_login WHERE node_name = p_source;
    src_coast := sender.coast;
    -- A disc's rental and its return come from different coasts and may be
    -- applied at once: one waits for the other, so the return either finds
    -- the rental or is kept where the rental will find it.
    IF p_kind IN ('rental', 'return') THEN
        PERFORM pg_advisory_xact_lock(hashtext('redbox.disc'), hashtext(p->>'barcode'));
    END IF;
    -- What a coast says happened at a kiosk must be at a kiosk of its region.
    IF p_kind IN ('rental', 'return', 'disc_state') OR (p_kind = 'receipt' AND p->>'kiosk_id' IS NOT NULL) THEN
        k := check_sender_kiosk(p->>'kiosk_id', sender);
    END IF;
    CASE p_kind
    WHEN 'rental' THEN
        IF p->>'kiosk_node' IS DISTINCT FROM k.node_name OR p->>'kiosk_coast' IS DISTINCT FROM src_coast THEN
            RAISE EXCEPTION 'rental % says it was made at % (% coast); kiosk % is served by %', p->>'rental_id',
                p->>'kiosk_node', p->>'kiosk_coast', k.kiosk_id, k.node_name USING ERRCODE = 'RB019';
        END IF;
        PERFORM check_rental_money(p, k);
        PERFORM note_promo_use(p);
        IF is_walkup_plan((p->>'membership_id')::int) THEN
            PERFORM note_walkup(p);
        ELSIF NOT EXISTS (SELECT 1 FROM member m WHERE m.member_id = (p->>'member_id')::bigint
                          AND m.membership_id = (p->>'membership_id')::int AND m.home_coast = p->>'member_coast') THEN
            RAISE EXCEPTION 'rental % names member % (% coast, plan %), who is not one of ours on that plan',
                p->>'rental_id', p->>'member_id', p->>'member_coast', p->>'membership_id' USING ERRCODE = 'RB021';
        END IF;
        PERFORM set_dvd(p->>'barcode', (p->>'movie_id')::int, p->>'kiosk_id', NULL, 'out',
                        (p->>'rented_at')::timestamptz);
        IF record_rental(p) THEN
            PERFORM refresh_member_status((p->>'member_id')::bigint, (p->>'rental_id')::uuid,
                                          (p->>'membership_id')::int);
            IF p->>'member_coast' <> p->>'kiosk_coast' THEN
                -- Paper: "rental, dvd and payment ... in the East coast server will be updated via Head Quarters".
                PERFORM enqueue(p_event, 'rental', coast_node_of(p->>'member_coast'), p);
            END IF;
            -- A return of this disc may have come in first (hops from different kiosks travel apart).
            SELECT * INTO pr FROM pending_return
             WHERE barcode = p->>'barcode' AND returned_at >= (p->>'rented_at')::timestamptz
             ORDER BY returned_at LIMIT 1 FOR UPDATE;
            IF FOUND THEN
                q := resolve_return(jsonb_build_object('return_id', pr.return_id, 'resolved', false,
                        'barcode', pr.barcode, 'kiosk_id', pr.kiosk_id, 'kiosk_node', pr.node_name,
                        'kiosk_coast', pr.kiosk_coast, 'returned_at', pr.returned_at, 'slot_no', pr.slot_no,
                        'status_done', false));
                r := close_rental(q);
                DELETE FROM pending_return WHERE return_id = pr.return_id;
                PERFORM set_dvd(pr.barcode, barcode_movie(pr.barcode), pr.kiosk_id, pr.slot_no, 'in', pr.returned_at);
                PERFORM refresh_member_status(r.member_id);
                PERFORM hq_fan_out_return(q, r, NULL);
            END IF;
        END IF;
    WHEN 'rental_void' THEN
        PERFORM check_void(p, sender);
        r := void_rental(p);
        IF r.rental_id IS NOT NULL THEN
            PERFORM release_promo_of(r.rental_id);
            PERFORM set_dvd(r.barcode, r.movie_id, r.kiosk_id, (p->>'slot_no')::int, 'in', (p->>'at')::timestamptz);
            PERFORM set_void_condition(r.barcode, p);
            PERFORM refresh_member_status(r.member_id);
            IF r.member_coast <> r.kiosk_coast THEN
                PERFORM enqueue(p_event, 'rental_void', coast_node_of(r.member_coast), p);
            END IF;
        END IF;
    WHEN 'return' THEN
        IF p->>'kiosk_node' IS DISTINCT FROM k.node_name THEN
            RAISE EXCEPTION 'return % says it was taken at %; kiosk % is served by %', p->>'return_id', p->>'kiosk_node',
                k.kiosk_id, k.node_name USING ERRCODE = 'RB019';
        END IF;
        was_resolved := (p->>'resolved')::boolean;
        IF was_resolved THEN
            PERFORM check_return_money(p);
        END IF;
        IF NOT was_resolved THEN
            q := resolve_return(p);
            IF q IS NULL AND EXISTS (SELECT 1 FROM dvd d WHERE d.barcode = p->>'barcode' AND d.status = 'sold'
                                       AND d.state_at <= (p->>'returned_at')::timestamptz)
                          AND EXISTS (SELECT 1 FROM rental x WHERE x.barcode = p->>'barcode' AND x.status = 'kept') THEN
                -- A disc its renter kept, brought back after all: into stock, no charge.
                PERFORM set_dvd(p->>'barcode', barcode_movie(p->>'barcode'), p->>'kiosk_id', (p->>'slot_no')::int,
                                'in', (p->>'returned_at')::timestamptz);
                RETURN;
            END IF;
            IF q IS NULL THEN
                -- Its rental has not reached HQ yet: keep the return until it does.
                INSERT INTO pending_return (return_id, barcode, kiosk_id, node_name, kiosk_coast, returned_at, slot_no)
                VALUES ((p->>'return_id')::uuid, p->>'barcode', p->>'kiosk_id', p->>'kiosk_node',
                        p->>'kiosk_coast', (p->>'returned_at')::timestamptz, (p->>'slot_no')::int)
                ON CONFLICT (return_id) DO NOTHING;
                PERFORM set_dvd(p->>'barcode', barcode_movie(p->>'barcode'), p->>'kiosk_id', (p->>'slot_no')::int,
                                'in', (p->>'returned_at')::timestamptz);
                RETURN;
            END IF;
            p := q;
        END IF;
        r := close_rental(p);
        -- No slot: the renter kept the disc (sold to them); else it is in that slot now.
        PERFORM set_dvd(p->>'barcode', barcode_movie(p->>'barcode'), p->>'kiosk_id', (p->>'slot_no')::int,
                        CASE WHEN p->>'slot_no' IS NULL THEN 'sold' ELSE 'in' END, (p->>'returned_at')::timestamptz);
        IF r.rental_id IS NULL THEN
            SELECT * INTO r FROM rental WHERE rental_id = (p->>'rental_id')::uuid;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'return % closes rental %, which HQ does not have', p->>'return_id', p->>'rental_id'
                    USING ERRCODE = 'RB012';
            END IF;
        ELSE
            PERFORM refresh_member_status(r.member_id);
        END IF;
        PERFORM hq_fan_out_return(p, r, CASE WHEN was_resolved THEN src_coast END);
    WHEN 'receipt' THEN
        PERFORM check_receipt(p);
        PERFORM enqueue(p_event, 'receipt', coast_node_of(p->>'member_coast'), p);
    WHEN 'disc_state' THEN
        -- A technician loaded, unloaded or marked a disc (from the kiosk's coast).
        PERFORM set_dvd(p->>'barcode', (p->>'movie_id')::int, p->>'kiosk_id', (p->>'slot_no')::int, p->>'status',
                        (p->>'at')::timestamptz);
        UPDATE dvd SET condition = p->>'condition'
         WHERE barcode = p->>'barcode' AND state_at = (p->>'at')::timestamptz;
        IF p->>'status' = 'removed' THEN
            DELETE FROM removal_schedule WHERE barcode = p->>'barcode';
        END IF;
    WHEN 'audit' THEN
        IF p->>'kiosk_id' IS NOT NULL THEN
            PERFORM check_sender_kiosk(p->>'kiosk_id', sender);
        END IF;
        INSERT INTO audit_log (audit_id, at, node_name, kiosk_id, technician_id, action, barcode, detail)
        SELECT audit_id, at, node_name, kiosk_id, technician_id, action, barcode, detail
          FROM jsonb_populate_record(NULL::audit_log, p)
        ON CONFLICT (audit_id) DO NOTHING;
    WHEN 'pin_attempt' THEN
        PERFORM record_pin_attempt(p_event, p);
    ELSE
        RAISE EXCEPTION 'HQ cannot apply a % hop', p_kind USING ERRCODE = 'RB500';
    END CASE;
END
$$;

-- The coast a state belongs to; an unmapped state is an error, never a default.
CREATE OR REPLACE FUNCTION redbox.coast_of_state(p_state text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    c text;
BEGIN
    SELECT coast INTO c FROM state WHERE state_name = p_state;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'state % is not mapped to a coast; members there cannot be served', p_state
            USING ERRCODE = 'RB015', HINT = 'add the state to redbox.state (one coast per state) in a migration';
    END IF;
    RETURN c;
END
$$;

-- A new member: recorded at HQ, routed by state to its coast's partition
-- (which passes the membership status on to its red boxes).
CREATE OR REPLACE FUNCTION redbox.register_member(
    p_member_id bigint, p_first text, p_last text, p_initial text, p_address text, p_zipcode text,
    p_city text, p_state text, p_phone text, p_email text, p_password_hash text, p_membership_id int,
    p_card_hash text, p_card_last4 text, p_pin_hash text)
RETURNS text LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_coast text;
    v_state smallint;
    v_city bigint;
    v_zip bigint;
BEGIN
    PERFORM need(p_first, 'first name', 32);
    PERFORM need(p_last, 'last name', 32);
    PERFORM need(p_address, 'address', 100);
    PERFORM need(p_zipcode, 'zip code', 5, '^[0-9]{5}$');
    PERFORM need(p_city, 'city', 40);
    PERFORM need(p_state, 'state', 20);
    PERFORM need(p_email, 'e-mail', 64, '^[^@\s]+@[^@\s]+\.[^@\s]+$');
    PERFORM need(p_password_hash, 'password hash', 200, '^pbkdf2-sha256\$[0-9]+\$');
    PERFORM need(p_pin_hash, 'PIN hash', 200, '^pbkdf2-sha256\$[0-9]+\$');
    PERFORM need_card_hash(p_card_hash);
    PERFORM need(p_card_last4, 'card last 4 digits', 4, '^[0-9]{4}$');
    IF p_membership_id IS NULL OR is_walkup_plan(p_membership_id) THEN
        RAISE EXCEPTION 'plan % is not one a member signs up for (walk-up plans belong to cards)', p_membership_id
            USING ERRCODE = '22023';
    END IF;
    v_coast := coast_of_state(p_state);
    SELECT state_id INTO v_state FROM state WHERE state_name = p_state;
    SELECT city_id INTO v_city FROM city WHERE state_id = v_state AND city_name = p_city;
    IF NOT FOUND THEN
        INSERT INTO city (city_id, city_name, state_id)
        VALUES ((SELECT coalesce(max(city_id), 0) + 1 FROM city), p_city, v_state) RETURNING city_id INTO v_city;
    END IF;
    SELECT zipcode_id INTO v_zip FROM zipcode WHERE zipcode = p_zipcode AND city_id = v_city;
    IF NOT FOUND THEN
        INSERT INTO zipcode (zipcode_id, zipcode, city_id, state_id)
        VALUES ((SELECT coalesce(max(zipcode_id), 0) + 1 FROM zipcode), p_zipcode, v_city, v_state)
        RETURNING zipcode_id INTO v_zip;
    END IF;
    INSERT INTO member (member_id, member_first_name, member_last_name, member_initial, member_address,
                        member_address_id, member_phone, member_email, member_password_hash, membership_id,
                        member_since_date, card_hash, card_last4, pin_hash, home_coast)
    VALUES (p_member_id, p_first, p_last, p_initial, p_address, v_zip, p_phone, p_email, p_password_hash,
            p_membership_id, now(), p_card_hash, p_card_last4, p_pin_hash, v_coast);
    INSERT INTO membershipstatus (member_id) VALUES (p_member_id);
    PERFORM enqueue(gen_random_uuid(), 'member_upsert', coast_node_of(v_coast), member_row(p_member_id));
    RETURN v_coast;
END
$$;

-- A member as the coasts store them (the paper's member_partitioned row).
CREATE OR REPLACE FUNCTION redbox.member_row(p_member bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT jsonb_build_object(
        'member_id', m.member_id, 'member_first_name', m.member_first_name, 'member_last_name', m.member_last_name,
        'member_initial', m.member_initial, 'member_address', m.member_address,
        'member_address_id', m.member_address_id, 'member_phone', m.member_phone, 'member_email', m.member_email,
        'member_password_hash', m.member_password_hash, 'membership_id', m.membership_id,
        'member_since_date', m.member_since_date, 'zipcode_id', z.zipcode_id, 'zipcode', z.zipcode,
        'city_id', c.city_id, 'city_name', c.city_name, 'state_name', s.state_name, 'card_hash', m.card_hash,
        'card_last4', m.card_last4, 'pin_hash', m.pin_hash, 'allowed', ms.allowed)
      FROM member m
      JOIN zipcode z ON z.zipcode_id = m.member_address_id
      JOIN city c ON c.city_id = z.city_id
      JOIN state s ON s.state_id = z.state_id
      JOIN membershipstatus ms ON ms.member_id = m.member_id
     WHERE m.member_id = p_member;
$$;

-- Put a member's account on hold (or lift it), everywhere their status is kept.
CREATE OR REPLACE FUNCTION redbox.set_member_allowed(p_member bigint, p_allowed boolean, p_note text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_coast text;
BEGIN
    UPDATE membershipstatus SET allowed = p_allowed, status_note = p_note, updated_at = now()
     WHERE member_id = p_member;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no member %', p_member USING ERRCODE = 'RB012';
    END IF;
    SELECT home_coast INTO v_coast FROM member WHERE member_id = p_member;
    PERFORM enqueue(gen_random_uuid(), 'member_status', coast_node_of(v_coast),
                    jsonb_build_object('member_id', p_member, 'allowed', p_allowed, 'note', p_note));
END
$$;

-- Operators schedule a disc for removal (rotation, recall, damage reported by a customer): the
-- list reaches the disc's red box through its coast; a technician unloads it there.
CREATE OR REPLACE FUNCTION redbox.schedule_removal(p_barcode text, p_reason text) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    d dvd;
BEGIN
    PERFORM need_barcode(p_barcode);
    PERFORM need(p_reason, 'reason', 200);
    SELECT * INTO d FROM dvd WHERE barcode = p_barcode;
    IF NOT FOUND OR d.status NOT IN ('in', 'out') THEN
        RAISE EXCEPTION 'disc % is not in a kiosk', p_barcode USING ERRCODE = 'RB004';
    END IF;
    INSERT INTO removal_schedule (barcode, reason) VALUES (p_barcode, p_reason)
    ON CONFLICT (barcode) DO UPDATE SET reason = EXCLUDED.reason;
    PERFORM enqueue(gen_random_uuid(), 'removal_schedule',
                    coast_node_of((SELECT coast FROM redbox WHERE kiosk_id = d.kiosk_id)),
                    jsonb_build_object('barcode', p_barcode, 'reason', p_reason, 'kiosk_id', d.kiosk_id));
END
$$;
