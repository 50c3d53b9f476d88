-- Who called, what a secret is worth, and whether a card may try its PIN:
-- the checks every tier's entry points share (see migration 035).

-- The enrolled kiosk this session logged in as. RB018 when the login is no
-- kiosk's, or the kiosk was revoked (its role cannot log in any more either).
CREATE OR REPLACE FUNCTION redbox.session_kiosk() RETURNS redbox.kiosk_login
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login;
BEGIN
    SELECT * INTO k FROM kiosk_login WHERE login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this session (%) is not an enrolled kiosk', session_user USING ERRCODE = 'RB018';
    END IF;
    IF k.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'kiosk % was revoked at %', k.kiosk_id, k.revoked_at USING ERRCODE = 'RB018';
    END IF;
    RETURN k;
END
$$;

-- The node whose hops this session carries (RB019 when the login is no node's).
CREATE OR REPLACE FUNCTION redbox.session_peer() RETURNS redbox.peer_login
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    p peer_login;
BEGIN
    SELECT * INTO p FROM peer_login WHERE login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this session (%) is not a node of this network', session_user USING ERRCODE = 'RB019';
    END IF;
    RETURN p;
END
$$;

-- PBKDF2-HMAC-SHA256 (RFC 8018), one 32-byte block, with pgcrypto's HMAC:
-- about 2 microseconds per iteration here (10,000 iterations: 19 ms).
CREATE OR REPLACE FUNCTION redbox.pbkdf2_sha256(p_secret text, p_salt bytea, p_iterations int) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = redbox, ext, pg_temp AS $$
DECLARE
    k bytea := convert_to(p_secret, 'UTF8');
    u bytea;
    t bit(256);
BEGIN
    u := ext.hmac(p_salt || '\x00000001'::bytea, k, 'sha256');
    t := ('x' || encode(u, 'hex'))::bit(256);
    FOR i IN 2..p_iterations LOOP
        u := ext.hmac(u, k, 'sha256');
        t := t # ('x' || encode(u, 'hex'))::bit(256);
    END LOOP;
    RETURN decode(lpad(to_hex(substring(t FROM 1 FOR 64)::bigint), 16, '0')
               || lpad(to_hex(substring(t FROM 65 FOR 64)::bigint), 16, '0')
               || lpad(to_hex(substring(t FROM 129 FOR 64)::bigint), 16, '0')
               || lpad(to_hex(substring(t FROM 193 FOR 64)::bigint), 16, '0'), 'hex');
END
$$;

-- Does SECRET match "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"? False
-- for a malformed hash. The secret never leaves this function (nor any log:
-- log_parameter_max_length = 0 on every server).
CREATE OR REPLACE FUNCTION redbox.secret_matches(p_secret text, p_hash text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    parts text[];
    n int;
BEGIN
    IF p_secret IS NULL OR p_hash IS NULL THEN
        RETURN false;
    END IF;
    parts := string_to_array(p_hash, '$');
    IF array_length(parts, 1) <> 4 OR parts[1] <> 'pbkdf2-sha256' OR parts[2] !~ '^[0-9]{1,7}$' THEN
        RETURN false;
    END IF;
    n := parts[2]::int;
    IF n < 1000 OR n > 1000000 THEN
        RETURN false;
    END IF;
    RETURN pbkdf2_sha256(p_secret, decode(parts[3], 'base64'), n) = decode(parts[4], 'base64');
EXCEPTION WHEN invalid_parameter_value OR data_exception THEN
    RETURN false;   -- undecodable base64
END
$$;

-- The lockout rule, the same at every node: 5 wrong PINs within 15 minutes
-- (since the card's last right one) lock the card for 15 minutes from the
-- last of them. While locked, no PIN is checked or counted.
CREATE OR REPLACE FUNCTION redbox.pin_max_failures() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 5';
CREATE OR REPLACE FUNCTION redbox.pin_lock_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '15 minutes' $$;

CREATE OR REPLACE FUNCTION redbox.pin_state(p_card_hash text, OUT tries_left int, OUT locked_until timestamptz)
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_since timestamptz;
    v_last timestamptz;
    v_run int;
    v_recent int;
BEGIN
    SELECT max(at) INTO v_since FROM pin_attempt WHERE card_hash = p_card_hash AND ok;
    SELECT max(at) INTO v_last FROM pin_attempt
     WHERE card_hash = p_card_hash AND NOT ok AND at > coalesce(v_since, '-infinity')
       AND at > now() - 2 * pin_lock_window();
    IF v_last IS NULL THEN
        tries_left := pin_max_failures();
        RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE at > v_last - pin_lock_window()), count(*) FILTER (WHERE at > now() - pin_lock_window())
      INTO v_run, v_recent
      FROM pin_attempt
     WHERE card_hash = p_card_hash AND NOT ok AND at > coalesce(v_since, '-infinity') AND at <= v_last;
    IF v_run >= pin_max_failures() AND v_last + pin_lock_window() > now() THEN
        locked_until := v_last + pin_lock_window();
        tries_left := 0;
    ELSE
        tries_left := greatest(pin_max_failures() - v_recent, 1);
    END IF;
END
$$;

-- Record one attempt (once: it may arrive again as a hop). True when it was new here.
CREATE OR REPLACE FUNCTION redbox.record_pin_attempt(p_event uuid, p jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    INSERT INTO pin_attempt (event_id, card_hash, at, ok, node_name, kiosk_id, offline)
    VALUES (p_event, need_card_hash(p->>'card_hash'), (p->>'at')::timestamptz, (p->>'ok')::boolean,
            need(p->>'node_name', 'node name', 40), p->>'kiosk_id', coalesce((p->>'offline')::boolean, false))
    ON CONFLICT (event_id) DO NOTHING;
    RETURN FOUND;
END
$$;

-- A PIN as a kiosk sends it (members: 4 digits; technicians: 4 to 8).
CREATE OR REPLACE FUNCTION redbox.need_pin(p_pin text, p_max int DEFAULT 4) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_pin IS NULL OR p_pin !~ ('^[0-9]{4,' || p_max || '}$') THEN
        RAISE EXCEPTION 'a PIN is 4 to % digits', p_max USING ERRCODE = '22023';
    END IF;
    RETURN p_pin;
END
$$;

-- Escalation tickets (v2): what a server verified about a card (its PIN
-- included), for one kiosk of one red box, until EXPIRES; signed with that red
-- box's key (migration 035).
CREATE OR REPLACE FUNCTION redbox.ticket_message(p jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', 'redbox-ticket-v2', p->>'card_hash', p->>'member_id', p->>'membership_id',
                     p->>'home_coast', p->>'discs_out', p->>'allowed', p->>'node', p->>'kiosk', p->>'expires');
$$;

-- The key this node signs with for red box NODE (tickets, promo grants); RB500 when it has none.
CREATE OR REPLACE FUNCTION redbox.signing_key(p_node text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_key text;
BEGIN
    SELECT key INTO v_key FROM ticket_key WHERE node_name = p_node;
    IF v_key IS NULL THEN
        RAISE EXCEPTION 'no ticket key for red box %: no link to sign for it', p_node USING ERRCODE = 'RB500',
            HINT = 'redbox-net up writes every red box''s key to its coast and HQ';
    END IF;
    RETURN v_key;
END
$$;

CREATE OR REPLACE FUNCTION redbox.make_ticket(p_card_hash text, p_member bigint, p_plan int, p_coast text, p_out int,
                                              p_allowed boolean, p_kiosk kiosk_login)
RETURNS jsonb LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_key text := signing_key(p_kiosk.node_name);
    t jsonb;
BEGIN
    t := jsonb_build_object('card_hash', p_card_hash, 'member_id', p_member, 'membership_id', p_plan,
                            'home_coast', p_coast, 'discs_out', greatest(p_out, 0), 'allowed', p_allowed,
                            'node', p_kiosk.node_name, 'kiosk', p_kiosk.kiosk_id,
                            'expires', extract(epoch FROM date_trunc('second', now()) + interval '15 minutes')::bigint);
    RETURN t || jsonb_build_object('signature', encode(ext.hmac(ticket_message(t), v_key, 'sha256'), 'hex'));
END
$$;

-- Raises RB007 unless TICKET was signed with this red box's key for this
-- kiosk and this card (and, unless EXPIRED_OK, has not expired).
CREATE OR REPLACE FUNCTION redbox.check_ticket(p_ticket jsonb, p_card_hash text, p_kiosk kiosk_login, p_expired_ok boolean)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = redbox, pg_temp AS $$
DECLARE
    v_key text;
BEGIN
    SELECT key INTO v_key FROM ticket_key WHERE node_name = p_kiosk.node_name;
    IF p_ticket IS NULL OR jsonb_typeof(p_ticket) <> 'object' OR v_key IS NULL
       OR p_ticket->>'signature' IS NULL
       OR encode(ext.hmac(ticket_message(p_ticket), v_key, 'sha256'), 'hex') <> p_ticket->>'signature' THEN
        RAISE EXCEPTION 'the sign-in ticket is not valid' USING ERRCODE = 'RB007';
    END IF;
    IF p_ticket->>'card_hash' IS DISTINCT FROM p_card_hash OR p_ticket->>'kiosk' IS DISTINCT FROM p_kiosk.kiosk_id
       OR p_ticket->>'node' IS DISTINCT FROM p_kiosk.node_name THEN
        RAISE EXCEPTION 'the sign-in ticket was made for another card or kiosk' USING ERRCODE = 'RB007';
    END IF;
    IF NOT p_expired_ok AND to_timestamp((p_ticket->>'expires')::bigint) < now() THEN
        RAISE EXCEPTION 'the sign-in ticket has expired; sign in again' USING ERRCODE = 'RB007';
    END IF;
END
$$;

-- Written by the deploy tool at every `up`: the ticket keys this node holds.
CREATE OR REPLACE FUNCTION redbox.configure_ticket_keys(p_keys jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    DELETE FROM ticket_key WHERE NOT (p_keys ? node_name);
    INSERT INTO ticket_key (node_name, key) SELECT key, value FROM jsonb_each_text(p_keys)
    ON CONFLICT (node_name) DO UPDATE SET key = EXCLUDED.key;
END
$$;

-- Written by the deploy tool: the nodes that send hops here, by their login.
CREATE OR REPLACE FUNCTION redbox.configure_peers(p_peers jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    DELETE FROM peer_login;
    INSERT INTO peer_login (login, node_name, tier, coast)
    SELECT p->>'login', p->>'node', p->>'tier', p->>'coast' FROM jsonb_array_elements(p_peers) p;
END
$$;
