-- Walk-up cards at a coast and at HQ (see common/039_walkup.sql). A card's
-- home is the coast whose kiosk rented to it first; both tiers learn the
-- card from that rental, count its discs like a member's, and make it a
-- returning card once one of its discs comes back.

-- A walk-up card as a red box stores it (membership status, no PIN hash).
CREATE OR REPLACE FUNCTION redbox.walkup_status_row(p_member bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT jsonb_build_object('member_id', w.member_id, 'card_hash', w.card_hash, 'pin_hash', NULL,
                              'allowed', s.allowed, 'discs_out', s.discs_out, 'plan_limit', p.max_discs_out,
                              'membership_id', w.membership_id, 'home_coast', w.home_coast)
      FROM walkup_card w
      JOIN membershipstatus s USING (member_id)
      JOIN membership p ON p.membership_id = w.membership_id
     WHERE w.member_id = p_member;
$$;

-- A rental P that names a walk-up card: the card recorded here on its first
-- rental. True when it was new here. Raises RB021 unless the member id is
-- the card's own, the plan a walk-up plan and the home coast the card's.
CREATE OR REPLACE FUNCTION redbox.note_walkup(p jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    w walkup_card;
BEGIN
    IF NOT coalesce(is_walkup_plan((p->>'membership_id')::int), false)
       OR NOT coalesce(p->>'card_hash' ~ '^[0-9a-f]{64}$', false)
       OR walkup_member_id(p->>'card_hash') IS DISTINCT FROM (p->>'member_id')::bigint THEN
        RAISE EXCEPTION 'rental % names member % on plan %, who is not one of ours on that plan',
            p->>'rental_id', p->>'member_id', p->>'membership_id' USING ERRCODE = 'RB021';
    END IF;
    SELECT * INTO w FROM walkup_card x WHERE x.member_id = (p->>'member_id')::bigint;
    IF FOUND THEN
        IF w.home_coast IS DISTINCT FROM p->>'member_coast' THEN
            RAISE EXCEPTION 'rental % names member % at home on the % coast; that walk-up card is at home on the % coast',
                p->>'rental_id', w.member_id, p->>'member_coast', w.home_coast USING ERRCODE = 'RB021';
        END IF;
        RETURN false;
    END IF;
    INSERT INTO walkup_card (member_id, card_hash, membership_id, home_coast, first_kiosk, first_seen_at)
    VALUES ((p->>'member_id')::bigint, p->>'card_hash', walkup_first_plan(), p->>'member_coast', p->>'kiosk_id',
            (p->>'rented_at')::timestamptz)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO membershipstatus (member_id) VALUES ((p->>'member_id')::bigint) ON CONFLICT DO NOTHING;
    RETURN true;
END
$$;

-- A first-time walk-up card that has brought a disc back becomes a
-- returning one; the card's home coast tells its red boxes.
CREATE OR REPLACE FUNCTION redbox.walkup_maybe_returning(p_member bigint) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    w walkup_card;
    me_ node_identity := me();
BEGIN
    UPDATE walkup_card SET membership_id = walkup_returning_plan()
     WHERE member_id = p_member AND membership_id = walkup_first_plan()
       AND EXISTS (SELECT 1 FROM rental r WHERE r.member_id = p_member AND r.status = 'returned')
    RETURNING * INTO w;
    IF FOUND AND me_.tier = 'coast' AND w.home_coast = me_.coast THEN
        PERFORM enqueue_kind(md5('walkup-returning:' || p_member)::uuid, 'member_upsert', 'redbox',
                             walkup_status_row(p_member));
    END IF;
END
$$;

-- Escalation for a walk-up card a kiosk's red box does not know (yet): no
-- PIN, no ZIP here (the card reader's acquirer checks the billing ZIP when
-- the first night is authorized); the card's count and plan as this tier
-- has them, with a ticket for the kiosk's red box. The same row shape as
-- verify_member_pin, so a kiosk reads both alike.
CREATE OR REPLACE FUNCTION redbox.verify_walkup(p_card_hash text)
RETURNS TABLE (outcome text, tries_left int, locked_until timestamptz, member_id bigint, allowed boolean, discs_out int,
               plan_limit int, membership_id int, home_coast text, daily_rate_cents int, max_charge_cents int,
               ticket jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := session_kiosk();
    w walkup_card;
    s membershipstatus;
    p membership;
BEGIN
    PERFORM need_card_hash(p_card_hash);
    SELECT * INTO w FROM walkup_card x WHERE x.card_hash = p_card_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this card has not rented in the network yet' USING ERRCODE = 'RB001';
    END IF;
    SELECT * INTO s FROM membershipstatus x WHERE x.member_id = w.member_id;
    SELECT * INTO p FROM membership x WHERE x.membership_id = w.membership_id;
    RETURN QUERY SELECT 'ok'::text, pin_max_failures(), NULL::timestamptz, w.member_id, s.allowed, s.discs_out,
                        p.max_discs_out, w.membership_id, w.home_coast, p.daily_rate_cents, p.max_charge_cents,
                        make_ticket(p_card_hash, w.member_id, w.membership_id, w.home_coast, s.discs_out, s.allowed, k);
END
$$;
