-- 044: receipts that arrive. The coast's mail service (redbox-mailer) hands
-- each queued receipt to the operator's SMTP relay, retries with backoff,
-- and records what the relay answered. A walk-up card has no address on
-- file: its receipt carries the address the customer typed at the kiosk.
ALTER TABLE redbox.mail_queue
    ADD COLUMN attempts        int NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    ADD COLUMN claimed_until   timestamptz,
    ADD COLUMN last_error      text,
    ADD COLUMN smtp_reply      text,          -- the relay's answer to the message (its queue id)
    ADD COLUMN failed_at       timestamptz;   -- given up after too many attempts (for an operator)
CREATE INDEX mail_queue_due ON redbox.mail_queue (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
