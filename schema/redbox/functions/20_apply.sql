-- Hops that arrive at a red box (from its sibling or its coast), applied once
-- each by apply_events().

-- Which kinds a red box takes from whom: member counts from its siblings and
-- its coast; everything else from its coast only (a sibling that is taken over
-- cannot touch a member's card, PIN or account, the catalog or a rental).
CREATE OR REPLACE FUNCTION redbox.accepts_hop(p_kind text, p_sender peer_login) RETURNS boolean
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT CASE
        WHEN p_sender.tier = 'redbox' THEN p_sender.coast = (me()).coast AND p_kind IN ('member_delta', 'member_delta_void')
        WHEN p_sender.tier = 'coast' THEN p_sender.node_name = coast_node()
             AND p_kind IN ('member_delta', 'member_delta_void', 'return_close', 'member_upsert', 'member_status',
                            'catalog_upsert', 'removal_schedule', 'pin_attempt', 'price_list')
        ELSE false
    END;
$$;

CREATE OR REPLACE FUNCTION redbox.apply_one(p_kind text, p_event uuid, p jsonb, p_source text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    CASE p_kind
    WHEN 'member_delta', 'member_delta_void' THEN
        -- Paper step 5 (and 6 for away members): membership status at this red box.
        UPDATE membershipstatus SET discs_out = discs_out + (p->>'delta')::int
         WHERE member_id = (p->>'member_id')::bigint;
        IF NOT FOUND AND (p->>'member_id')::bigint >= walkup_member_id(repeat('0', 64)) THEN
            -- A walk-up card new to the network: its record comes from the coast, and a sibling's
            -- count may arrive first. Not yet, rather than never (55000: the sender retries).
            RAISE EXCEPTION 'walk-up card of member % is not known here yet: its record is on its way from the coast',
                p->>'member_id' USING ERRCODE = '55000';
        ELSIF NOT FOUND THEN
            RAISE EXCEPTION 'member % is not known at this red box', p->>'member_id' USING ERRCODE = 'RB012';
        END IF;
    WHEN 'return_close' THEN
        -- A disc rented here came back elsewhere: close the rental, let the disc go.
        UPDATE rental SET status = 'closed_elsewhere', return_id = (p->>'return_id')::uuid,
                          returned_at = (p->>'returned_at')::timestamptz, nights = (p->>'nights')::int,
                          charge_cents = (p->>'charge_cents')::int
         WHERE rental_id = (p->>'rental_id')::uuid AND status = 'open';
        DELETE FROM dvd
         WHERE barcode = p->>'barcode' AND status = 'out'
           AND state_at <= (p->>'returned_at')::timestamptz;
    WHEN 'member_upsert' THEN
        INSERT INTO membershipstatus (member_id, card_hash, pin_hash, allowed, discs_out, plan_limit,
                                      membership_id, home_coast)
        VALUES ((p->>'member_id')::bigint, p->>'card_hash', p->>'pin_hash', (p->>'allowed')::boolean,
                coalesce((p->>'discs_out')::int, 0), (p->>'plan_limit')::int, (p->>'membership_id')::int,
                p->>'home_coast')
        ON CONFLICT (member_id) DO UPDATE SET card_hash = EXCLUDED.card_hash, pin_hash = EXCLUDED.pin_hash,
            allowed = EXCLUDED.allowed, plan_limit = EXCLUDED.plan_limit, membership_id = EXCLUDED.membership_id;
    WHEN 'member_status' THEN
        UPDATE membershipstatus SET allowed = (p->>'allowed')::boolean WHERE member_id = (p->>'member_id')::bigint;
    WHEN 'catalog_upsert' THEN
        INSERT INTO movie (movie_id, title, genre, categories, rating, release_year, runtime_min, blurb,
                           cover_ref, rent_from, rent_until, is_new_release, format, sell_from)
        SELECT movie_id, title, genre, categories, rating, release_year, runtime_min, blurb, cover_ref,
               rent_from, rent_until, is_new_release, format, sell_from
          FROM jsonb_populate_record(NULL::movie, p)
        ON CONFLICT (movie_id) DO UPDATE SET title = EXCLUDED.title, genre = EXCLUDED.genre,
            categories = EXCLUDED.categories, rating = EXCLUDED.rating, release_year = EXCLUDED.release_year,
            runtime_min = EXCLUDED.runtime_min, blurb = EXCLUDED.blurb, cover_ref = EXCLUDED.cover_ref,
            rent_from = EXCLUDED.rent_from, rent_until = EXCLUDED.rent_until,
            is_new_release = EXCLUDED.is_new_release, format = EXCLUDED.format, sell_from = EXCLUDED.sell_from;
    WHEN 'price_list' THEN
        PERFORM apply_price_list(p);
    WHEN 'pin_attempt' THEN
        -- A PIN checked elsewhere on this card (another red box, the coast, HQ).
        IF record_pin_attempt(p_event, p) THEN
            PERFORM refresh_pin_lock(p->>'card_hash');
        END IF;
    WHEN 'removal_schedule' THEN
        INSERT INTO removal_schedule (barcode, reason)
        VALUES (p->>'barcode', p->>'reason')
        ON CONFLICT (barcode) DO UPDATE SET reason = EXCLUDED.reason;
    ELSE
        RAISE EXCEPTION 'a red box cannot apply a % hop', p_kind USING ERRCODE = 'RB500';
    END CASE;
END
$$;
