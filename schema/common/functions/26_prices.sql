-- Prices per format and region: a night costs the plan's rate plus the
-- extra of the title's format in the kiosk's region, by the price list
-- version in effect when the rental was made; so does the maximum.

-- The price list version for COAST and FORMAT in effect at P_AT.
CREATE OR REPLACE FUNCTION redbox.format_price_at(p_coast text, p_format text, p_at timestamptz)
RETURNS redbox.format_price LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT * FROM format_price
     WHERE coast = p_coast AND format = p_format AND valid_from <= p_at
     ORDER BY valid_from DESC LIMIT 1;
$$;

-- What a night and the most a rental cost: plan P_PLAN renting a title of
-- FORMAT at a kiosk of COAST at P_AT. An unknown plan or a format without a
-- price in that region is an error, never a free rental.
CREATE OR REPLACE FUNCTION redbox.rental_price(p_plan int, p_coast text, p_format text, p_at timestamptz,
                                               OUT daily_rate_cents int, OUT max_charge_cents int)
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    plan membership;
    fp format_price;
BEGIN
    SELECT * INTO plan FROM membership WHERE membership_id = p_plan;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the rental names plan %, which this network does not have', p_plan USING ERRCODE = 'RB021';
    END IF;
    fp := format_price_at(p_coast, p_format, p_at);
    IF fp.coast IS NULL THEN
        RAISE EXCEPTION 'the rental charges nothing known: no % price in the % region at %', p_format, p_coast, p_at
            USING ERRCODE = 'RB021';
    END IF;
    daily_rate_cents := plan.daily_rate_cents + fp.night_extra_cents;
    max_charge_cents := plan.max_charge_cents + fp.max_extra_cents;
END
$$;

-- What a disc of FORMAT costs to buy at a kiosk of COAST at P_AT (the same
-- price list version as its nights). Raises when the region has no price for it.
CREATE OR REPLACE FUNCTION redbox.sale_price(p_coast text, p_format text, p_at timestamptz) RETURNS int
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    fp format_price := format_price_at(p_coast, p_format, p_at);
BEGIN
    IF fp.coast IS NULL THEN
        RAISE EXCEPTION 'the purchase charges nothing known: no % price in the % region at %', p_format, p_coast, p_at
            USING ERRCODE = 'RB021';
    END IF;
    RETURN fp.sale_cents;
END
$$;

-- True when discs of a title whose sale starts on SELL_FROM may be sold on DAY.
CREATE OR REPLACE FUNCTION redbox.on_sale(p_sell_from date, p_day date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_sell_from <= p_day, false);
$$;

-- The price list of COAST as a hop carries it: every version, so whoever
-- applies it ends with exactly HQ's list for that region.
CREATE OR REPLACE FUNCTION redbox.price_list_of(p_coast text) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT jsonb_build_object('coast', p_coast, 'prices',
           coalesce(jsonb_agg(jsonb_build_object('format', format, 'valid_from', valid_from,
                                                 'night_extra_cents', night_extra_cents,
                                                 'max_extra_cents', max_extra_cents, 'sale_cents', sale_cents)
                              ORDER BY format, valid_from), '[]'))
      FROM format_price WHERE coast = p_coast;
$$;

-- Make this node's price list of a region the one a hop carries.
CREATE OR REPLACE FUNCTION redbox.apply_price_list(p jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    IF jsonb_typeof(p->'prices') IS DISTINCT FROM 'array' OR p->>'coast' NOT IN ('west', 'east') THEN
        RAISE EXCEPTION 'a price list needs a region (west or east) and its prices' USING ERRCODE = '22023';
    END IF;
    DELETE FROM format_price f
     WHERE f.coast = p->>'coast'
       AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p->'prices') e
                        WHERE e->>'format' = f.format AND (e->>'valid_from')::timestamptz = f.valid_from);
    -- (A list sent before discs were sold carries no sale price: the one held here stays.)
    INSERT INTO format_price (coast, format, valid_from, night_extra_cents, max_extra_cents, sale_cents)
    SELECT p->>'coast', e->>'format', (e->>'valid_from')::timestamptz, (e->>'night_extra_cents')::int,
           (e->>'max_extra_cents')::int,
           coalesce((e->>'sale_cents')::int,
                    (format_price_at(p->>'coast', e->>'format', (e->>'valid_from')::timestamptz)).sale_cents,
                    (format_price_at(p->>'coast', e->>'format', 'infinity')).sale_cents)
      FROM jsonb_array_elements(p->'prices') e
    ON CONFLICT (coast, format, valid_from) DO UPDATE
       SET night_extra_cents = EXCLUDED.night_extra_cents, max_extra_cents = EXCLUDED.max_extra_cents,
           sale_cents = EXCLUDED.sale_cents
     WHERE (format_price.night_extra_cents, format_price.max_extra_cents, format_price.sale_cents)
           IS DISTINCT FROM (EXCLUDED.night_extra_cents, EXCLUDED.max_extra_cents, EXCLUDED.sale_cents);
END
$$;
