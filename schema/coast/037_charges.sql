-- 037 charges: the money of a rental as the card processor sees it. The
-- member's home coast owns it: one charge per rental (an authorization on the
-- card that paid the first night), and the requests sent to the processor for
-- it, in order, each with its own idempotency key. The payments service
-- (redbox-payments) sends them; these tables say what is owed and what the
-- processor answered, so a request lost in flight is looked up, never sent
-- blind a second time.

CREATE TABLE redbox.charge (
    charge_id        uuid PRIMARY KEY,            -- the first night's payment id
    rental_id        uuid NOT NULL UNIQUE REFERENCES redbox.rental,
    member_id        bigint NOT NULL,
    card_token       text NOT NULL CHECK (card_token ~ '^tok_[A-Za-z0-9]{8,40}$'),
    card_last4       char(4) NOT NULL,
    -- open: holds money (or is about to); captured / voided / declined: done with the processor.
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'captured', 'voided', 'declined')),
    auth_ref         text UNIQUE,                 -- the processor's authorization id
    held_cents       int NOT NULL DEFAULT 0 CHECK (held_cents >= 0),        -- on hold now, as the processor said
    captured_cents   int NOT NULL DEFAULT 0 CHECK (captured_cents >= 0),
    refunded_cents   int NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= captured_cents),
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One request to the processor. KEY is its idempotency key, the same on every
-- try. QUEUED: not sent, or known not to have arrived; IN_DOUBT: sent and the
-- answer lost (resolved by looking KEY up); the rest are final. A charge's
-- requests go one at a time, in seq order.
CREATE TABLE redbox.processor_request (
    request_key      text PRIMARY KEY CHECK (request_key ~ '^[a-z0-9:-]{8,100}$'),
    seq              bigserial UNIQUE,
    charge_id        uuid NOT NULL REFERENCES redbox.charge,
    op               text NOT NULL CHECK (op IN ('authorize', 'increment', 'capture', 'void', 'refund')),
    amount_cents     int NOT NULL CHECK (amount_cents >= 0),
    reason           text,
    state            text NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'in_doubt', 'approved', 'declined', 'failed', 'cancelled')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT '-infinity',
    last_error       text,
    applied_cents    int,                        -- what the processor applied (approved requests)
    released_cents   int NOT NULL DEFAULT 0,     -- a hold given back by this request (void, or a capture below the hold)
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at          timestamptz,
    done_at          timestamptz
);
CREATE INDEX processor_request_open ON redbox.processor_request (charge_id, seq) WHERE state IN ('queued', 'in_doubt');
CREATE INDEX processor_request_done ON redbox.processor_request (done_at) WHERE done_at IS NOT NULL;
