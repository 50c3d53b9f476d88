-- Reconciliation at HQ: gathers every node's facts (coasts over dblink, and
-- through them their red boxes) and returns one line per difference.
-- No lines: red boxes, coasts and HQ agree on every rental, every member's
-- open rentals and payments (to the cent), every kiosk's discs, and no work
-- is left over.
CREATE OR REPLACE FUNCTION redbox.reconcile()
RETURNS TABLE (problem text)
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    l node_link;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.facts (node text, fact text, key text, value text) ON COMMIT DROP;
    TRUNCATE pg_temp.facts;
    INSERT INTO pg_temp.facts
        SELECT 'hq', 'rental', r.rental_id::text, rental_fact(r.status, r.charge_cents) FROM rental r
        UNION ALL
        SELECT 'hq', 'member_open', r.member_id::text, count(*)::text FROM rental r WHERE r.status = 'open'
         GROUP BY r.member_id
        UNION ALL
        SELECT 'hq', 'member_paid', p.member_id::text, sum(p.amount_cents + p.tax_cents)::text FROM payment p
         WHERE NOT p.voided GROUP BY p.member_id
        UNION ALL
        SELECT 'hq', 'kiosk_discs', k.kiosk_id,
               (SELECT count(*) FROM dvd d WHERE d.kiosk_id = k.kiosk_id AND d.status IN ('in', 'out'))::text
          FROM redbox k
        UNION ALL
        SELECT 'hq', 'hops', 'hq', hop_fact();
    FOR l IN SELECT * FROM node_link WHERE kind = 'coast' ORDER BY target LOOP
        INSERT INTO pg_temp.facts
            SELECT * FROM ext.dblink(l.server_name, 'SELECT * FROM redbox.reconcile_facts(true)')
                          AS t(node text, fact text, key text, value text);
    END LOOP;
    -- Indexed and analysed: with a national fleet (tens of thousands of kiosks,
    -- hundreds of thousands of facts) the joins below must not scan it per row.
    CREATE INDEX IF NOT EXISTS facts_lookup ON pg_temp.facts (fact, key, node);
    ANALYZE pg_temp.facts;
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.holders ON COMMIT DROP AS
        SELECT NULL::text AS rental_id, NULL::text AS node WHERE false;
    TRUNCATE pg_temp.holders;
    -- Where each rental must be: its red box, its kiosk's coast, its member's coast, HQ.
    INSERT INTO pg_temp.holders
        SELECT r.rental_id::text, n FROM rental r,
               LATERAL unnest(ARRAY[r.kiosk_node, coast_node_of(r.kiosk_coast), coast_node_of(r.member_coast)]) n;
    ANALYZE pg_temp.holders;

    RETURN QUERY
    -- 1. every rental, everywhere it must be, with the same state and charge
    SELECT format('rental %s: %s at %s, %s at HQ', h.rental_id, coalesce(f.value, 'missing'), h.node, hq.value)
      FROM (SELECT DISTINCT rental_id, node FROM pg_temp.holders) h
      JOIN pg_temp.facts hq ON hq.node = 'hq' AND hq.fact = 'rental' AND hq.key = h.rental_id
      LEFT JOIN pg_temp.facts f ON f.node = h.node AND f.fact = 'rental' AND f.key = h.rental_id
     WHERE f.value IS DISTINCT FROM hq.value
    UNION ALL
    SELECT format('rental %s is at %s but not at HQ', f.key, f.node)
      FROM pg_temp.facts f
     WHERE f.fact = 'rental' AND f.node <> 'hq'
       AND NOT EXISTS (SELECT 1 FROM pg_temp.facts hq WHERE hq.node = 'hq' AND hq.fact = 'rental' AND hq.key = f.key)
    UNION ALL
    -- 2. a member's open rentals: HQ = home coast = every red box of that coast
    SELECT format('member %s: %s open at %s, %s at HQ', k.key, coalesce(f.value, '0'), k.node, coalesce(hq.value, '0'))
      FROM (SELECT DISTINCT x.key, nodes.node
              FROM pg_temp.facts x
              JOIN (SELECT member_id, home_coast FROM member UNION ALL SELECT member_id, home_coast FROM walkup_card) m
                ON m.member_id::text = x.key
              CROSS JOIN LATERAL (SELECT coast_node_of(m.home_coast) AS node
                                  UNION
                                  SELECT rk.node_name FROM redbox rk WHERE rk.coast = m.home_coast) nodes
             WHERE x.fact = 'member_open') k
      LEFT JOIN pg_temp.facts hq ON hq.node = 'hq' AND hq.fact = 'member_open' AND hq.key = k.key
      LEFT JOIN pg_temp.facts f ON f.node = k.node AND f.fact = 'member_open' AND f.key = k.key
     WHERE coalesce(f.value, '0') <> coalesce(hq.value, '0')
    UNION ALL
    -- 3. what each member paid, to the cent: HQ = home coast
    SELECT format('member %s paid %s cents at %s, %s at HQ', k.key, coalesce(f.value, '0'), k.node, coalesce(hq.value, '0'))
      FROM (SELECT DISTINCT x.key, coast_node_of(m.home_coast) AS node
              FROM pg_temp.facts x JOIN (SELECT member_id, home_coast FROM member UNION ALL SELECT member_id, home_coast FROM walkup_card) m
                ON m.member_id::text = x.key
             WHERE x.fact = 'member_paid') k
      LEFT JOIN pg_temp.facts hq ON hq.node = 'hq' AND hq.fact = 'member_paid' AND hq.key = k.key
      LEFT JOIN pg_temp.facts f ON f.node = k.node AND f.fact = 'member_paid' AND f.key = k.key
     WHERE coalesce(f.value, '0') <> coalesce(hq.value, '0')
    UNION ALL
    -- 4. discs per kiosk: red box = its coast = HQ
    SELECT format('kiosk %s: %s discs at %s, %s at HQ', k.kiosk_id, coalesce(f.value, 'missing'), n.node, hq.value)
      FROM redbox k
      CROSS JOIN LATERAL (VALUES (k.node_name), (coast_node_of(k.coast))) n(node)
      JOIN pg_temp.facts hq ON hq.node = 'hq' AND hq.fact = 'kiosk_discs' AND hq.key = k.kiosk_id
      LEFT JOIN pg_temp.facts f ON f.node = n.node AND f.fact = 'kiosk_discs' AND f.key = k.kiosk_id
     WHERE f.value IS DISTINCT FROM hq.value
    UNION ALL
    -- 5. nothing left over
    SELECT format('%s has %s hops undelivered and %s parked', f.node, split_part(f.value, '/', 1),
                  split_part(f.value, '/', 2))
      FROM pg_temp.facts f WHERE f.fact = 'hops' AND f.value <> '0/0'
    UNION ALL
    SELECT format('return %s of disc %s at %s still waits for its rental', p.return_id, p.barcode, p.kiosk_id)
      FROM pending_return p
    UNION ALL
    SELECT format('rental %s put member %s over the plan limit (%s of %s) while the network was whole',
                  o.rental_id, o.member_id, o.discs_out, o.plan_limit)
      FROM limit_overshoot o JOIN rental r USING (rental_id) WHERE NOT r.offline
    ORDER BY 1;
END
$$;

-- Overshoot during partitions: reported, not an error.
CREATE OR REPLACE FUNCTION redbox.offline_overshoots()
RETURNS TABLE (rental_id uuid, member_id bigint, discs_out int, plan_limit int, detected_at timestamptz)
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT o.rental_id, o.member_id, o.discs_out, o.plan_limit, o.detected_at
      FROM limit_overshoot o JOIN rental r USING (rental_id) WHERE r.offline ORDER BY o.detected_at;
$$;
