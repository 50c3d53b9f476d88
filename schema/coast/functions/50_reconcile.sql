-- A coast's facts for reconciliation, with its red boxes' facts gathered over
-- dblink (for HQ or an administrator; a red box gets the coast's own facts only).
CREATE OR REPLACE FUNCTION redbox.reconcile_facts(p_with_children boolean DEFAULT false)
RETURNS TABLE (node text, fact text, key text, value text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    me_ text := (me()).node_name;
    l node_link;
BEGIN
    IF p_with_children AND EXISTS (SELECT 1 FROM peer_login x WHERE x.login = session_user AND x.tier <> 'hq') THEN
        RAISE EXCEPTION 'only HQ may gather the red boxes'' facts through %', me_ USING ERRCODE = 'RB019';
    END IF;
    RETURN QUERY
        SELECT me_, 'rental'::text, r.rental_id::text, rental_fact(r.status, r.charge_cents) FROM rental r
        UNION ALL
        SELECT me_, 'member_open', r.member_id::text, count(*)::text FROM rental r
         WHERE r.status = 'open' AND r.member_coast = (me()).coast GROUP BY r.member_id
        UNION ALL
        SELECT me_, 'member_paid', p.member_id::text, sum(p.amount_cents + p.tax_cents)::text
          FROM payment p JOIN rental r USING (rental_id)
         WHERE NOT p.voided AND r.member_coast = (me()).coast GROUP BY p.member_id
        UNION ALL
        SELECT me_, 'kiosk_discs', k.kiosk_id,
               (SELECT count(*) FROM dvd d WHERE d.kiosk_id = k.kiosk_id AND d.status IN ('in', 'out'))::text
          FROM redbox k
        UNION ALL
        SELECT me_, 'hops', me_, hop_fact();
    IF p_with_children THEN
        FOR l IN SELECT * FROM node_link WHERE kind = 'redbox' ORDER BY target LOOP
            RETURN QUERY SELECT * FROM ext.dblink(l.server_name, 'SELECT * FROM redbox.reconcile_facts(false)')
                                AS t(node text, fact text, key text, value text);
        END LOOP;
    END IF;
END
$$;
GRANT EXECUTE ON FUNCTION redbox.reconcile_facts(boolean) TO peer;
