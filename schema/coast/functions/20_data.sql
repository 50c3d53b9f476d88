-- A coast populates itself from HQ, and exports to its red boxes.

CREATE OR REPLACE FUNCTION redbox.pull_from_hq(p_page int DEFAULT 2000)
RETURNS TABLE (what text, rows bigint)
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    hq text := hq_node();
    w text;
    after text;
    page jsonb;
    n bigint;
BEGIN
    FOREACH w IN ARRAY ARRAY['movies', 'kiosks', 'dvds', 'members', 'technicians'] LOOP
        after := NULL;
        n := 0;
        LOOP
            page := pull_page(hq, w, me_.coast, after, p_page);
            EXIT WHEN jsonb_array_length(page) = 0;
            CASE w
            WHEN 'movies' THEN
                INSERT INTO movie SELECT * FROM jsonb_populate_recordset(NULL::movie, page)
                ON CONFLICT (movie_id) DO NOTHING;
                after := page->-1->>'movie_id';
            WHEN 'kiosks' THEN
                INSERT INTO redbox SELECT * FROM jsonb_populate_recordset(NULL::redbox, page)
                ON CONFLICT (kiosk_id) DO NOTHING;
                after := page->-1->>'kiosk_id';
            WHEN 'dvds' THEN
                INSERT INTO dvd SELECT * FROM jsonb_populate_recordset(NULL::dvd, page)
                ON CONFLICT (barcode) DO NOTHING;
                after := page->-1->>'barcode';
            WHEN 'members' THEN
                INSERT INTO member_partitioned SELECT * FROM jsonb_populate_recordset(NULL::member_partitioned, page)
                ON CONFLICT DO NOTHING;
                INSERT INTO membershipstatus (member_id, allowed)
                SELECT (e->>'member_id')::bigint, (e->>'allowed')::boolean FROM jsonb_array_elements(page) e
                ON CONFLICT (member_id) DO NOTHING;
                after := page->-1->>'member_id';
            WHEN 'technicians' THEN
                INSERT INTO technician SELECT * FROM jsonb_populate_recordset(NULL::technician, page)
                ON CONFLICT (technician_id) DO NOTHING;
                after := page->-1->>'technician_id';
            END CASE;
            n := n + jsonb_array_length(page);
        END LOOP;
        what := w; rows := n;
        RETURN NEXT;
    END LOOP;
END
$$;

-- A red box of this coast pulls its partition: the coast's members (card and
-- PIN hashes: the red box checks PINs), the catalog, technicians, and its own
-- kiosks and discs (P_SCOPE must be the calling red box).
CREATE OR REPLACE FUNCTION redbox.export_rows(p_what text, p_scope text, p_after text, p_limit int)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    sender peer_login := session_peer();
    v jsonb;
BEGIN
    IF sender.tier <> 'redbox' OR sender.coast IS DISTINCT FROM (me()).coast OR p_scope IS DISTINCT FROM sender.node_name THEN
        RAISE EXCEPTION '% may not pull % of %', sender.node_name, p_what, coalesce(p_scope, '(none)') USING ERRCODE = 'RB019';
    END IF;
    IF p_limit NOT BETWEEN 1 AND 20000 THEN
        RAISE EXCEPTION 'page size % outside 1-20000', p_limit USING ERRCODE = '22023';
    END IF;
    CASE p_what
    WHEN 'members' THEN
        -- The red box's vertical partition of a member: no name, address, e-mail or password.
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'member_id', m.member_id, 'card_hash', m.card_hash, 'pin_hash', m.pin_hash,
                   'allowed', s.allowed, 'discs_out', s.discs_out, 'plan_limit', p.max_discs_out,
                   'membership_id', m.membership_id, 'home_coast', (me()).coast) ORDER BY m.member_id), '[]') INTO v
          FROM (SELECT * FROM member_partitioned WHERE member_id > coalesce(p_after::bigint, 0)
                 ORDER BY member_id LIMIT p_limit) m
          JOIN membershipstatus s USING (member_id)
          JOIN membership p ON p.membership_id = m.membership_id;
    WHEN 'movies' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(m) - 'language' ORDER BY movie_id), '[]') INTO v
          FROM (SELECT * FROM movie WHERE movie_id > coalesce(p_after::int, 0) ORDER BY movie_id LIMIT p_limit) m;
    WHEN 'kiosks' THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object('kiosk_id', kiosk_id, 'timezone', timezone,
                                                     'tax_rate_bp', tax_rate_bp, 'slot_count', slot_count)
                                  ORDER BY kiosk_id), '[]') INTO v
          FROM (SELECT * FROM redbox WHERE node_name = p_scope AND kiosk_id > coalesce(p_after, '')
                 ORDER BY kiosk_id LIMIT p_limit) k;
    WHEN 'dvds' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY barcode), '[]') INTO v
          FROM (SELECT d.* FROM dvd d JOIN redbox k USING (kiosk_id)
                 WHERE k.node_name = p_scope AND d.status IN ('in', 'out') AND d.barcode > coalesce(p_after, '')
                 ORDER BY d.barcode LIMIT p_limit) d;
    WHEN 'technicians' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY technician_id), '[]') INTO v
          FROM (SELECT * FROM technician WHERE technician_id > coalesce(p_after::bigint, 0)
                 ORDER BY technician_id LIMIT p_limit) t;
    ELSE
        RAISE EXCEPTION 'nothing called % to export', p_what USING ERRCODE = '22023';
    END CASE;
    RETURN v;
END
$$;
