-- 041: walk-up cards at a red box. A walk-up card has no PIN (its billing
-- ZIP is checked by the card reader's acquirer when the first night is
-- authorized), so its membership status carries no PIN hash.
ALTER TABLE redbox.membershipstatus ALTER COLUMN pin_hash DROP NOT NULL;
ALTER TABLE redbox.membershipstatus DROP CONSTRAINT membershipstatus_pin_hash_check;
ALTER TABLE redbox.membershipstatus ADD CONSTRAINT membershipstatus_pin_hash_check
    CHECK (CASE WHEN membership_id IN (4, 5) THEN pin_hash IS NULL ELSE pin_hash LIKE 'pbkdf2-sha256$%' END);
