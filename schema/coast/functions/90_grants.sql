-- Least privilege at a coast server: each group role may run only its functions.
-- "verifier" is the group of the kiosks' escalation logins, "peer" of the nodes' dblink logins.
GRANT EXECUTE ON FUNCTION redbox.apply_events(jsonb), redbox.export_rows(text, text, text, int) TO peer;
GRANT EXECUTE ON FUNCTION redbox.verify_member(text), redbox.verify_member_pin(text, text), redbox.verify_walkup(text), redbox.tech_verify(text, text)
  TO verifier;
GRANT EXECUTE ON FUNCTION redbox.forward_batch(text, int), redbox.forward_pending(), redbox.purge_delivered(interval),
    redbox.probe_link(text), redbox.close_overdue_rentals(int), redbox.node_metrics()
  TO forwarder;
-- The payments service: its requests to the card processor, and nothing else.
GRANT USAGE ON SCHEMA redbox TO payments;
GRANT EXECUTE ON FUNCTION redbox.payment_claim(int, interval), redbox.payment_result(text, text, text, int, text),
    redbox.payment_accrue(int)
  TO payments;
-- The mail service: the receipts to send, and what the relay said.
GRANT USAGE ON SCHEMA redbox TO mailer;
GRANT EXECUTE ON FUNCTION redbox.mail_claim(int, interval), redbox.mail_result(uuid, boolean, boolean, text) TO mailer;
