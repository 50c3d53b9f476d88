-- Promo grants: HQ's signed word that a card may take CENTS_OFF off the
-- first night of one disc, in one transaction at one kiosk, until EXPIRES.
-- Signed like an escalation ticket with the key of the kiosk's red box, but
-- with its own prefix, so neither can pass for the other.

-- What a promo code looks like once the kiosk has tidied it (capitals, no spaces).
CREATE OR REPLACE FUNCTION redbox.promo_code_ok(p_code text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_code ~ '^[A-Z0-9]{4,16}$', false);
$$;

CREATE OR REPLACE FUNCTION redbox.promo_grant_message(p jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', 'redbox-promo-v1', p->>'grant', p->>'code', p->>'cents_off', p->>'card_hash', p->>'node',
                     p->>'kiosk', p->>'expires');
$$;

CREATE OR REPLACE FUNCTION redbox.make_promo_grant(p_grant uuid, p_code text, p_cents_off int, p_card_hash text,
                                                   p_kiosk kiosk_login, p_expires timestamptz)
RETURNS jsonb LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_key text := signing_key(p_kiosk.node_name);
    g jsonb;
BEGIN
    g := jsonb_build_object('grant', p_grant, 'code', p_code, 'cents_off', p_cents_off, 'card_hash', p_card_hash,
                            'node', p_kiosk.node_name, 'kiosk', p_kiosk.kiosk_id,
                            'expires', extract(epoch FROM date_trunc('second', p_expires))::bigint);
    RETURN g || jsonb_build_object('signature', encode(ext.hmac(promo_grant_message(g), v_key, 'sha256'), 'hex'));
END
$$;

-- Raises RB023 unless GRANT was signed with this red box's key for this
-- kiosk and this card, and had not expired at P_AT (the rental's time).
CREATE OR REPLACE FUNCTION redbox.check_promo_grant(p_grant jsonb, p_card_hash text, p_kiosk kiosk_login,
                                                    p_at timestamptz)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_key text;
BEGIN
    SELECT key INTO v_key FROM ticket_key WHERE node_name = p_kiosk.node_name;
    IF NOT coalesce(jsonb_typeof(p_grant) = 'object'
                    AND encode(ext.hmac(promo_grant_message(p_grant), v_key, 'sha256'), 'hex') = p_grant->>'signature'
                    AND promo_code_ok(p_grant->>'code') AND (p_grant->>'cents_off') ~ '^[0-9]{1,5}$'
                    AND (p_grant->>'grant') ~ '^[0-9a-f-]{36}$' AND (p_grant->>'expires') ~ '^[0-9]{1,12}$'
                    AND p_grant->>'card_hash' IS NOT NULL, false) THEN
        RAISE EXCEPTION 'the promo grant is not valid' USING ERRCODE = 'RB023';
    END IF;
    IF p_grant->>'card_hash' IS DISTINCT FROM p_card_hash OR p_grant->>'kiosk' IS DISTINCT FROM p_kiosk.kiosk_id
       OR p_grant->>'node' IS DISTINCT FROM p_kiosk.node_name THEN
        RAISE EXCEPTION 'the promo grant was made for another card or kiosk' USING ERRCODE = 'RB023';
    END IF;
    IF to_timestamp((p_grant->>'expires')::bigint) < p_at THEN
        RAISE EXCEPTION 'the promo grant had expired; enter the promo code again' USING ERRCODE = 'RB023';
    END IF;
END
$$;
