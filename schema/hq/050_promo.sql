-- 050: promo codes at HQ, the one place that sees every card. A code is
-- valid between two dates and takes up to CENTS_OFF off one first night.
-- A redemption is a card's one use of a code: granted to a kiosk for one
-- transaction (the grant), then tied to the rental that used it when that
-- rental arrives; a grant whose dispense failed, or that the kiosk gave
-- back unused, is released and the card may use the code again.
CREATE TABLE redbox.promo_code (
    code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{4,16}$'),
    cents_off    int NOT NULL CHECK (cents_off BETWEEN 1 AND 10000),
    valid_from   date NOT NULL,
    valid_until  date NOT NULL CHECK (valid_until >= valid_from),
    description  text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE redbox.promo_redemption (
    grant_id     uuid PRIMARY KEY,
    code         text NOT NULL REFERENCES redbox.promo_code,
    card_hash    text NOT NULL CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    kiosk_id     text NOT NULL,
    cents_off    int NOT NULL,
    granted_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at   timestamptz NOT NULL,
    rental_id    uuid UNIQUE,
    released_at  timestamptz,
    released_why text
);
-- Once per card: at most one redemption of a code that has not been released.
CREATE UNIQUE INDEX promo_redemption_once ON redbox.promo_redemption (code, card_hash) WHERE released_at IS NULL;

-- Every code a kiosk tried, kept a day: a kiosk that guesses codes is slowed down.
CREATE TABLE redbox.promo_attempt (
    kiosk_id  text NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    ok        boolean NOT NULL
);
CREATE INDEX promo_attempt_kiosk ON redbox.promo_attempt (kiosk_id, at);
