-- HQ's side of escalation: HQ knows every member of every coast, so a kiosk
-- asks it last (over the kiosk's own escalation login). No PIN hash leaves
-- this server; the PIN is checked here and counted like everywhere else.

DROP FUNCTION IF EXISTS redbox.verify_member(text);
CREATE OR REPLACE FUNCTION redbox.verify_member(p_card_hash text)
RETURNS TABLE (member_id bigint, allowed boolean, discs_out int, plan_limit int, membership_id int, home_coast text,
               daily_rate_cents int, max_charge_cents int, locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
BEGIN
    PERFORM session_kiosk();
    PERFORM need_card_hash(p_card_hash);
    RETURN QUERY
        SELECT m.member_id, s.allowed, s.discs_out, p.max_discs_out, m.membership_id, m.home_coast,
               p.daily_rate_cents, p.max_charge_cents, (pin_state(p_card_hash)).locked_until
          FROM member m
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
        RAISE EXCEPTION 'this card is not a member anywhere in the network' USING ERRCODE = 'RB001';
    END IF;
END
$$;

-- The member's PIN, checked at HQ: recorded, and told to the member's home
-- coast (which tells its red boxes). On ok, a ticket for the kiosk's red box.
CREATE OR REPLACE FUNCTION redbox.verify_member_pin(p_card_hash text, p_pin text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, member_id bigint, allowed boolean, discs_out int,
               plan_limit int, membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               ticket jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    m member;
    s membershipstatus;
    p membership;
    st record;
    v_ok boolean;
    v_event uuid := gen_random_uuid();
    v jsonb;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    PERFORM need_pin(p_pin);
    SELECT * INTO m FROM member x WHERE x.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card is not a member anywhere in the network' USING ERRCODE = 'RB001';
    END IF;
    SELECT * INTO s FROM membershipstatus x WHERE x.member_id = m.member_id FOR UPDATE;
    st := pin_state(p_card_hash);
    IF st.locked_until IS NOT NULL THEN
        RETURN QUERY SELECT 'locked'::text, 0, st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int,
                            NULL::int, NULL::text, NULL::int, NULL::int, NULL::jsonb;
        RETURN;
    END IF;
    v_ok := secret_matches(p_pin, m.pin_hash);
    v := jsonb_build_object('card_hash', p_card_hash, 'at', clock_timestamp(), 'ok', v_ok, 'node_name', (me()).node_name,
                            'kiosk_id', k.kiosk_id, 'offline', false);
    PERFORM record_pin_attempt(v_event, v);
    PERFORM enqueue(v_event, 'pin_attempt', coast_node_of(m.home_coast), v);
    IF NOT v_ok THEN
        st := pin_state(p_card_hash);
        RETURN QUERY SELECT CASE WHEN st.locked_until IS NULL THEN 'wrong_pin' ELSE 'locked' END, st.tries_left,
                            st.locked_until, NULL::bigint, NULL::boolean, NULL::int, NULL::int, NULL::int, NULL::text,
                            NULL::int, NULL::int, NULL::jsonb;
        RETURN;
    END IF;
    SELECT * INTO p FROM membership x WHERE x.membership_id = m.membership_id;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, m.member_id, s.allowed, s.discs_out,
                        p.max_discs_out, m.membership_id, m.home_coast, p.daily_rate_cents, p.max_charge_cents,
                        make_ticket(p_card_hash, m.member_id, m.membership_id, m.home_coast, s.discs_out, s.allowed, k);
END
$$;
