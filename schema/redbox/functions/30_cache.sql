-- Incremental sync of a kiosk's SQLite cache.
--
-- Rows carry the id of the transaction that last wrote them (change_xid);
-- deletes leave tombstones. A kiosk remembers the snapshot it last synced
-- to. A round starts with cache_begin(), which fixes the round's upper
-- snapshot; cache_changes() then pages through every row written by a
-- transaction visible in the upper snapshot but not in the lower one, in
-- (change_xid, entity, key) order, so a page cursor survives a kill and no
-- commit is missed (a sequence number would be: sequences are not assigned
-- in commit order).

-- A deleted cached row's tombstone, keyed as cache_rows() keys the row (the
-- tables' triggers come from the migrations).
CREATE OR REPLACE FUNCTION redbox.record_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
    kiosk text := '';
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'dvd' THEN k := OLD.barcode::text; kiosk := OLD.kiosk_id;
        WHEN 'movie' THEN k := OLD.movie_id::text;
        WHEN 'membershipstatus' THEN k := OLD.member_id::text;
        WHEN 'technician' THEN k := OLD.technician_id::text;
        WHEN 'kiosk' THEN k := OLD.kiosk_id::text;
        WHEN 'membership' THEN k := OLD.membership_id::text;
        WHEN 'format_price' THEN k := OLD.coast || '|' || OLD.format || '|' || extract(epoch FROM OLD.valid_from)::text;
    END CASE;
    INSERT INTO redbox.tombstone (entity, key, kiosk_id) VALUES (TG_TABLE_NAME, k, kiosk)
    ON CONFLICT (entity, key, kiosk_id) DO UPDATE SET change_xid = pg_current_xact_id();
    PERFORM pg_notify('redbox_cache', CASE kiosk WHEN '' THEN '*' ELSE kiosk END);
    RETURN OLD;
END
$$;

-- Every row a kiosk caches (no PIN hash: PINs are checked by servers, and
-- offline by the kiosk's own verifiers of members it has seen). Plain SQL with no SET clause and qualified names
-- so the planner inlines it: a round's xid bounds then reach each table's
-- change_xid index instead of building every row's JSON on every call.
CREATE OR REPLACE FUNCTION redbox.cache_rows(p_kiosk_id text)
RETURNS TABLE (change_xid xid8, entity text, key text, deleted boolean, data jsonb)
LANGUAGE sql STABLE AS $$
    SELECT m.change_xid, 'movie', m.movie_id::text, false,
           jsonb_build_object('movie_id', m.movie_id, 'title', m.title, 'genre', m.genre,
                              'categories', m.categories, 'rating', m.rating, 'release_year', m.release_year,
                              'runtime_min', m.runtime_min, 'blurb', m.blurb, 'cover_ref', m.cover_ref,
                              'rent_from', m.rent_from, 'rent_until', m.rent_until,
                              'is_new_release', m.is_new_release, 'format', m.format, 'sell_from', m.sell_from)
      FROM redbox.movie m
    UNION ALL
    SELECT s.change_xid, 'member', s.member_id::text, false,
           jsonb_build_object('member_id', s.member_id, 'card_hash', s.card_hash,
                              'allowed', s.allowed, 'discs_out', greatest(s.discs_out, 0),
                              'plan_limit', s.plan_limit, 'membership_id', s.membership_id,
                              'home_coast', s.home_coast, 'locked_until', s.locked_until)
      FROM redbox.membershipstatus s
    UNION ALL
    SELECT k.change_xid, 'kiosk', k.kiosk_id, false,
           jsonb_build_object('kiosk_id', k.kiosk_id, 'timezone', k.timezone, 'tax_rate_bp', k.tax_rate_bp,
                              'slot_count', k.slot_count)
      FROM redbox.kiosk k WHERE k.kiosk_id = p_kiosk_id
    UNION ALL
    SELECT d.change_xid, 'dvd', d.barcode::text, false,
           jsonb_build_object('barcode', d.barcode, 'movie_id', d.movie_id, 'slot_no', d.slot_no,
                              'status', d.status, 'condition', d.condition)
      FROM redbox.dvd d WHERE d.kiosk_id = p_kiosk_id
    UNION ALL
    SELECT t.change_xid, 'technician', t.technician_id::text, false,
           jsonb_build_object('technician_id', t.technician_id, 'name', t.name, 'card_hash', t.card_hash,
                              'active', t.active)
      FROM redbox.technician t
    UNION ALL
    SELECT p.change_xid, 'plan', p.membership_id::text, false,
           jsonb_build_object('membership_id', p.membership_id, 'plan_name', p.plan_name,
                              'max_discs_out', p.max_discs_out, 'daily_rate_cents', p.daily_rate_cents,
                              'max_charge_cents', p.max_charge_cents)
      FROM redbox.membership p
    UNION ALL
    -- This region's price list (every version: the kiosk shows the one in effect).
    SELECT f.change_xid, 'price', f.coast || '|' || f.format || '|' || extract(epoch FROM f.valid_from)::text, false,
           jsonb_build_object('format', f.format, 'valid_from', f.valid_from,
                              'night_extra_cents', f.night_extra_cents, 'max_extra_cents', f.max_extra_cents,
                              'sale_cents', f.sale_cents)
      FROM redbox.format_price f JOIN redbox.node_identity i ON i.one AND i.coast = f.coast
    UNION ALL
    SELECT tb.change_xid, CASE tb.entity WHEN 'membershipstatus' THEN 'member' WHEN 'membership' THEN 'plan'
                                         WHEN 'format_price' THEN 'price' ELSE tb.entity END,
           tb.key, true, NULL::jsonb
      FROM redbox.tombstone tb WHERE tb.kiosk_id IN ('', p_kiosk_id)
       AND (tb.entity <> 'format_price'
            OR split_part(tb.key, '|', 1) = (SELECT i.coast FROM redbox.node_identity i WHERE i.one))
$$;

CREATE OR REPLACE FUNCTION redbox.cache_begin(p_from text)
RETURNS TABLE (to_snapshot text, total bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    v_kiosk text := (my_kiosk()).kiosk_id;
    v_from pg_snapshot;
    v_to pg_snapshot := pg_current_snapshot();
BEGIN
    IF p_from IS NOT NULL THEN
        PERFORM need(p_from, 'snapshot', 100000, '^[0-9]+:[0-9]+:[0-9,]*$');
        v_from := p_from::pg_snapshot;
    END IF;
    -- EXECUTE plans with the round's real bounds (a generic plan would scan everything).
    RETURN QUERY EXECUTE
        'SELECT $3::text, count(*)
           FROM redbox.cache_rows($1) c
          WHERE c.change_xid >= $4 AND c.change_xid < pg_snapshot_xmax($3)
            AND ($2 IS NULL OR NOT pg_visible_in_snapshot(c.change_xid, $2))
            AND pg_visible_in_snapshot(c.change_xid, $3)'
        USING v_kiosk, v_from, v_to, coalesce(pg_snapshot_xmin(v_from), '0'::xid8);
END
$$;

CREATE OR REPLACE FUNCTION redbox.cache_changes(p_from text, p_to text, p_after_xid text, p_after_entity text,
                                                p_after_key text, p_after_live boolean, p_limit int)
RETURNS TABLE (change_xid text, entity text, key text, deleted boolean, data jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    v_kiosk text := (session_kiosk()).kiosk_id;
    v_from pg_snapshot;
    v_to pg_snapshot;
    v_after xid8 := '0';
BEGIN
    IF p_from IS NOT NULL THEN
        PERFORM need(p_from, 'snapshot', 100000, '^[0-9]+:[0-9]+:[0-9,]*$');
        v_from := p_from::pg_snapshot;
    END IF;
    PERFORM need(p_to, 'snapshot', 100000, '^[0-9]+:[0-9]+:[0-9,]*$');
    v_to := p_to::pg_snapshot;
    IF p_after_xid IS NOT NULL THEN
        PERFORM need(p_after_xid, 'cursor', 20, '^[0-9]+$');
        v_after := p_after_xid::xid8;
    END IF;
    IF p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'page size % outside 1-10000', p_limit USING ERRCODE = '22023';
    END IF;
    RETURN QUERY EXECUTE
        'SELECT c.change_xid::text, c.entity, c.key, c.deleted, c.data
           FROM redbox.cache_rows($1) c
          WHERE c.change_xid >= greatest($4, $5) AND c.change_xid < pg_snapshot_xmax($3)
            AND ($2 IS NULL OR NOT pg_visible_in_snapshot(c.change_xid, $2))
            AND pg_visible_in_snapshot(c.change_xid, $3)
            AND (c.change_xid, c.entity, c.key, NOT c.deleted) > ($5, $6, $7, $8)
          ORDER BY c.change_xid, c.entity, c.key, NOT c.deleted
          LIMIT $9'
        USING v_kiosk, v_from, v_to, coalesce(pg_snapshot_xmin(v_from), '0'::xid8), v_after,
              coalesce(p_after_entity, ''), coalesce(p_after_key, ''), coalesce(p_after_live, true), p_limit;
END
$$;
