-- What a rental costs. The same functions run on every tier, so whichever
-- node closes a rental computes the same charge from the same facts (rented
-- at, returned at, the plan's prices and the kiosk's time zone, all carried
-- with the rental).
--
-- A rental day ends at 9 pm (kiosk local time) on the day after the rental;
-- each further day ends at 9 pm the day after that. The first night is paid
-- at the kiosk. Past the plan's maximum charge the member pays the maximum
-- and keeps the disc.

CREATE OR REPLACE FUNCTION redbox.rental_nights(p_rented_at timestamptz, p_returned_at timestamptz, p_tz text)
RETURNS int LANGUAGE sql STABLE AS $$
    SELECT greatest(1,
        ((((p_returned_at AT TIME ZONE p_tz) - interval '21 hours' - interval '1 microsecond')::date + 1)
          - (p_rented_at AT TIME ZONE p_tz)::date));
$$;

-- When the first night's day ends (shown on the receipt).
CREATE OR REPLACE FUNCTION redbox.rental_due(p_rented_at timestamptz, p_tz text)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT ((((p_rented_at AT TIME ZONE p_tz)::date + 1) + time '21:00') AT TIME ZONE p_tz);
$$;

-- Total charge for a rental of NIGHTS nights (capped at the plan's maximum).
CREATE OR REPLACE FUNCTION redbox.rental_total(p_nights int, p_daily_rate int, p_max int)
RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT least(p_nights::bigint * p_daily_rate, p_max)::int;
$$;

-- True when the charge reached the plan's maximum: the member keeps the disc.
CREATE OR REPLACE FUNCTION redbox.rental_kept(p_nights int, p_daily_rate int, p_max int)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_nights::bigint * p_daily_rate >= p_max;
$$;

CREATE OR REPLACE FUNCTION redbox.tax_on(p_amount int, p_rate_bp int)
RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT round(p_amount::numeric * p_rate_bp / 10000)::int;
$$;

-- The late payment's id, derived from the return's id, so every node that
-- closes the same return names the same payment (and a replay adds nothing).
CREATE OR REPLACE FUNCTION redbox.late_payment_id(p_return_id uuid)
RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT md5('late:' || p_return_id::text)::uuid;
$$;

-- The v1 escalation tickets (one network-wide key, no card or kiosk named) are
-- gone: see ticket_message(jsonb) in 07_identity.sql.
DROP FUNCTION IF EXISTS redbox.sign_ticket(bigint, int, text, int, boolean, timestamptz);
DROP FUNCTION IF EXISTS redbox.ticket_message(bigint, int, text, int, boolean, timestamptz);
