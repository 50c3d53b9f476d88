-- Least privilege at a red box: each login role may run only its functions
-- (all SECURITY DEFINER with a fixed search_path); none has table rights.
GRANT EXECUTE ON FUNCTION
    redbox.kiosk_member(text),
    redbox.kiosk_rent(uuid, text, text, text, uuid, text, text, timestamptz, boolean, jsonb),
    redbox.kiosk_void_rental(uuid, text, text, int, boolean),
    redbox.kiosk_return(uuid, text, text, timestamptz, int),
    redbox.kiosk_rental_status(uuid),
    redbox.kiosk_return_status(uuid),
    redbox.kiosk_health(),
    redbox.cache_begin(text, text),
    redbox.cache_changes(text, text, text, text, text, text, boolean, int),
    redbox.kiosk_email_receipt(uuid, text, uuid[], uuid),
    redbox.kiosk_receipt_status(uuid),
    redbox.kiosk_audit(uuid, text, bigint, text, text, jsonb, timestamptz)
  TO kiosk;
GRANT EXECUTE ON FUNCTION redbox.forward_batch(text, int), redbox.forward_pending(), redbox.purge_delivered(interval),
    redbox.probe_link(text)
  TO forwarder;
GRANT EXECUTE ON FUNCTION redbox.apply_events(jsonb, text) TO peer;
GRANT EXECUTE ON FUNCTION redbox.parked_hops(), redbox.retry_parked(bigint), redbox.kiosk_health(),
    redbox.tech_login(text), redbox.tech_disc(uuid, text, bigint, text, text, int, text),
    redbox.tech_kiosk_discs(text), redbox.tech_health(), redbox.tech_retry_parked(uuid, text, bigint),
    redbox.kiosk_audit(uuid, text, bigint, text, text, jsonb, timestamptz)
  TO technician;
