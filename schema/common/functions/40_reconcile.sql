-- Reconciliation: each node states its facts; HQ gathers them from the
-- coasts (which gather their red boxes') over dblink and reports every
-- difference. Facts are (fact, key, value):
--   rental       rental id      open:- | closed:<charge cents> | void:0
--   member_open  member id      open rentals (only non-zero)
--   member_paid  member id      cents paid, tax included (HQ and coasts)
--   kiosk_discs  kiosk id       discs in or out at that kiosk
--   hops         node           undelivered hops / parked hops
--   pending      return id      a return still waiting for its rental (HQ)

CREATE OR REPLACE FUNCTION redbox.rental_fact(p_status text, p_charge int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_status = 'open' THEN 'open:-'
                WHEN p_status = 'void' THEN 'void:0'
                ELSE 'closed:' || coalesce(p_charge::text, '?') END;
$$;

CREATE OR REPLACE FUNCTION redbox.hop_fact() RETURNS text
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NULL) || '/'
        || (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL);
$$;
