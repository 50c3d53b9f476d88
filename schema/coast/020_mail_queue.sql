-- 020: e-mailed receipts. The coast holds its members' addresses, so it
-- queues their receipts; the coast's mail relay sends what is queued here.
CREATE TABLE redbox.mail_queue (
    receipt_id   uuid PRIMARY KEY,
    member_id    bigint NOT NULL,
    email        varchar(64) NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    queued_at    timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
