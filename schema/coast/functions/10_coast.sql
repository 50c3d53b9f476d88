-- A coast server's part in the distributed transactions (paper section 7):
-- it records its region's rentals and its members' rentals, carries what
-- its red boxes send on to HQ, and fans membership status out to its red
-- boxes when the change did not start at one of them.

CREATE OR REPLACE FUNCTION redbox.hq_node() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT target FROM redbox.node_link WHERE kind = 'hq';
$$;

-- A return with its rental known: close it here and do what follows from that.
CREATE OR REPLACE FUNCTION redbox.coast_apply_resolution(p jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    r rental;
BEGIN
    r := close_rental(p);
    IF r.rental_id IS NULL THEN
        RETURN;     -- not held here, or closed already
    END IF;
    IF r.member_coast = me_.coast THEN
        PERFORM refresh_member_status(r.member_id);
        IF NOT coalesce((p->>'status_done')::boolean, false) THEN
            PERFORM enqueue_kind((p->>'return_id')::uuid, 'member_delta', 'redbox',
                                 jsonb_build_object('member_id', r.member_id, 'delta', -1));
        END IF;
    END IF;
    -- The red box the disc was rented from still counts it out: tell it.
    IF r.kiosk_coast = me_.coast AND r.kiosk_node <> p->>'kiosk_node' THEN
        PERFORM enqueue((p->>'return_id')::uuid, 'return_close', r.kiosk_node,
                        jsonb_build_object('rental_id', r.rental_id, 'return_id', p->>'return_id',
                                           'barcode', r.barcode, 'returned_at', p->>'returned_at',
                                           'nights', p->>'nights', 'charge_cents', p->>'charge_cents'));
    END IF;
END
$$;

-- Which kinds a coast takes from whom: what happens at kiosks from its own
-- red boxes; members, the catalog and removals from HQ only; HQ's rentals,
-- voids and priced returns of this coast's members.
CREATE OR REPLACE FUNCTION redbox.accepts_hop(p_kind text, p_sender peer_login) RETURNS boolean
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT CASE
        WHEN p_sender.tier = 'redbox' THEN p_sender.coast = (me()).coast
             AND p_kind IN ('rental', 'rental_void', 'return', 'receipt', 'disc_state', 'audit', 'pin_attempt')
        WHEN p_sender.tier = 'hq' THEN p_kind IN ('rental', 'rental_void', 'return_resolved', 'receipt', 'member_upsert',
                                                   'member_status', 'catalog_upsert', 'removal_schedule', 'pin_attempt',
                                                   'price_list')
        ELSE false
    END;
$$;

CREATE OR REPLACE FUNCTION redbox.apply_one(p_kind text, p_event uuid, p jsonb, p_source text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    sender peer_login;
    src text;
    k redbox;
    q jsonb;
    r rental;
    v_new_walkup boolean := false;
BEGIN
    SELECT * INTO sender FROM peer_login WHERE node_name = p_source;
    src := sender.tier;
    -- What one of this coast's red boxes says happened at a kiosk must be at one of its own kiosks.
    IF src = 'redbox' AND p_kind IN ('rental', 'return', 'receipt', 'disc_state') THEN
        k := check_sender_kiosk(p->>'kiosk_id', sender);
    END IF;
    CASE p_kind
    WHEN 'rental' THEN
        IF src = 'redbox' THEN
            IF p->>'kiosk_node' IS DISTINCT FROM sender.node_name OR p->>'kiosk_coast' IS DISTINCT FROM me_.coast THEN
                RAISE EXCEPTION 'rental % says it was made at %, not at %', p->>'rental_id', p->>'kiosk_node',
                    sender.node_name USING ERRCODE = 'RB019';
            END IF;
            PERFORM check_rental_money(p, k);
            IF p->>'member_coast' = me_.coast AND NOT is_walkup_plan((p->>'membership_id')::int) AND NOT EXISTS (
                   SELECT 1 FROM member_partitioned m WHERE m.member_id = (p->>'member_id')::bigint
                      AND m.membership_id = (p->>'membership_id')::int) THEN
                RAISE EXCEPTION 'rental % names member % on plan %, not a member of this coast on that plan',
                    p->>'rental_id', p->>'member_id', p->>'membership_id' USING ERRCODE = 'RB021';
            END IF;
        ELSIF p->>'member_coast' IS DISTINCT FROM me_.coast THEN
            RAISE EXCEPTION 'HQ sent the rental of a % member to the % coast', p->>'member_coast', me_.coast
                USING ERRCODE = 'RB019';
        END IF;
        IF p->>'member_coast' = me_.coast AND is_walkup_plan((p->>'membership_id')::int) THEN
            v_new_walkup := note_walkup(p);
        END IF;
        IF p->>'kiosk_coast' = me_.coast THEN
            PERFORM set_dvd(p->>'barcode', (p->>'movie_id')::int, p->>'kiosk_id', NULL, 'out',
                            (p->>'rented_at')::timestamptz);
        END IF;
        IF record_rental(p) AND p->>'member_coast' = me_.coast THEN
            PERFORM refresh_member_status((p->>'member_id')::bigint, (p->>'rental_id')::uuid,
                                          (p->>'membership_id')::int);
            IF v_new_walkup THEN
                -- A card new to the network: its status (with this disc counted) to every red box
                -- of this coast, ahead of any later change to its count.
                PERFORM enqueue_kind(p_event, 'member_upsert', 'redbox', walkup_status_row((p->>'member_id')::bigint));
            ELSIF NOT (p->>'status_done')::boolean THEN
                -- Away rental (paper steps 5-6): status to every red box of this coast.
                PERFORM enqueue_kind(p_event, 'member_delta', 'redbox',
                                     jsonb_build_object('member_id', (p->>'member_id')::bigint, 'delta', 1));
            END IF;
        END IF;
        IF src = 'redbox' THEN
            PERFORM enqueue(p_event, 'rental', hq_node(), p);
        END IF;
    WHEN 'rental_void' THEN
        IF src = 'redbox' THEN
            PERFORM check_void(p, sender);
        END IF;
        r := void_rental(p);
        IF r.rental_id IS NOT NULL THEN
            IF r.kiosk_coast = me_.coast THEN
                PERFORM set_dvd(r.barcode, r.movie_id, r.kiosk_id, (p->>'slot_no')::int, 'in',
                                (p->>'at')::timestamptz);
                PERFORM set_void_condition(r.barcode, p);
            END IF;
            IF r.member_coast = me_.coast THEN
                PERFORM refresh_member_status(r.member_id);
                IF NOT coalesce((p->>'status_done')::boolean, false) THEN
                    PERFORM enqueue_kind(p_event, 'member_delta_void', 'redbox',
                                         jsonb_build_object('member_id', r.member_id, 'delta', -1));
                END IF;
            END IF;
        END IF;
        IF src = 'redbox' THEN
            PERFORM enqueue(p_event, 'rental_void', hq_node(), p);
        END IF;
    WHEN 'return' THEN
        -- From one of this coast's red boxes: a return it priced is priced again here.
        IF p->>'kiosk_node' IS DISTINCT FROM sender.node_name THEN
            RAISE EXCEPTION 'return % says it was taken at %, not at %', p->>'return_id', p->>'kiosk_node',
                sender.node_name USING ERRCODE = 'RB019';
        END IF;
        IF (p->>'resolved')::boolean THEN
            PERFORM check_return_money(p);
        END IF;
        IF NOT (p->>'resolved')::boolean THEN
            q := resolve_return(p);
            IF q IS NOT NULL THEN
                p := q;
            END IF;
        END IF;
        IF (p->>'resolved')::boolean THEN
            PERFORM coast_apply_resolution(p);
        END IF;
        -- No slot: the renter kept the disc (sold to them); else it is in that slot now.
        PERFORM set_dvd(p->>'barcode', barcode_movie(p->>'barcode'), p->>'kiosk_id', (p->>'slot_no')::int,
                        CASE WHEN p->>'slot_no' IS NULL THEN 'sold' ELSE 'in' END, (p->>'returned_at')::timestamptz);
        PERFORM enqueue(p_event, 'return', hq_node(), p);
    WHEN 'return_resolved' THEN
        -- From HQ: a return it priced (or one priced elsewhere) that concerns this coast.
        PERFORM coast_apply_resolution(p);
        IF p->>'kiosk_coast' <> me_.coast THEN
            -- One of this region's discs now sits in another coast's kiosk.
            PERFORM set_dvd(p->>'barcode', barcode_movie(p->>'barcode'), p->>'kiosk_id', NULL, 'elsewhere',
                            (p->>'returned_at')::timestamptz, false);
        END IF;
    WHEN 'receipt' THEN
        IF p->>'member_coast' = me_.coast THEN
            PERFORM check_receipt(p);
            -- The address on file, or (a walk-up card, which has none) the one typed at the kiosk.
            INSERT INTO mail_queue (receipt_id, member_id, email, subject, body)
            SELECT p_event, a.member_id, a.email, 'Your Redbox receipt',
                   format(E'Hello%s,\n\nKiosk %s:\n%s\n\nThank you for renting with Redbox.', a.greeting,
                          p->>'kiosk_id',
                          (SELECT string_agg(format('  %s  $%s%s  (%s)', l->>'title',
                                                    to_char(((l->>'amount_cents')::int + (l->>'tax_cents')::int) / 100.0, 'FM999990.00'),
                                                    CASE WHEN coalesce((l->>'discount_cents')::int, 0) > 0
                                                         THEN format(' with promo code %s', l->>'promo_code') ELSE '' END,
                                                    CASE WHEN coalesce((l->>'purchase')::boolean, false)
                                                         THEN 'bought: yours to keep'
                                                         ELSE 'due ' || to_char((l->>'due_at')::timestamptz, 'Dy DD Mon HH24:MI TZ') END),
                                             E'\n')
                             FROM jsonb_array_elements(p->'lines') l))
              FROM (SELECT m.member_id, m.member_email::text AS email, ' ' || m.member_first_name AS greeting
                      FROM member_partitioned m WHERE m.member_id = (p->>'member_id')::bigint
                    UNION ALL
                    SELECT w.member_id, p->>'email', ''
                      FROM walkup_card w
                     WHERE w.member_id = (p->>'member_id')::bigint
                       AND p->>'email' ~ '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$'
                       AND length(p->>'email') <= 64) a
            ON CONFLICT (receipt_id) DO NOTHING;
            IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM mail_queue WHERE receipt_id = p_event) THEN
                RAISE EXCEPTION 'member % has no address on this coast', p->>'member_id' USING ERRCODE = 'RB012';
            END IF;
        ELSIF src = 'redbox' THEN
            PERFORM enqueue(p_event, 'receipt', hq_node(), p);   -- an away member: HQ knows their coast
        ELSE
            RAISE EXCEPTION 'receipt for a % member reached the % coast', p->>'member_coast', me_.coast USING ERRCODE = 'RB500';
        END IF;
    WHEN 'member_upsert' THEN
        PERFORM coast_upsert_member(p_event, p);
    WHEN 'member_status' THEN
        UPDATE membershipstatus SET allowed = (p->>'allowed')::boolean, status_note = p->>'note', updated_at = now()
         WHERE member_id = (p->>'member_id')::bigint;
        PERFORM enqueue_kind(p_event, 'member_status', 'redbox', p);
    WHEN 'catalog_upsert' THEN
        INSERT INTO movie SELECT * FROM jsonb_populate_record(NULL::movie, p)
        ON CONFLICT (movie_id) DO UPDATE SET title = EXCLUDED.title, genre = EXCLUDED.genre,
            categories = EXCLUDED.categories, rating = EXCLUDED.rating, release_year = EXCLUDED.release_year,
            runtime_min = EXCLUDED.runtime_min, blurb = EXCLUDED.blurb, language = EXCLUDED.language,
            cover_ref = EXCLUDED.cover_ref, rent_from = EXCLUDED.rent_from, rent_until = EXCLUDED.rent_until,
            is_new_release = EXCLUDED.is_new_release, format = EXCLUDED.format, sell_from = EXCLUDED.sell_from;
        PERFORM enqueue_kind(p_event, 'catalog_upsert', 'redbox', p);
    WHEN 'price_list' THEN
        -- HQ's price list of a region (every node prices and checks rentals of both).
        PERFORM apply_price_list(p);
        PERFORM enqueue_kind(p_event, 'price_list', 'redbox', p);
    WHEN 'disc_state' THEN
        -- A technician loaded, unloaded or marked a disc at one of this coast's kiosks.
        PERFORM set_dvd(p->>'barcode', (p->>'movie_id')::int, p->>'kiosk_id', (p->>'slot_no')::int, p->>'status',
                        (p->>'at')::timestamptz);
        UPDATE dvd SET condition = p->>'condition'
         WHERE barcode = p->>'barcode' AND state_at = (p->>'at')::timestamptz;
        PERFORM enqueue(p_event, 'disc_state', hq_node(), p);
    WHEN 'audit' THEN
        IF p->>'node_name' IS DISTINCT FROM sender.node_name
           OR (p->>'kiosk_id' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM redbox x WHERE x.kiosk_id = p->>'kiosk_id'
                                                           AND x.node_name = sender.node_name)) THEN
            RAISE EXCEPTION 'an audit row says it is of % (kiosk %), sent by %', p->>'node_name', p->>'kiosk_id', sender.node_name
                USING ERRCODE = 'RB019';
        END IF;
        INSERT INTO audit_log (audit_id, at, node_name, kiosk_id, technician_id, action, barcode, detail)
        SELECT audit_id, at, node_name, kiosk_id, technician_id, action, barcode, detail
          FROM jsonb_populate_record(NULL::audit_log, p)
        ON CONFLICT (audit_id) DO NOTHING;
        PERFORM enqueue(p_event, 'audit', hq_node(), p);
    WHEN 'pin_attempt' THEN
        -- A PIN checked at one of this coast's red boxes (told to the others and HQ), or at HQ.
        IF record_pin_attempt(p_event, p) THEN
            PERFORM enqueue_kind(p_event, 'pin_attempt', 'redbox', p, p_except => p_source);
            IF src = 'redbox' THEN
                PERFORM enqueue(p_event, 'pin_attempt', hq_node(), p);
            END IF;
        END IF;
    WHEN 'removal_schedule' THEN
        -- From HQ: a disc to pull from one of this coast's kiosks; its red box keeps the list.
        PERFORM enqueue(p_event, 'removal_schedule',
                        (SELECT node_name FROM redbox WHERE kiosk_id = p->>'kiosk_id'), p);
    ELSE
        RAISE EXCEPTION 'a coast server cannot apply a % hop', p_kind USING ERRCODE = 'RB500';
    END CASE;
END
$$;

-- A member registered (or changed) at HQ: the paper's horizontal partition
-- routes them by state into west_member or east_member; this coast only
-- takes its own.
CREATE OR REPLACE FUNCTION redbox.coast_upsert_member(p_event uuid, p jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    st state;
    plan membership;
BEGIN
    SELECT * INTO st FROM state WHERE state_name = p->>'state_name';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'state % is not mapped to a coast', p->>'state_name' USING ERRCODE = 'RB015';
    END IF;
    IF st.coast <> me_.coast THEN
        RAISE EXCEPTION 'member % lives in % (% coast), not on this coast', p->>'member_id', st.state_name, st.coast
            USING ERRCODE = 'RB015';
    END IF;
    SELECT * INTO plan FROM membership WHERE membership_id = (p->>'membership_id')::int;
    DELETE FROM member_partitioned WHERE member_id = (p->>'member_id')::bigint;
    INSERT INTO member_partitioned SELECT * FROM jsonb_populate_record(NULL::member_partitioned, p);
    INSERT INTO membershipstatus (member_id, allowed, discs_out)
    VALUES ((p->>'member_id')::bigint, coalesce((p->>'allowed')::boolean, true), 0)
    ON CONFLICT (member_id) DO UPDATE SET allowed = EXCLUDED.allowed, updated_at = now();
    PERFORM enqueue_kind(p_event, 'member_upsert', 'redbox',
        jsonb_build_object('member_id', (p->>'member_id')::bigint, 'card_hash', p->>'card_hash',
                           'pin_hash', p->>'pin_hash', 'allowed', coalesce((p->>'allowed')::boolean, true),
                           'plan_limit', plan.max_discs_out, 'membership_id', plan.membership_id,
                           'home_coast', me_.coast));
END
$$;

