-- A red box populates itself from its coast (its kiosks, their discs, the
-- coast's members' status, the catalog, technicians' credentials).

CREATE OR REPLACE FUNCTION redbox.pull_from_coast(p_page int DEFAULT 2000)
RETURNS TABLE (what text, rows bigint)
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    me_ node_identity := me();
    coast text := coast_node();
    w text;
    after text;
    page jsonb;
    n bigint;
BEGIN
    FOREACH w IN ARRAY ARRAY['movies', 'kiosks', 'dvds', 'members', 'technicians'] LOOP
        after := NULL;
        n := 0;
        LOOP
            page := pull_page(coast, w, me_.node_name, after, p_page);
            EXIT WHEN jsonb_array_length(page) = 0;
            CASE w
            WHEN 'movies' THEN
                INSERT INTO movie (movie_id, title, genre, categories, rating, release_year, runtime_min, blurb,
                                   cover_ref, rent_from, rent_until, is_new_release, format, sell_from)
                SELECT movie_id, title, genre, categories, rating, release_year, runtime_min, blurb, cover_ref,
                       rent_from, rent_until, is_new_release, format, sell_from
                  FROM jsonb_populate_recordset(NULL::movie, page)
                ON CONFLICT (movie_id) DO NOTHING;
                after := page->-1->>'movie_id';
            WHEN 'kiosks' THEN
                INSERT INTO kiosk (kiosk_id, timezone, tax_rate_bp, slot_count)
                SELECT kiosk_id, timezone, tax_rate_bp, slot_count FROM jsonb_populate_recordset(NULL::kiosk, page)
                ON CONFLICT (kiosk_id) DO NOTHING;
                after := page->-1->>'kiosk_id';
            WHEN 'dvds' THEN
                INSERT INTO dvd (barcode, movie_id, kiosk_id, slot_no, status, condition, state_at)
                SELECT barcode, movie_id, kiosk_id, slot_no, status, condition, state_at
                  FROM jsonb_populate_recordset(NULL::dvd, page)
                ON CONFLICT (barcode) DO NOTHING;
                after := page->-1->>'barcode';
            WHEN 'members' THEN
                INSERT INTO membershipstatus (member_id, card_hash, pin_hash, allowed, discs_out, plan_limit,
                                              membership_id, home_coast)
                SELECT member_id, card_hash, pin_hash, allowed, discs_out, plan_limit, membership_id, home_coast
                  FROM jsonb_populate_recordset(NULL::membershipstatus, page)
                ON CONFLICT (member_id) DO NOTHING;
                after := page->-1->>'member_id';
            WHEN 'technicians' THEN
                INSERT INTO technician (technician_id, name, card_hash, pin_hash, active)
                SELECT technician_id, name, card_hash, pin_hash, active
                  FROM jsonb_populate_recordset(NULL::technician, page)
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
