-- Walk-up cards (see 039_walkup.sql): the plans, and the member id every
-- node derives from the card's hash, so the same card is the same customer
-- wherever it is first seen, with no node handing out numbers.

CREATE OR REPLACE FUNCTION redbox.walkup_first_plan() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 4';
CREATE OR REPLACE FUNCTION redbox.walkup_returning_plan() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 5';
CREATE OR REPLACE FUNCTION redbox.is_walkup_plan(p_plan int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT p_plan IN (4, 5)';

-- 9e15 plus the hash's first 52 bits: far above any registered member's id.
CREATE OR REPLACE FUNCTION redbox.walkup_member_id(p_card_hash text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT 9000000000000000 + ('x' || lpad(left(p_card_hash, 13), 16, '0'))::bit(64)::bigint;
$$;
