-- Receipts at a red box (see 10_kiosk.sql for who may call them).

-- An e-mailed receipt: the red box holds no e-mail address, so it sends the
-- receipt's lines to the member's coast (via HQ for an away member), whose
-- mail queue holds the address on file. A walk-up card has none: EMAIL is
-- the address its customer typed at the kiosk (carried, never kept here).
-- "sent" once the coast has it.
DROP FUNCTION IF EXISTS redbox.kiosk_email_receipt(uuid, uuid[], uuid);
CREATE OR REPLACE FUNCTION redbox.kiosk_email_receipt(p_receipt_id uuid, p_rental_ids uuid[], p_return_id uuid DEFAULT NULL,
                                                      p_email text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    k kiosk_login := session_kiosk();
    v_member bigint;
    v_coast text;
    v_lines jsonb;
    v_members int;
BEGIN
    IF p_receipt_id IS NULL THEN
        RAISE EXCEPTION 'receipt id is required' USING ERRCODE = '22023';
    END IF;
    IF coalesce(array_length(p_rental_ids, 1), 0) > 20 THEN
        RAISE EXCEPTION 'at most 20 rentals on a receipt' USING ERRCODE = '22023';
    END IF;
    IF p_email IS NOT NULL THEN
        PERFORM need(p_email, 'e-mail', 64, '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$');
    END IF;
    IF EXISTS (SELECT 1 FROM outbox WHERE event_id = p_receipt_id AND kind = 'receipt') THEN
        RETURN 'queued';
    END IF;
    SELECT min(r.member_id), min(r.member_coast), count(DISTINCT r.member_id),
           jsonb_agg(jsonb_build_object('rental_id', r.rental_id, 'title', m.title, 'barcode', r.barcode,
                                        'rented_at', r.rented_at, 'due_at', rental_due(r.rented_at, r.timezone),
                                        'amount_cents', r.daily_rate_cents - r.discount_cents,
                                        'tax_cents', tax_on(r.daily_rate_cents - r.discount_cents, r.tax_rate_bp),
                                        'promo_code', r.promo_code, 'discount_cents', r.discount_cents,
                                        'purchase', r.purchase,
                                        'status', r.status, 'charge_cents', r.charge_cents) ORDER BY r.rented_at)
      INTO v_member, v_coast, v_members, v_lines
      FROM rental r JOIN movie m ON m.movie_id = r.movie_id
     WHERE r.kiosk_id = k.kiosk_id
       AND (r.rental_id = ANY (coalesce(p_rental_ids, '{}')) OR (p_return_id IS NOT NULL AND r.return_id = p_return_id));
    IF v_member IS NULL THEN
        RAISE EXCEPTION 'no rental or return of this kiosk matches the receipt' USING ERRCODE = 'RB012';
    END IF;
    IF v_members > 1 THEN
        RAISE EXCEPTION 'a receipt covers the rentals of one member' USING ERRCODE = '22023';
    END IF;
    PERFORM enqueue(p_receipt_id, 'receipt', coast_node(),
                    jsonb_build_object('receipt_id', p_receipt_id, 'member_id', v_member, 'member_coast', v_coast,
                                       'kiosk_id', k.kiosk_id, 'lines', v_lines, 'made_at', clock_timestamp(),
                                       'email', p_email));
    RETURN 'queued';
END
$$;

CREATE OR REPLACE FUNCTION redbox.kiosk_receipt_status(p_receipt_id uuid)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp STABLE AS $$
DECLARE
    k kiosk_login := session_kiosk();
BEGIN
    RETURN (SELECT CASE WHEN o.hop_id IS NULL THEN 'unknown'
                        WHEN o.delivered_at IS NOT NULL THEN 'sent'
                        WHEN o.parked_at IS NOT NULL THEN 'failed'
                        ELSE 'queued' END
              FROM (SELECT 1) one
              LEFT JOIN outbox o ON o.event_id = p_receipt_id AND o.kind = 'receipt' AND o.payload->>'kiosk_id' = k.kiosk_id);
END
$$;
