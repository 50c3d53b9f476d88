-- Least privilege at a red box: each group role may run only its functions
-- (all SECURITY DEFINER with a fixed search_path); none has table rights.
-- "kiosk" is the group of the kiosks' own login roles, "peer" of the nodes'
-- dblink logins; the functions read who called from session_user.
GRANT EXECUTE ON FUNCTION
    redbox.kiosk_hello(),
    redbox.kiosk_member(text),
    redbox.kiosk_sign_in(text, text),
    redbox.kiosk_walkup(text),
    redbox.kiosk_report_pin_attempt(uuid, text, boolean, timestamptz),
    redbox.kiosk_rent(uuid, text, text, uuid, text, text, timestamptz, boolean, jsonb, jsonb),
    redbox.kiosk_buy(uuid, text, text, uuid, text, text, jsonb),
    redbox.kiosk_dispensed(uuid),
    redbox.kiosk_void_rental(uuid, text, int, boolean, boolean),
    redbox.kiosk_return(uuid, text, timestamptz, int, boolean),
    redbox.kiosk_replay(jsonb),
    redbox.kiosk_rental_status(uuid),
    redbox.kiosk_return_status(uuid),
    redbox.kiosk_health(),
    redbox.kiosk_heartbeat(int, int, bigint, bigint, bigint, text, text),
    redbox.cache_begin(text),
    redbox.cache_changes(text, text, text, text, text, boolean, int),
    redbox.kiosk_email_receipt(uuid, uuid[], uuid, text),
    redbox.kiosk_receipt_status(uuid),
    redbox.kiosk_audit(uuid, text, bigint, text, text, jsonb, timestamptz),
    redbox.tech_sign_in(text, text),
    redbox.tech_sign_out(text),
    redbox.tech_disc(uuid, text, text, text, int, text),
    redbox.tech_kiosk_discs(text),
    redbox.tech_health(text),
    redbox.tech_retry_parked(uuid, text)
  TO kiosk;
GRANT EXECUTE ON FUNCTION redbox.forward_batch(text, int), redbox.forward_pending(), redbox.purge_delivered(interval),
    redbox.probe_link(text), redbox.close_overdue_rentals(int), redbox.node_metrics()
  TO forwarder;
GRANT EXECUTE ON FUNCTION redbox.apply_events(jsonb) TO peer;
