-- 030 the kiosk API level: which kiosk software a node serves.
-- A kiosk speaks one level (compiled in); at every connection it asks the
-- node for [oldest, level] and refuses a node outside it with a clear error
-- (its rentals then wait in its outbox, as when the node is down).
-- The upgrade rule: a release that changes what kiosks call raises `level`
-- and keeps every function the previous level calls; only the release after
-- it may raise `oldest`. So a kiosk one release behind keeps renting against
-- a migrated red box, and servers are upgraded before kiosks (README: Upgrades).
CREATE TABLE redbox.kiosk_api_level (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    level   integer NOT NULL CHECK (level >= 1),
    oldest  integer NOT NULL CHECK (oldest >= 1 AND oldest <= level)
);
INSERT INTO redbox.kiosk_api_level (level, oldest) VALUES (1, 1);
