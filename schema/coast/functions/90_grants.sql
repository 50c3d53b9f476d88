-- Least privilege at a coast server: each login role may run only its functions.
GRANT EXECUTE ON FUNCTION redbox.apply_events(jsonb, text), redbox.export_rows(text, text, text, int) TO peer;
GRANT EXECUTE ON FUNCTION redbox.verify_member(text) TO verifier;
GRANT EXECUTE ON FUNCTION redbox.forward_batch(text, int), redbox.forward_pending(), redbox.purge_delivered(interval),
    redbox.probe_link(text)
  TO forwarder;
GRANT EXECUTE ON FUNCTION redbox.parked_hops(), redbox.retry_parked(bigint), redbox.tech_login(text) TO technician;
