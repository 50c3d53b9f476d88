-- Least privilege at HQ: each group role may run only its functions.
-- "verifier" is the group of the kiosks' escalation logins, "peer" of the nodes' dblink logins.
GRANT EXECUTE ON FUNCTION redbox.apply_events(jsonb), redbox.export_rows(text, text, text, int) TO peer;
GRANT EXECUTE ON FUNCTION redbox.verify_member(text), redbox.verify_member_pin(text, text), redbox.verify_walkup(text),
    redbox.redeem_promo(text, text, uuid), redbox.release_promo(uuid) TO verifier;
GRANT EXECUTE ON FUNCTION redbox.forward_batch(text, int), redbox.forward_pending(), redbox.purge_delivered(interval),
    redbox.probe_link(text), redbox.close_overdue_rentals(int), redbox.node_metrics()
  TO forwarder;
