-- The coast's mail service (redbox-mailer, role mailer): claims the receipts
-- waiting in mail_queue, sends each through the SMTP relay, reports what the
-- relay said. A claim is a lease: a service that dies holding one leaves it
-- to be claimed again when the lease ends (the relay may then get the
-- message twice; its Message-ID, the receipt's id, lets a reader tell).

CREATE OR REPLACE FUNCTION redbox.mail_max_attempts() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 20';

-- 30 s, doubling, at most an hour between attempts.
CREATE OR REPLACE FUNCTION redbox.mail_backoff(p_attempts int) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_interval(secs => least(3600, 30 * 2 ^ least(greatest(p_attempts - 1, 0), 7)));
$$;

CREATE OR REPLACE FUNCTION redbox.mail_claim(p_limit int, p_lease interval DEFAULT interval '120 seconds')
RETURNS TABLE (receipt_id uuid, email text, subject text, body text, attempts int, queued_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
BEGIN
    IF p_limit NOT BETWEEN 1 AND 500 OR p_lease NOT BETWEEN interval '5 seconds' AND interval '1 hour' THEN
        RAISE EXCEPTION 'claim 1-500 messages for 5 s to 1 h' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH due AS (
        SELECT q.receipt_id FROM mail_queue q
         WHERE q.sent_at IS NULL AND q.failed_at IS NULL AND q.next_attempt_at <= now()
           AND (q.claimed_until IS NULL OR q.claimed_until < now())
         ORDER BY q.queued_at LIMIT p_limit
           FOR UPDATE SKIP LOCKED)
    UPDATE mail_queue q SET claimed_until = now() + p_lease, attempts = q.attempts + 1
      FROM due WHERE q.receipt_id = due.receipt_id
    RETURNING q.receipt_id, q.email::text, q.subject, q.body, q.attempts, q.queued_at;
END
$$;

-- What the relay said about receipt ID: OK (REPLY: its answer) or not
-- (REPLY: the error; PERMANENT: a 5xx or a bad address, no retry helps).
CREATE OR REPLACE FUNCTION redbox.mail_result(p_receipt_id uuid, p_ok boolean, p_permanent boolean, p_reply text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    q mail_queue;
BEGIN
    SELECT * INTO q FROM mail_queue WHERE receipt_id = p_receipt_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no receipt % in the mail queue', p_receipt_id USING ERRCODE = 'RB012';
    END IF;
    IF q.sent_at IS NOT NULL THEN
        RETURN 'sent';
    END IF;
    IF p_ok THEN
        UPDATE mail_queue SET sent_at = now(), smtp_reply = left(p_reply, 300), claimed_until = NULL
         WHERE receipt_id = p_receipt_id;
        RETURN 'sent';
    END IF;
    IF p_permanent OR q.attempts >= mail_max_attempts() THEN
        UPDATE mail_queue SET failed_at = now(), last_error = left(p_reply, 500), claimed_until = NULL
         WHERE receipt_id = p_receipt_id;
        RETURN 'failed';
    END IF;
    UPDATE mail_queue SET next_attempt_at = now() + mail_backoff(q.attempts), last_error = left(p_reply, 500),
                          claimed_until = NULL
     WHERE receipt_id = p_receipt_id;
    RETURN 'retry';
END
$$;

-- A queued receipt wakes the mail service.
CREATE OR REPLACE FUNCTION redbox.mail_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('redbox_mail', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mail_queued ON redbox.mail_queue;
CREATE TRIGGER mail_queued AFTER INSERT ON redbox.mail_queue FOR EACH STATEMENT EXECUTE FUNCTION redbox.mail_notify();
