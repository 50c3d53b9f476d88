-- Promo codes at HQ (tables in 050_promo.sql). A kiosk redeems a code for a
-- card online, over its escalation login, and gets a grant for its red box
-- to check; the rental that used the grant ties it to the card for good.

-- An operator's code (run as the administrator, granted to no one): new, or
-- its terms changed. A code already redeemed keeps what it granted.
CREATE OR REPLACE FUNCTION redbox.add_promo_code(p_code text, p_cents_off int, p_from date, p_until date,
                                                 p_description text)
RETURNS void LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    IF NOT promo_code_ok(p_code) THEN
        RAISE EXCEPTION 'a promo code is 4 to 16 capital letters and digits, not %', quote_nullable(p_code)
            USING ERRCODE = '22023';
    END IF;
    IF p_cents_off IS NULL OR p_cents_off NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'a promo code takes 1 to 10000 cents off, not %', p_cents_off USING ERRCODE = '22023';
    END IF;
    IF p_from IS NULL OR p_until IS NULL OR p_until < p_from THEN
        RAISE EXCEPTION 'a promo code needs a first and a last day, in that order' USING ERRCODE = '22023';
    END IF;
    PERFORM need(p_description, 'description', 200);
    INSERT INTO promo_code (code, cents_off, valid_from, valid_until, description)
    VALUES (p_code, p_cents_off, p_from, p_until, p_description)
    ON CONFLICT (code) DO UPDATE
       SET cents_off = EXCLUDED.cents_off, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,
           description = EXCLUDED.description;
END
$$;

-- How many codes that turned out wrong a kiosk may try in ten minutes.
CREATE OR REPLACE FUNCTION redbox.promo_guess_limit() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 10 $$;

-- A kiosk's customer entered CODE with the card CARD_HASH, for the
-- transaction GRANT_ID. OUTCOME:
--   ok        GRANT (signed for the kiosk's red box) takes CENTS_OFF off one first night
--   unknown   no such code (counted against the kiosk's guesses)
--   expired   the code is not valid today at the kiosk
--   used      this card has used the code already
--   throttled the kiosk tried too many wrong codes; MESSAGE says when to try again
-- The same GRANT_ID again gives the same grant (a lost answer asked again).
CREATE OR REPLACE FUNCTION redbox.redeem_promo(p_code text, p_card_hash text, p_grant_id uuid)
RETURNS TABLE (outcome text, cents_off int, grant_json jsonb, message text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    kk redbox;
    pc promo_code;
    x promo_redemption;
    v_today date;
    v_wrong int;
    v_known boolean;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    IF p_grant_id IS NULL THEN
        RAISE EXCEPTION 'a promo redemption needs the transaction''s grant id' USING ERRCODE = '22023';
    END IF;
    IF p_code IS NULL OR length(p_code) > 16 OR p_code !~ '^[A-Z0-9]*$' THEN
        RAISE EXCEPTION 'a promo code is 4 to 16 capital letters and digits' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO x FROM promo_redemption r WHERE r.grant_id = p_grant_id;
    IF FOUND THEN
        IF x.card_hash <> p_card_hash OR x.kiosk_id <> k.kiosk_id OR x.code <> p_code THEN
            RAISE EXCEPTION 'promo grant % was made for another card, kiosk or code', p_grant_id USING ERRCODE = 'RB023';
        END IF;
        RETURN QUERY SELECT 'ok'::text, x.cents_off,
                            make_promo_grant(x.grant_id, x.code, x.cents_off, x.card_hash, k, x.expires_at), NULL::text;
        RETURN;
    END IF;

    DELETE FROM promo_attempt a WHERE a.kiosk_id = k.kiosk_id AND a.at < clock_timestamp() - interval '1 day';
    SELECT count(*) INTO v_wrong FROM promo_attempt a
     WHERE a.kiosk_id = k.kiosk_id AND NOT a.ok AND a.at > clock_timestamp() - interval '10 minutes';
    IF v_wrong >= promo_guess_limit() THEN
        RETURN QUERY SELECT 'throttled'::text, NULL::int, NULL::jsonb,
                            'too many promo codes that did not work at this kiosk; try again in a few minutes'::text;
        RETURN;
    END IF;

    SELECT * INTO pc FROM promo_code c WHERE c.code = p_code;
    v_known := FOUND;
    INSERT INTO promo_attempt (kiosk_id, ok) VALUES (k.kiosk_id, v_known);
    IF NOT v_known THEN
        RETURN QUERY SELECT 'unknown'::text, NULL::int, NULL::jsonb, format('%s is not a promo code', p_code);
        RETURN;
    END IF;
    SELECT * INTO kk FROM redbox r WHERE r.kiosk_id = k.kiosk_id;
    v_today := (now() AT TIME ZONE coalesce(kk.timezone, 'UTC'))::date;
    IF v_today NOT BETWEEN pc.valid_from AND pc.valid_until THEN
        RETURN QUERY SELECT 'expired'::text, NULL::int, NULL::jsonb,
                            CASE WHEN v_today < pc.valid_from THEN format('%s is valid from %s', p_code, pc.valid_from)
                                 ELSE format('%s ended on %s', p_code, pc.valid_until) END;
        RETURN;
    END IF;
    INSERT INTO promo_redemption (grant_id, code, card_hash, kiosk_id, cents_off, expires_at)
    VALUES (p_grant_id, p_code, p_card_hash, k.kiosk_id, pc.cents_off, date_trunc('second', now()) + interval '15 minutes')
    ON CONFLICT (code, card_hash) WHERE released_at IS NULL DO NOTHING
    RETURNING * INTO x;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'used'::text, NULL::int, NULL::jsonb, format('this card has already used %s', p_code);
        RETURN;
    END IF;
    RETURN QUERY SELECT 'ok'::text, x.cents_off,
                        make_promo_grant(x.grant_id, x.code, x.cents_off, x.card_hash, k, x.expires_at), NULL::text;
END
$$;

-- The kiosk gives a grant back that no rental used (the customer left, or
-- the rental was refused): the card may use the code again. True when it was held.
CREATE OR REPLACE FUNCTION redbox.release_promo(p_grant_id uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
BEGIN
    UPDATE promo_redemption SET released_at = clock_timestamp(), released_why = 'given back unused by the kiosk'
     WHERE grant_id = p_grant_id AND kiosk_id = k.kiosk_id AND rental_id IS NULL AND released_at IS NULL;
    RETURN FOUND;
END
$$;

-- A rental P arriving at HQ: a promo discount it carries must be one HQ
-- granted, to this kiosk, for that code, at most the grant's value; the
-- grant is then this rental's for good (RB021 otherwise).
CREATE OR REPLACE FUNCTION redbox.note_promo_use(p jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    IF coalesce((p->>'discount_cents')::int, 0) = 0 THEN
        RETURN;
    END IF;
    UPDATE promo_redemption x SET rental_id = (p->>'rental_id')::uuid
     WHERE x.grant_id = (p->>'promo_grant')::uuid AND x.code = p->>'promo_code' AND x.kiosk_id = p->>'kiosk_id'
       AND x.cents_off >= (p->>'discount_cents')::int
       AND (x.rental_id IS NULL OR x.rental_id = (p->>'rental_id')::uuid);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'rental % charges % cents less under promo code % (grant %), which HQ did not grant to kiosk %',
            p->>'rental_id', p->>'discount_cents', p->>'promo_code', p->>'promo_grant', p->>'kiosk_id'
            USING ERRCODE = 'RB021';
    END IF;
END
$$;

-- A voided rental gives its promo back: the card did not get the night.
CREATE OR REPLACE FUNCTION redbox.release_promo_of(p_rental uuid) RETURNS void
LANGUAGE sql SET search_path = redbox, pg_temp AS $$
    UPDATE promo_redemption SET released_at = clock_timestamp(), released_why = 'its rental was voided'
     WHERE rental_id = p_rental AND released_at IS NULL;
$$;
