-- 042: walk-up cards at a coast: the cards whose home is this coast (first
-- seen at one of its kiosks), and the card's plan (first-time or returning).
-- A walk-up has no name, address or password: only the card's keyed hash.
CREATE TABLE redbox.walkup_card (
    member_id      bigint PRIMARY KEY,
    card_hash      text NOT NULL UNIQUE CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    membership_id  int NOT NULL REFERENCES redbox.membership CHECK (membership_id IN (4, 5)),
    home_coast     text NOT NULL CHECK (home_coast IN ('west', 'east')),
    first_kiosk    text NOT NULL,
    first_seen_at  timestamptz NOT NULL
);
