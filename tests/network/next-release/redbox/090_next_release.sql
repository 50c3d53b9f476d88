-- A next release's red box migration, for tst_upgrade: the kiosks' own table
-- gains a column, and the red box now serves kiosk API level 3 while still
-- serving level 2 (the previous release's kiosks keep renting).
ALTER TABLE redbox.rental ADD COLUMN channel text NOT NULL DEFAULT 'kiosk';
UPDATE redbox.kiosk_api_level SET level = 3;
