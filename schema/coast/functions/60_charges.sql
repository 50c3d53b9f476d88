-- Charges at the member's home coast (tables in 037_charges.sql). The rental
-- ledger says what is owed; these functions turn it into requests to the card
-- processor, in order per charge, and record what the processor answered:
--   a rental recorded here      -> authorize the first night (with its tax)
--   nights accrue               -> increment the authorization (payment_accrue)
--   the disc comes back         -> capture what the rental cost, once
--   the dispense failed (void)  -> release the hold (or never ask for it)
--   an operator refunds         -> refund, audited (refund_charge)
-- The payments service claims a request (payment_claim), sends it, and reports
-- the answer (payment_result). A claimed request is in doubt until then: if the
-- service dies or the answer is lost, the next claim looks the key up first.

-- What a rental costs so far (or in all, once closed), tax included, as the
-- night and late payments of the ledger add up.
CREATE OR REPLACE FUNCTION redbox.rental_due_cents(r redbox.rental, p_at timestamptz)
RETURNS int LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT CASE
        WHEN r.status = 'void' THEN 0
        WHEN r.status = 'open' THEN
            -- (as the payments will be: the first night less its promo, then the late nights)
            (SELECT t.total - r.discount_cents + tax_on(r.daily_rate_cents - r.discount_cents, r.tax_rate_bp)
                    + tax_on(t.total - r.daily_rate_cents, r.tax_rate_bp)
               FROM (SELECT rental_total(rental_nights(r.rented_at, greatest(p_at, r.rented_at), r.timezone),
                                         r.daily_rate_cents, r.max_charge_cents) AS total) t)
        ELSE (SELECT coalesce(sum(p.amount_cents + p.tax_cents), 0)::int FROM payment p
               WHERE p.rental_id = r.rental_id AND NOT p.voided)
    END;
$$;

-- The hold on a card whose first night costs nothing (a promo): a dollar.
CREATE OR REPLACE FUNCTION redbox.free_night_hold_cents() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 100 $$;

-- Queue one request for a charge (nothing when KEY is already queued or done).
CREATE OR REPLACE FUNCTION redbox.queue_processor_request(p_charge uuid, p_op text, p_key text, p_cents int,
                                                          p_reason text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
BEGIN
    INSERT INTO processor_request (request_key, charge_id, op, amount_cents, reason)
    VALUES (p_key, p_charge, p_op, p_cents, p_reason)
    ON CONFLICT (request_key) DO NOTHING;
    IF FOUND THEN
        PERFORM pg_notify('redbox_payments', '');
    END IF;
    RETURN FOUND;
END
$$;

-- The hold a charge asked for so far (authorize and increments not refused).
CREATE OR REPLACE FUNCTION redbox.charge_target_cents(p_charge uuid)
RETURNS int LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT coalesce(sum(amount_cents), 0)::int FROM processor_request
     WHERE charge_id = p_charge AND op IN ('authorize', 'increment') AND state NOT IN ('declined', 'failed', 'cancelled');
$$;

-- Bring a rental's charge in line with the rental (run at commit by the
-- trigger below, and by payment_accrue): create and authorize it, increase
-- it, capture it once the rental is closed, release it when it was voided.
CREATE OR REPLACE FUNCTION redbox.charge_sync(p_rental uuid) RETURNS void
LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    r rental;
    c charge;
    night payment;
    v_due int;
    v_target int;
BEGIN
    SELECT * INTO r FROM rental WHERE rental_id = p_rental;
    IF NOT FOUND OR r.member_coast IS DISTINCT FROM (me()).coast THEN
        RETURN;   -- another coast's member: their coast charges them
    END IF;
    SELECT * INTO c FROM charge WHERE rental_id = p_rental FOR UPDATE;
    IF NOT FOUND THEN
        SELECT * INTO night FROM payment WHERE rental_id = p_rental AND kind = 'night';
        IF NOT FOUND OR r.status = 'void' THEN
            RETURN;   -- voided before it was ever charged: nothing to hold or release
        END IF;
        INSERT INTO charge (charge_id, rental_id, member_id, card_token, card_last4)
        VALUES (night.payment_id, p_rental, r.member_id, night.card_token, night.card_last4)
        RETURNING * INTO c;
        -- A first night a promo made free still puts a small hold on the card (the
        -- acquirer authorizes no zero amount), released when nothing more is owed.
        PERFORM queue_processor_request(c.charge_id, 'authorize', 'auth:' || c.charge_id,
                                        CASE WHEN night.amount_cents + night.tax_cents > 0
                                             THEN night.amount_cents + night.tax_cents ELSE free_night_hold_cents() END);
    END IF;
    IF c.state <> 'open' THEN
        RETURN;
    END IF;
    IF r.status = 'void' THEN
        -- A request still queued never reached the processor: drop it. If
        -- nothing was ever held (or asked for), there is nothing to release.
        UPDATE processor_request SET state = 'cancelled', done_at = clock_timestamp(), last_error = 'rental voided'
         WHERE charge_id = c.charge_id AND state = 'queued';
        IF c.auth_ref IS NULL AND NOT EXISTS (SELECT 1 FROM processor_request
                                               WHERE charge_id = c.charge_id AND state = 'in_doubt') THEN
            UPDATE charge SET state = 'voided', updated_at = clock_timestamp() WHERE charge_id = c.charge_id;
        ELSE
            PERFORM queue_processor_request(c.charge_id, 'void', 'void:' || c.charge_id, 0, 'failed dispense');
        END IF;
        RETURN;
    END IF;
    v_due := rental_due_cents(r, now());
    v_target := charge_target_cents(c.charge_id);
    IF v_due > v_target THEN
        PERFORM queue_processor_request(c.charge_id, 'increment', 'inc:' || c.charge_id || ':' || v_due,
                                        v_due - v_target);
    END IF;
    IF r.status <> 'open' AND v_due = 0 THEN
        PERFORM queue_processor_request(c.charge_id, 'void', 'void:' || c.charge_id, 0, 'nothing owed');
    ELSIF r.status <> 'open' THEN
        PERFORM queue_processor_request(c.charge_id, 'capture', 'capture:' || c.charge_id, v_due);
    END IF;
END
$$;

-- SECURITY DEFINER: a deferred trigger fires at commit, after the apply
-- function's own rights have ended (as the sending node's login).
CREATE OR REPLACE FUNCTION redbox.charge_on_rental() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
BEGIN
    PERFORM charge_sync(NEW.rental_id);
    RETURN NULL;
END
$$;

-- At commit, so the rental's payments (written after it) are all there.
DROP TRIGGER IF EXISTS rental_charge ON redbox.rental;
CREATE CONSTRAINT TRIGGER rental_charge AFTER INSERT OR UPDATE OF status ON redbox.rental
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION redbox.charge_on_rental();

-- Increase the authorizations of rentals whose nights grew (a new night
-- starts at 9 pm at the kiosk). Returns how many increments were queued.
CREATE OR REPLACE FUNCTION redbox.payment_accrue(p_limit int DEFAULT 5000) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    x record;
    n int := 0;
BEGIN
    FOR x IN SELECT c.charge_id, rental_due_cents(r, now()) AS due, charge_target_cents(c.charge_id) AS target
               FROM charge c JOIN rental r USING (rental_id)
              WHERE c.state = 'open' AND r.status = 'open'
              ORDER BY c.created_at LIMIT p_limit LOOP
        IF x.due > x.target
           AND queue_processor_request(x.charge_id, 'increment', 'inc:' || x.charge_id || ':' || x.due, x.due - x.target) THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END
$$;

-- The next requests to send: the first open one of each charge, marked in
-- doubt (sent) as they are handed out, with a lease: a service that dies with
-- a request in hand leaves it to be looked up LEASE later. LOOKUP_FIRST: the
-- request may have reached the processor already; ask it before resending.
-- AMOUNT_CENTS of a capture is what is due, at most what is held.
CREATE OR REPLACE FUNCTION redbox.payment_claim(p_limit int, p_lease interval DEFAULT interval '60 seconds')
RETURNS TABLE (request_key text, op text, amount_cents int, auth_ref text, card_token text, lookup_first boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 OR p_lease IS NULL OR p_lease < interval '1 second' THEN
        RAISE EXCEPTION 'payment_claim: limit must be 1-1000 and the lease at least a second' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH firsts AS (
        SELECT DISTINCT ON (q.charge_id) q.request_key, q.state, q.next_attempt_at
          FROM processor_request q
         WHERE q.state IN ('queued', 'in_doubt')
         ORDER BY q.charge_id, q.seq
    ), due AS (
        SELECT f.request_key, f.state = 'in_doubt' AS was_in_doubt FROM firsts f
         WHERE f.next_attempt_at <= clock_timestamp()
         ORDER BY f.next_attempt_at LIMIT p_limit
    ), claimed AS (
        UPDATE processor_request q
           SET state = 'in_doubt', attempts = q.attempts + 1, sent_at = clock_timestamp(),
               next_attempt_at = clock_timestamp() + p_lease
          FROM due
         -- (the state again: a request cancelled meanwhile, by a void, is not sent)
         WHERE q.request_key = due.request_key AND q.state IN ('queued', 'in_doubt')
        RETURNING q.request_key, q.op, q.amount_cents, q.charge_id, due.was_in_doubt
    )
    SELECT cl.request_key, cl.op,
           CASE WHEN cl.op = 'capture' THEN least(cl.amount_cents, c.held_cents) ELSE cl.amount_cents END,
           c.auth_ref, c.card_token, cl.was_in_doubt
      FROM claimed cl JOIN charge c ON c.charge_id = cl.charge_id;
END
$$;

-- How long a request waits after its ATTEMPTS-th failed try: 1, 2, 4 ... 60 s.
CREATE OR REPLACE FUNCTION redbox.payment_backoff(p_attempts int) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_interval(secs => least(60, 2 ^ least(greatest(p_attempts - 1, 0), 6)));
$$;

-- What the processor said about request KEY. OUTCOME:
--   approved     done; AMOUNT is what the processor applied, REF its authorization id
--   declined     done; the card was declined (an authorization: the charge ends declined)
--   rejected     done; the processor refused the request as invalid (MESSAGE says why)
--   unavailable  not applied (refused before it arrived): tried again later
--   in_doubt     sent, answer lost: looked up later
--   not_found    a lookup found the processor never got it: sent again (same key)
CREATE OR REPLACE FUNCTION redbox.payment_result(p_key text, p_outcome text, p_ref text, p_amount int, p_message text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    q processor_request;
    c charge;
BEGIN
    SELECT * INTO q FROM processor_request WHERE request_key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no processor request %', p_key USING ERRCODE = 'RB012';
    END IF;
    IF q.state NOT IN ('queued', 'in_doubt') THEN
        RETURN q.state;   -- answered before (a second report of the same answer)
    END IF;
    IF q.state = 'queued' THEN
        RAISE EXCEPTION 'processor request % was not claimed (payment_claim) before its answer', p_key USING ERRCODE = 'RB022';
    END IF;
    IF p_outcome = 'approved' AND (p_amount IS NULL OR p_amount < 0
                                   OR (q.op = 'authorize' AND (p_ref IS NULL OR p_ref !~ '^[A-Za-z0-9_-]{4,64}$'))) THEN
        RAISE EXCEPTION 'an approved % needs an amount and an authorization id', q.op USING ERRCODE = '22023';
    END IF;
    SELECT * INTO c FROM charge WHERE charge_id = q.charge_id FOR UPDATE;
    CASE p_outcome
    WHEN 'approved' THEN
        UPDATE processor_request SET state = 'approved', done_at = clock_timestamp(), last_error = NULL,
                                     applied_cents = p_amount,
                                     released_cents = CASE q.op WHEN 'void' THEN c.held_cents
                                                                WHEN 'capture' THEN greatest(c.held_cents - p_amount, 0)
                                                                ELSE 0 END
         WHERE request_key = p_key;
        CASE q.op
        WHEN 'authorize' THEN
            UPDATE charge SET auth_ref = p_ref, held_cents = p_amount, state = 'open' WHERE charge_id = c.charge_id;
            IF c.state <> 'open' THEN
                -- Held after its charge had ended (voided meanwhile): give the hold back.
                PERFORM queue_processor_request(c.charge_id, 'void', 'void:' || c.charge_id, 0, 'held after the charge ended');
            END IF;
        WHEN 'increment' THEN
            UPDATE charge SET held_cents = held_cents + p_amount WHERE charge_id = c.charge_id;
        WHEN 'capture' THEN
            UPDATE charge SET captured_cents = p_amount, held_cents = 0, state = 'captured' WHERE charge_id = c.charge_id;
        WHEN 'void' THEN
            UPDATE charge SET held_cents = 0, state = 'voided' WHERE charge_id = c.charge_id;
        WHEN 'refund' THEN
            UPDATE charge SET refunded_cents = refunded_cents + p_amount WHERE charge_id = c.charge_id;
        END CASE;
    WHEN 'declined', 'rejected' THEN
        UPDATE processor_request SET state = CASE p_outcome WHEN 'declined' THEN 'declined' ELSE 'failed' END,
                                     done_at = clock_timestamp(), last_error = left(p_message, 500)
         WHERE request_key = p_key;
        IF q.op = 'authorize' THEN
            -- Nothing is held: nothing later can be increased, captured or released.
            UPDATE charge SET state = 'declined' WHERE charge_id = c.charge_id;
            UPDATE processor_request SET state = 'cancelled', done_at = clock_timestamp(),
                                         last_error = 'the authorization was ' || p_outcome
             WHERE charge_id = c.charge_id AND state = 'queued';
        END IF;
    WHEN 'unavailable', 'in_doubt' THEN
        UPDATE processor_request SET state = CASE p_outcome WHEN 'unavailable' THEN 'queued' ELSE 'in_doubt' END,
                                     last_error = left(p_message, 500),
                                     next_attempt_at = clock_timestamp() + payment_backoff(q.attempts)
         WHERE request_key = p_key;
    WHEN 'not_found' THEN
        UPDATE processor_request SET state = 'queued', next_attempt_at = clock_timestamp(), last_error = left(p_message, 500)
         WHERE request_key = p_key;
    ELSE
        RAISE EXCEPTION 'unknown outcome %', p_outcome USING ERRCODE = '22023';
    END CASE;
    UPDATE charge SET updated_at = clock_timestamp() WHERE charge_id = c.charge_id;
    RETURN (SELECT state FROM processor_request WHERE request_key = p_key);
END
$$;

-- An operator's refund (run as the administrator, granted to no one), once
-- per REFUND_ID, at most what was captured and not yet refunded, audited.
CREATE OR REPLACE FUNCTION redbox.refund_charge(p_refund_id uuid, p_rental uuid, p_cents int, p_reason text, p_by text)
RETURNS text LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    c charge;
    v_key text := 'refund:' || p_refund_id;
    v_open int;
BEGIN
    PERFORM need(p_reason, 'reason', 200);
    PERFORM need(p_by, 'who refunds', 64);
    IF p_refund_id IS NULL OR p_cents IS NULL OR p_cents < 1 OR length(p_reason) < 3 THEN
        RAISE EXCEPTION 'a refund needs an id, a positive amount and a reason' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM processor_request WHERE request_key = v_key) THEN
        RETURN 'already queued';
    END IF;
    SELECT * INTO c FROM charge WHERE rental_id = p_rental FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'rental % has no charge at this coast', p_rental USING ERRCODE = 'RB012';
    END IF;
    IF c.state <> 'captured' THEN
        RAISE EXCEPTION 'rental % is not captured (it is %): release the hold instead', p_rental, c.state
            USING ERRCODE = 'RB022';
    END IF;
    SELECT c.captured_cents - c.refunded_cents - coalesce(sum(q.amount_cents), 0) INTO v_open
      FROM processor_request q WHERE q.charge_id = c.charge_id AND q.op = 'refund' AND q.state IN ('queued', 'in_doubt');
    IF p_cents > v_open THEN
        RAISE EXCEPTION 'refund of % cents is more than the % cents left to refund on rental %', p_cents, v_open, p_rental
            USING ERRCODE = 'RB022';
    END IF;
    PERFORM queue_processor_request(c.charge_id, 'refund', v_key, p_cents, p_reason);
    INSERT INTO audit_log (audit_id, at, node_name, action, detail)
    VALUES (p_refund_id, clock_timestamp(), (me()).node_name, 'refund',
            jsonb_build_object('rental_id', p_rental, 'cents', p_cents, 'reason', p_reason, 'by', p_by));
    RETURN 'queued';
END
$$;

-- The day's money per this coast (days in UTC, by when the processor answered).
CREATE OR REPLACE FUNCTION redbox.settlement(p_from date, p_to date)
RETURNS TABLE (day date, authorized_cents bigint, captured_cents bigint, released_cents bigint, refunded_cents bigint,
               declined int, failed int, in_flight int)
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT d::date,
           coalesce(sum(q.applied_cents) FILTER (WHERE q.op IN ('authorize', 'increment') AND q.state = 'approved'), 0),
           coalesce(sum(q.applied_cents) FILTER (WHERE q.op = 'capture' AND q.state = 'approved'), 0),
           coalesce(sum(q.released_cents) FILTER (WHERE q.state = 'approved'), 0),
           coalesce(sum(q.applied_cents) FILTER (WHERE q.op = 'refund' AND q.state = 'approved'), 0),
           count(*) FILTER (WHERE q.state = 'declined')::int,
           count(*) FILTER (WHERE q.state = 'failed')::int,
           (SELECT count(*)::int FROM processor_request x WHERE x.state IN ('queued', 'in_doubt')
                                                           AND (x.created_at AT TIME ZONE 'UTC')::date = d::date)
      FROM generate_series(p_from, p_to, interval '1 day') d
      LEFT JOIN processor_request q ON (q.done_at AT TIME ZONE 'UTC')::date = d::date
     GROUP BY d ORDER BY d;
$$;

-- Our side of the processor's ledger, per authorization (by the key that
-- asked for it), for reconcile. IN_FLIGHT: a request is still queued or in
-- doubt, so the two sides may differ for now.
CREATE OR REPLACE FUNCTION redbox.charge_ledger()
RETURNS TABLE (auth_key text, auth_ref text, state text, held_cents int, captured_cents int, refunded_cents int,
               in_flight boolean)
LANGUAGE sql STABLE SET search_path = redbox, pg_temp AS $$
    SELECT 'auth:' || c.charge_id, c.auth_ref, c.state, c.held_cents, c.captured_cents, c.refunded_cents,
           EXISTS (SELECT 1 FROM processor_request q WHERE q.charge_id = c.charge_id AND q.state IN ('queued', 'in_doubt'))
      FROM charge c
     WHERE c.auth_ref IS NOT NULL
        OR EXISTS (SELECT 1 FROM processor_request q WHERE q.charge_id = c.charge_id AND q.op = 'authorize'
                      AND q.state IN ('queued', 'in_doubt'))
     ORDER BY 1;
$$;
