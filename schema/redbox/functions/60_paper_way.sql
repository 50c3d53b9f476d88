-- The paper's way, kept for comparison (tests/bench/bench_rentals): the same
-- rental, but every hop is carried synchronously over dblink inside the
-- customer's transaction, so the customer waits on the coast and the sibling
-- (and a rental fails when either is down). Granted to no one; the benchmark
-- runs it as the owner, for the kiosk it names.
DROP FUNCTION IF EXISTS redbox.rent_paper_way(uuid, text, text, text, uuid, text, text, timestamptz);
CREATE OR REPLACE FUNCTION redbox.rent_paper_way(
    p_rental_id uuid, p_kiosk_id text, p_card_hash text, p_barcode text, p_payment_id uuid,
    p_card_token text, p_card_last4 text)
RETURNS uuid LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login;
    h outbox;
    v_server text;
    v_result jsonb;
BEGIN
    SELECT * INTO k FROM kiosk_login WHERE kiosk_id = p_kiosk_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kiosk % is not served by red box %', p_kiosk_id, (me()).node_name USING ERRCODE = 'RB008';
    END IF;
    PERFORM * FROM rent_core(k, p_rental_id, p_card_hash, p_barcode, p_payment_id, p_card_token, p_card_last4, NULL,
                             false, NULL, true);
    FOR h IN SELECT * FROM outbox WHERE event_id = p_rental_id AND delivered_at IS NULL ORDER BY hop_id LOOP
        SELECT server_name INTO v_server FROM node_link WHERE target = h.dest;
        IF NOT ('paper_' || h.dest = ANY (coalesce(ext.dblink_get_connections(), '{}'))) THEN
            PERFORM ext.dblink_connect('paper_' || h.dest, v_server);
        END IF;
        SELECT t.res INTO v_result
          FROM ext.dblink('paper_' || h.dest,
                          format('SELECT redbox.apply_events(%L::jsonb)',
                                 jsonb_build_array(jsonb_build_object('hop_id', h.hop_id, 'event_id', h.event_id,
                                                                      'kind', h.kind, 'payload', h.payload)))) AS t(res jsonb);
        IF v_result->0->>'status' NOT IN ('applied', 'duplicate') THEN
            RAISE EXCEPTION 'hop to % failed: %', h.dest, v_result->0->>'error';
        END IF;
        UPDATE outbox SET delivered_at = clock_timestamp(), attempts = 1 WHERE hop_id = h.hop_id;
    END LOOP;
    RETURN p_rental_id;
END
$$;
