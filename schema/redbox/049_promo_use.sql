-- 049: the promo grants this red box has applied, each to one rental only
-- (a grant is HQ's signed word that a card may use a code once, in one
-- transaction at one kiosk; see common/048).
CREATE TABLE redbox.promo_use (
    grant_id    uuid PRIMARY KEY,
    rental_id   uuid NOT NULL UNIQUE,
    code        text NOT NULL,
    card_hash   text NOT NULL,
    used_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
