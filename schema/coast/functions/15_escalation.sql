-- A coast's side of escalation and of technicians' sign-in when a red box
-- does not answer (see 10_kiosk.sql at the red box for the kiosk's side).

-- Escalation, step one: a kiosk of this coast does not know the card (its red
-- box has not heard of the member yet, or cannot be reached). Called over the
-- kiosk's own escalation login; no PIN hash leaves this server.
DROP FUNCTION IF EXISTS redbox.verify_member(text);
CREATE OR REPLACE FUNCTION redbox.verify_member(p_card_hash text)
RETURNS TABLE (member_id bigint, allowed boolean, discs_out int, plan_limit int, membership_id int, home_coast text,
               daily_rate_cents int, max_charge_cents int, locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM session_kiosk();
    PERFORM need_card_hash(p_card_hash);
    RETURN QUERY
        SELECT m.member_id, s.allowed, s.discs_out, p.max_discs_out, m.membership_id, (me()).coast,
               p.daily_rate_cents, p.max_charge_cents, (pin_state(p_card_hash)).locked_until
          FROM member_partitioned m
          JOIN membershipstatus s USING (member_id)
          JOIN membership p ON p.membership_id = m.membership_id
         WHERE m.card_hash = p_card_hash
        UNION ALL
        SELECT w.member_id, s.allowed, s.discs_out, p.max_discs_out, w.membership_id, w.home_coast,
               p.daily_rate_cents, p.max_charge_cents, NULL::timestamptz
          FROM walkup_card w
          JOIN membershipstatus s USING (member_id)
          JOIN membership p ON p.membership_id = w.membership_id
         WHERE w.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not a member of the % coast', (me()).coast USING ERRCODE = 'RB001';
    END IF;
END
$$;

-- A PIN checked at this coast: recorded and told to its red boxes and HQ.
CREATE OR REPLACE FUNCTION redbox.note_pin_attempt(p_card_hash text, p_ok boolean, p_kiosk kiosk_login) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_event uuid := gen_random_uuid();
    v jsonb := jsonb_build_object('card_hash', p_card_hash, 'at', clock_timestamp(), 'ok', p_ok,
                                  'node_name', (me()).node_name, 'kiosk_id', p_kiosk.kiosk_id, 'offline', false);
BEGIN
    PERFORM record_pin_attempt(v_event, v);
    PERFORM enqueue_kind(v_event, 'pin_attempt', 'redbox', v);
    PERFORM enqueue(v_event, 'pin_attempt', hq_node(), v);
END
$$;

-- Escalation, step two: the member's PIN, checked here and counted like
-- everywhere else; on ok, a ticket for the kiosk's red box (signed with that
-- red box's key) that lets it rent to them. OUTCOME: ok, wrong_pin, locked.
CREATE OR REPLACE FUNCTION redbox.verify_member_pin(p_card_hash text, p_pin text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, member_id bigint, allowed boolean, discs_out int,
               plan_limit int, membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               ticket jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    m member_partitioned;
    s membershipstatus;
    p membership;
    st record;
    v_ok boolean;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_pin(p_pin);
    SELECT * INTO m FROM member_partitioned x WHERE x.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not a member of the % coast', (me()).coast USING ERRCODE = 'RB001';
    END IF;
    SELECT * INTO s FROM membershipstatus x WHERE x.member_id = m.member_id FOR UPDATE;
    st := pin_state(p_card_hash);
    IF st.locked_until IS NOT NULL THEN
        RETURN QUERY SELECT 'locked'::text, 0, st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int,
                            NULL::int, NULL::text, NULL::int, NULL::int, NULL::jsonb;
        RETURN;
    END IF;
    v_ok := secret_matches(p_pin, m.pin_hash);
    PERFORM note_pin_attempt(p_card_hash, v_ok, k);
    IF NOT v_ok THEN
        st := pin_state(p_card_hash);
        RETURN QUERY SELECT CASE WHEN st.locked_until IS NULL THEN 'wrong_pin' ELSE 'locked' END, st.tries_left,
                            st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int, NULL::int, NULL::text,
                            NULL::int, NULL::int, NULL::jsonb;
        RETURN;
    END IF;
    SELECT * INTO p FROM membership x WHERE x.membership_id = m.membership_id;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, m.member_id, s.allowed, s.discs_out,
                        p.max_discs_out, m.membership_id, (me()).coast, p.daily_rate_cents, p.max_charge_cents,
                        make_ticket(p_card_hash, m.member_id, m.membership_id, (me()).coast, s.discs_out, s.allowed, k);
END
$$;

-- A technician's sign-in when the kiosk's red box does not answer: the PIN
-- checked here (and counted). No session: the red box's tech_* functions need
-- one from the red box itself.
CREATE OR REPLACE FUNCTION redbox.tech_verify(p_card_hash text, p_pin text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, technician_id bigint, name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    t technician;
    st record;
    v_ok boolean;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_pin(p_pin, 8);
    SELECT * INTO t FROM technician x WHERE x.card_hash = p_card_hash AND x.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this technician card is not known here or not active' USING ERRCODE = 'RB013';
    END IF;
    st := pin_state(p_card_hash);
    IF st.locked_until IS NOT NULL THEN
        RETURN QUERY SELECT 'locked'::text, 0, st.locked_until, NULL::bigint, NULL::text;
        RETURN;
    END IF;
    v_ok := secret_matches(p_pin, t.pin_hash);
    PERFORM note_pin_attempt(p_card_hash, v_ok, k);
    st := pin_state(p_card_hash);
    IF NOT v_ok THEN
        RETURN QUERY SELECT CASE WHEN st.locked_until IS NULL THEN 'wrong_pin' ELSE 'locked' END, st.tries_left,
                            st.locked_until, NULL::bigint, NULL::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, t.technician_id, t.name::text;
END
$$;
DROP FUNCTION IF EXISTS redbox.tech_login(text);
