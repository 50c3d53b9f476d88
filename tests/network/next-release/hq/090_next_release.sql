-- A next release's HQ migration, for tst_upgrade: an "expand" step (a new
-- column with a default: a brief ACCESS EXCLUSIVE lock, no table rewrite).
ALTER TABLE redbox.rental ADD COLUMN channel text NOT NULL DEFAULT 'kiosk';
