-- 043: walk-up cards at HQ, which knows every card of every coast (learnt
-- from the rentals the coasts pass on), and the card's plan. A walk-up has no
-- name, address or password: only the card's keyed hash.
CREATE TABLE redbox.walkup_card (
    member_id      bigint PRIMARY KEY,
    card_hash      text NOT NULL UNIQUE CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    membership_id  int NOT NULL REFERENCES redbox.membership CHECK (membership_id IN (4, 5)),
    home_coast     text NOT NULL CHECK (home_coast IN ('west', 'east')),
    first_kiosk    text NOT NULL,
    first_seen_at  timestamptz NOT NULL
);

-- A walk-up's membership status has no member row at HQ.
ALTER TABLE redbox.membershipstatus DROP CONSTRAINT membershipstatus_member_id_fkey;
-- Nor are a walk-up's rentals a member's: apply_one checks a rental's
-- member against member or walkup_card before it is recorded.
ALTER TABLE redbox.rental DROP CONSTRAINT rental_member_id_fkey;
