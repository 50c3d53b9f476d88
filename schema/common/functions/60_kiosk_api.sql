-- The kiosk API levels this node serves (see migration 030): a kiosk at a
-- level outside [oldest, level] must not use it.
CREATE OR REPLACE FUNCTION redbox.kiosk_api(OUT level integer, OUT oldest integer)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    SELECT l.level, l.oldest FROM kiosk_api_level l
$$;
GRANT EXECUTE ON FUNCTION redbox.kiosk_api() TO kiosk;
