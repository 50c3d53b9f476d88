-- HQ's catalog feed and what it exports to the coasts.

-- Whether P is a calendar date (YYYY-MM-DD already checked by the caller).
CREATE OR REPLACE FUNCTION redbox.text_is_date(p text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM p::date;
    RETURN true;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
    RETURN false;
END
$$;

-- Merge the staged catalog feed (catalog_import, filled by the importer with
-- COPY) into the catalog master. All or nothing: any bad line and the whole
-- feed is refused with every problem listed; the catalog is left as it was.
CREATE OR REPLACE FUNCTION redbox.import_catalog(p_propagate boolean DEFAULT true)
RETURNS TABLE (inserted int, updated int)
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    problems text;
    v_ins int;
    v_upd int;
    c text;
    m record;
BEGIN
    SELECT string_agg(format('line %s: %s', line_no, why), E'\n' ORDER BY line_no) INTO problems
      FROM (SELECT line_no,
                   CASE
                     WHEN movie_id !~ '^[0-9]{1,5}$' OR movie_id::int = 0 THEN 'film id must be 1-99999'
                     WHEN coalesce(btrim(title), '') = '' THEN 'title is empty'
                     WHEN length(title) > 120 THEN 'title longer than 120 characters'
                     WHEN length(coalesce(description, '')) > 600 THEN 'description longer than 600 characters'
                     WHEN release_year !~ '^[0-9]{4}$' OR release_year::int NOT BETWEEN 1888 AND 2100
                       THEN 'release year must be 1888-2100'
                     WHEN rating NOT IN ('G', 'PG', 'PG-13', 'R', 'NC-17', 'NR') THEN 'rating must be G, PG, PG-13, R, NC-17 or NR'
                     WHEN runtime !~ '^[0-9]{1,3}$' OR runtime::int = 0 THEN 'length must be 1-999 minutes'
                     WHEN replacement_cost !~ '^[0-9]{1,4}(\.[0-9]{1,2})?$' THEN 'replacement cost must be a price'
                     WHEN coalesce(btrim(category), '') = '' OR length(category) > 30 THEN 'category must be 1-30 characters'
                     WHEN length(coalesce(language, '')) > 30 THEN 'language longer than 30 characters'
                     WHEN coalesce(rent_until, '') !~ '^([0-9]{4}-[0-9]{2}-[0-9]{2})?$'
                       OR (coalesce(rent_until, '') <> '' AND NOT text_is_date(rent_until))
                       THEN 'rent-until must be a date (YYYY-MM-DD) or empty'
                     WHEN coalesce(rent_until, '') <> '' AND release_year ~ '^[0-9]{4}$'
                          AND rent_until::date < make_date(release_year::int, 1, 1)
                       THEN 'rent-until is before the title may be rented (its release year)'
                     WHEN coalesce(sell_from, '') !~ '^([0-9]{4}-[0-9]{2}-[0-9]{2})?$'
                       OR (coalesce(sell_from, '') <> '' AND NOT text_is_date(sell_from))
                       THEN 'sell-from must be a date (YYYY-MM-DD) or empty'
                     WHEN coalesce(btrim(format), '') NOT IN ('', 'dvd', 'bluray', '4k', 'game')
                       THEN 'format must be dvd, bluray, 4k, game or empty (dvd)'
                     WHEN count(*) OVER (PARTITION BY movie_id) > 1 THEN 'film id ' || movie_id || ' appears twice'
                   END AS why
              FROM catalog_import) x
     WHERE why IS NOT NULL;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'catalog feed refused, nothing imported:%', E'\n' || problems USING ERRCODE = '22023';
    END IF;

    WITH src AS (
        SELECT movie_id::int AS movie_id, initcap(btrim(title)) AS title, btrim(category) AS genre,
               coalesce(string_to_array(nullif(categories, ''), '|'), ARRAY[btrim(category)]) AS categories,
               rating, release_year::smallint AS release_year, runtime::smallint AS runtime_min,
               coalesce(description, '') AS blurb, coalesce(nullif(btrim(language), ''), 'English') AS language,
               'cover:' || movie_id::int AS cover_ref,
               make_date(release_year::int, 1, 1) AS rent_from,
               nullif(btrim(coalesce(rent_until, '')), '')::date AS rent_until,
               round(replacement_cost::numeric * 100)::int AS replacement_cost_cents,
               'New' = ANY (coalesce(string_to_array(nullif(categories, ''), '|'), '{}')) AS is_new_release,
               coalesce(nullif(btrim(format), ''), 'dvd') AS format,
               nullif(btrim(coalesce(sell_from, '')), '')::date AS sell_from
          FROM catalog_import),
    up AS (
        INSERT INTO movie (movie_id, title, genre, categories, rating, release_year, runtime_min, blurb, language,
                           cover_ref, rent_from, rent_until, replacement_cost_cents, is_new_release, format, sell_from)
        SELECT * FROM src
        ON CONFLICT (movie_id) DO UPDATE SET title = EXCLUDED.title, genre = EXCLUDED.genre,
            categories = EXCLUDED.categories, rating = EXCLUDED.rating, release_year = EXCLUDED.release_year,
            runtime_min = EXCLUDED.runtime_min, blurb = EXCLUDED.blurb, language = EXCLUDED.language,
            cover_ref = EXCLUDED.cover_ref, rent_from = EXCLUDED.rent_from, rent_until = EXCLUDED.rent_until,
            replacement_cost_cents = EXCLUDED.replacement_cost_cents, is_new_release = EXCLUDED.is_new_release,
            format = EXCLUDED.format, sell_from = EXCLUDED.sell_from, updated_at = now()
         WHERE (movie.title, movie.genre, movie.categories, movie.rating, movie.release_year, movie.runtime_min,
                movie.blurb, movie.language, movie.is_new_release, movie.rent_until, movie.format, movie.sell_from)
               IS DISTINCT FROM
               (EXCLUDED.title, EXCLUDED.genre, EXCLUDED.categories, EXCLUDED.rating, EXCLUDED.release_year,
                EXCLUDED.runtime_min, EXCLUDED.blurb, EXCLUDED.language, EXCLUDED.is_new_release, EXCLUDED.rent_until,
                EXCLUDED.format, EXCLUDED.sell_from)
        RETURNING movie_id, (xmax = 0) AS is_insert)
    SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert) INTO v_ins, v_upd FROM up;

    IF p_propagate THEN
        FOR m IN SELECT * FROM movie WHERE updated_at >= now() LOOP
            FOR c IN SELECT target FROM node_link WHERE kind = 'coast' LOOP
                PERFORM enqueue(md5('catalog:' || m.movie_id || ':' || m.updated_at)::uuid, 'catalog_upsert', c,
                                to_jsonb(m) - 'replacement_cost_cents' - 'updated_at');
            END LOOP;
        END LOOP;
    END IF;
    TRUNCATE catalog_import;
    RETURN QUERY SELECT v_ins, v_upd;
END
$$;

-- An operator's new price for a format in a region, from P_FROM (now, or
-- later; never in the past: rentals already made keep the price they had).
-- The region's whole price list goes to every coast and on to every red box.
-- SALE: what a disc of that format costs to buy (none: the price it has now).
DROP FUNCTION IF EXISTS redbox.set_format_price(text, text, int, int, timestamptz);
CREATE OR REPLACE FUNCTION redbox.set_format_price(p_coast text, p_format text, p_night_extra_cents int,
                                                   p_max_extra_cents int, p_from timestamptz DEFAULT NULL,
                                                   p_sale_cents int DEFAULT NULL)
RETURNS timestamptz LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_from timestamptz := coalesce(p_from, now());
    v_sale int := coalesce(p_sale_cents, (format_price_at(p_coast, p_format, 'infinity')).sale_cents);
    c text;
    v_list jsonb;
BEGIN
    IF p_coast IS NULL OR p_coast NOT IN ('west', 'east') THEN
        RAISE EXCEPTION 'region must be west or east, not %', coalesce(p_coast, '(none)') USING ERRCODE = '22023';
    END IF;
    IF p_format IS NULL OR p_format NOT IN ('dvd', 'bluray', '4k', 'game') THEN
        RAISE EXCEPTION 'format must be dvd, bluray, 4k or game, not %', coalesce(p_format, '(none)') USING ERRCODE = '22023';
    END IF;
    IF p_night_extra_cents IS NULL OR p_night_extra_cents NOT BETWEEN 0 AND 2000 THEN
        RAISE EXCEPTION 'a night''s extra must be 0-2000 cents, not %', p_night_extra_cents USING ERRCODE = '22023';
    END IF;
    IF p_max_extra_cents IS NULL OR p_max_extra_cents NOT BETWEEN 0 AND 20000 THEN
        RAISE EXCEPTION 'the maximum''s extra must be 0-20000 cents, not %', p_max_extra_cents USING ERRCODE = '22023';
    END IF;
    IF v_sale IS NULL OR v_sale NOT BETWEEN 1 AND 20000 THEN
        RAISE EXCEPTION 'a disc''s sale price must be 1-20000 cents, not %', v_sale USING ERRCODE = '22023';
    END IF;
    IF v_from < now() - interval '1 second' THEN
        RAISE EXCEPTION 'a price starts now or later, not at % (rentals made keep their price)', v_from
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO format_price (coast, format, valid_from, night_extra_cents, max_extra_cents, sale_cents)
    VALUES (p_coast, p_format, v_from, p_night_extra_cents, p_max_extra_cents, v_sale)
    ON CONFLICT (coast, format, valid_from) DO UPDATE
       SET night_extra_cents = EXCLUDED.night_extra_cents, max_extra_cents = EXCLUDED.max_extra_cents,
           sale_cents = EXCLUDED.sale_cents;
    v_list := price_list_of(p_coast);
    FOR c IN SELECT target FROM node_link WHERE kind = 'coast' LOOP
        PERFORM enqueue(md5('prices:' || v_list::text)::uuid, 'price_list', c, v_list);
    END LOOP;
    RETURN v_from;
END
$$;

-- A coast pulls its partition: its members, the catalog, its region's kiosks,
-- discs and technicians (P_SCOPE must be the calling coast's).
CREATE OR REPLACE FUNCTION redbox.export_rows(p_what text, p_scope text, p_after text, p_limit int)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    sender peer_login := session_peer();
    v jsonb;
BEGIN
    IF sender.tier <> 'coast' OR p_scope IS DISTINCT FROM sender.coast THEN
        RAISE EXCEPTION '% may not pull % of %', sender.node_name, p_what, coalesce(p_scope, '(none)') USING ERRCODE = 'RB019';
    END IF;
    IF p_limit NOT BETWEEN 1 AND 20000 THEN
        RAISE EXCEPTION 'page size % outside 1-20000', p_limit USING ERRCODE = '22023';
    END IF;
    CASE p_what
    WHEN 'members' THEN
        SELECT coalesce(jsonb_agg(member_row(member_id) ORDER BY member_id), '[]') INTO v
          FROM (SELECT member_id FROM member
                 WHERE home_coast = p_scope AND member_id > coalesce(p_after::bigint, 0)
                 ORDER BY member_id LIMIT p_limit) x;
    WHEN 'movies' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(m) - 'replacement_cost_cents' - 'updated_at' ORDER BY movie_id), '[]') INTO v
          FROM (SELECT * FROM movie WHERE movie_id > coalesce(p_after::int, 0) ORDER BY movie_id LIMIT p_limit) m;
    WHEN 'kiosks' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(k) - 'city_id' - 'installed_at' ORDER BY kiosk_id), '[]') INTO v
          FROM (SELECT * FROM redbox WHERE coast = p_scope AND kiosk_id > coalesce(p_after, '')
                 ORDER BY kiosk_id LIMIT p_limit) k;
    WHEN 'dvds' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY barcode), '[]') INTO v
          FROM (SELECT d.* FROM dvd d JOIN redbox k USING (kiosk_id)
                 WHERE k.coast = p_scope AND d.barcode > coalesce(p_after, '')
                 ORDER BY d.barcode LIMIT p_limit) d;
    WHEN 'technicians' THEN
        SELECT coalesce(jsonb_agg(to_jsonb(t) - 'coast' ORDER BY technician_id), '[]') INTO v
          FROM (SELECT * FROM technician WHERE (coast IS NULL OR coast = p_scope)
                   AND technician_id > coalesce(p_after::bigint, 0) ORDER BY technician_id LIMIT p_limit) t;
    ELSE
        RAISE EXCEPTION 'nothing called % to export', p_what USING ERRCODE = '22023';
    END CASE;
    RETURN v;
END
$$;
