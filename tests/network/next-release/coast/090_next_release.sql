-- A next release's coast migration, for tst_upgrade: a new column and an index
-- on the table every forwarded rental lands in.
ALTER TABLE redbox.rental ADD COLUMN channel text NOT NULL DEFAULT 'kiosk';
CREATE INDEX rental_channel_idx ON redbox.rental (channel);
