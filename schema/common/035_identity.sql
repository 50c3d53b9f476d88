-- 035 identities: who is at the other end of a connection, on every tier.
-- Every kiosk logs in with its own role: at its red box pair a member of the
-- group role "kiosk", at its coast and HQ (escalation) a member of
-- "verifier". Every node sends hops with its own role, a member of "peer".
-- The deploy tool makes the roles (`redbox-net kiosk enroll`, `up`); these
-- tables map a login to what it stands for. Entry points read session_user
-- through them and never take a kiosk or a node from an argument.

CREATE TABLE redbox.kiosk_login (
    login        text PRIMARY KEY,
    kiosk_id     text NOT NULL UNIQUE CHECK (kiosk_id ~ '^[A-Z0-9-]{3,20}$'),
    node_name    text NOT NULL,                 -- the red box that serves the kiosk
    enrolled_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz                    -- set by `redbox-net kiosk revoke`
);

CREATE TABLE redbox.peer_login (
    login      text PRIMARY KEY,
    node_name  text NOT NULL UNIQUE,
    tier       text NOT NULL CHECK (tier IN ('hq', 'coast', 'redbox')),
    coast      text CHECK (coast IN ('west', 'east'))
);

-- Escalation tickets are signed per red box: a red box holds its own key, its
-- coast the keys of its red boxes, HQ every red box's. A red box that is taken
-- over can mint tickets for itself only.
CREATE TABLE redbox.ticket_key (
    node_name  text PRIMARY KEY,
    key        text NOT NULL CHECK (key ~ '^[0-9a-f]{64}$')
);
ALTER TABLE redbox.node_identity DROP COLUMN ticket_key;   -- the one network-wide key is retired

-- Every PIN attempt on a card (member or technician), wherever a server
-- checked it or a kiosk checked it offline; carried to every node that checks
-- that card's PIN, so a lockout holds at every kiosk and across restarts.
CREATE TABLE redbox.pin_attempt (
    event_id   uuid PRIMARY KEY,
    card_hash  text NOT NULL CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    at         timestamptz NOT NULL,
    ok         boolean NOT NULL,
    node_name  text NOT NULL,        -- where it was checked (the red box, for an offline kiosk)
    kiosk_id   text,
    offline    boolean NOT NULL DEFAULT false
);
CREATE INDEX pin_attempt_card ON redbox.pin_attempt (card_hash, at);

-- Hops this node refused (their sender may not send them, or their facts do
-- not hold): kept for an operator, with what was sent and why.
CREATE TABLE redbox.refused_hop (
    event_id     uuid NOT NULL,
    kind         text NOT NULL,
    source       text NOT NULL,
    reason       text NOT NULL,
    payload      jsonb,
    refused_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, kind, source)
);

-- Kiosk API level 2: the kiosk functions take the kiosk from the session; level 1's took it as an
-- argument and are gone, so no level-1 kiosk is served (each kiosk is enrolled and updated).
UPDATE redbox.kiosk_api_level SET level = 2, oldest = 2;
