-- Input checks shared by every tier's entry points. Each raises a clear,
-- typed error (SQLSTATE 22023 bad value, 22001 too long) naming the argument;
-- nothing is written when one fails.

CREATE OR REPLACE FUNCTION redbox.need(p_value text, p_name text, p_max int, p_pattern text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION '% is missing', p_name USING ERRCODE = '22023';
    END IF;
    IF length(p_value) > p_max THEN
        RAISE EXCEPTION '% is too long (% characters, at most %)', p_name, length(p_value), p_max
            USING ERRCODE = '22001';
    END IF;
    IF p_pattern IS NOT NULL AND p_value !~ p_pattern THEN
        RAISE EXCEPTION '% is not valid', p_name USING ERRCODE = '22023',
            DETAIL = format('expected %s', p_pattern);
    END IF;
    RETURN p_value;
END
$$;

-- A disc barcode: "D", the movie id (5 digits), the copy serial (6 digits),
-- and a Luhn check digit over the 11 digits.
CREATE OR REPLACE FUNCTION redbox.barcode_ok(p_barcode text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    s int := 0;
    d int;
    i int;
BEGIN
    IF p_barcode IS NULL OR p_barcode !~ '^D[0-9]{12}$' THEN
        RETURN false;
    END IF;
    -- Luhn over digits 1..11 (positions 2..12), check digit at position 13.
    FOR i IN 0..10 LOOP
        d := substr(p_barcode, 12 - i, 1)::int;
        IF i % 2 = 0 THEN
            d := d * 2;
            IF d > 9 THEN d := d - 9; END IF;
        END IF;
        s := s + d;
    END LOOP;
    RETURN (10 - s % 10) % 10 = substr(p_barcode, 13, 1)::int;
END
$$;

CREATE OR REPLACE FUNCTION redbox.need_barcode(p_barcode text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM redbox.need(p_barcode, 'barcode', 13);
    IF NOT redbox.barcode_ok(p_barcode) THEN
        RAISE EXCEPTION 'barcode is not a disc barcode (or its check digit is wrong)' USING ERRCODE = '22023';
    END IF;
    RETURN p_barcode;
END
$$;

CREATE OR REPLACE FUNCTION redbox.barcode_movie(p_barcode text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(p_barcode, 2, 5)::int;
$$;

-- Timestamps a kiosk sends (offline actions replay with their own time):
-- not in the future beyond clock skew, not older than the offline window.
CREATE OR REPLACE FUNCTION redbox.need_kiosk_time(p_at timestamptz, p_name text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_at IS NULL THEN
        RAISE EXCEPTION '% is missing', p_name USING ERRCODE = '22023';
    END IF;
    IF p_at > now() + interval '5 minutes' THEN
        RAISE EXCEPTION '% is in the future (%); check the kiosk clock', p_name, p_at USING ERRCODE = '22023';
    END IF;
    IF p_at < now() - interval '60 days' THEN
        RAISE EXCEPTION '% is more than 60 days old (%)', p_name, p_at USING ERRCODE = '22023';
    END IF;
    RETURN p_at;
END
$$;

CREATE OR REPLACE FUNCTION redbox.need_card_hash(p_hash text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT redbox.need(p_hash, 'card hash', 64, '^[0-9a-f]{64}$');
$$;
