-- A red box's facts for reconciliation (see common/functions/40_reconcile.sql).
CREATE OR REPLACE FUNCTION redbox.reconcile_facts(p_with_children boolean DEFAULT false)
RETURNS TABLE (node text, fact text, key text, value text)
LANGUAGE sql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
    WITH me AS (SELECT (me()).node_name AS n)
    SELECT me.n, 'rental', r.rental_id::text, rental_fact(r.status, r.charge_cents) FROM rental r, me
    UNION ALL
    SELECT me.n, 'kiosk_discs', k.kiosk_id,
           (SELECT count(*) FROM dvd d WHERE d.kiosk_id = k.kiosk_id AND d.status IN ('in', 'out'))::text
      FROM kiosk k, me
    UNION ALL
    SELECT me.n, 'member_open', s.member_id::text, s.discs_out::text FROM membershipstatus s, me WHERE s.discs_out <> 0
    UNION ALL
    SELECT me.n, 'hops', me.n, hop_fact() FROM me;
$$;
GRANT EXECUTE ON FUNCTION redbox.reconcile_facts(boolean) TO peer;
