-- A technician's sign-in, on every tier that holds technicians: the
-- red box first, the coast when the red box does not answer. The PIN hash is a
-- salted PBKDF2 the kiosk checks; the PIN never travels. Granted per tier.
CREATE OR REPLACE FUNCTION redbox.tech_login(p_card_hash text)
RETURNS TABLE (technician_id bigint, name text, pin_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM need_card_hash(p_card_hash);
    RETURN QUERY SELECT t.technician_id, t.name::text, t.pin_hash
                   FROM technician t WHERE t.card_hash = p_card_hash AND t.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this technician card is not known here or not active' USING ERRCODE = 'RB013';
    END IF;
END
$$;
