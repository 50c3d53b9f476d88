-- 001 foundation: what every node of the network has, whatever its tier.
-- Runs as redbox_owner (the migration runner sets the role); extensions are
-- made beforehand by the superuser in schema "ext".

CREATE SCHEMA redbox;
ALTER DEFAULT PRIVILEGES IN SCHEMA redbox REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT USAGE ON SCHEMA redbox TO peer, forwarder, kiosk, technician, verifier;

-- Every US state (and DC) belongs to exactly one coast. This table is the one
-- place the mapping lives: HQ routes members by it, and each coast builds its
-- member partition's value list from it. A state not in it is not served.
CREATE TABLE redbox.state (
    state_id    smallint PRIMARY KEY,
    state_name  varchar(20) NOT NULL UNIQUE,
    state_code  char(2)     NOT NULL UNIQUE,
    coast       text        NOT NULL CHECK (coast IN ('west', 'east'))
);

INSERT INTO redbox.state (state_id, state_name, state_code, coast) VALUES
 -- the paper's figure 14
 ( 1, 'California', 'CA', 'west'), ( 2, 'Texas', 'TX', 'west'),
 ( 3, 'Delaware', 'DE', 'east'), ( 4, 'Florida', 'FL', 'east'), ( 5, 'Georgia', 'GA', 'east'),
 ( 6, 'Iowa', 'IA', 'east'), ( 7, 'New Jersey', 'NJ', 'east'), ( 8, 'New York', 'NY', 'east'),
 ( 9, 'Maryland', 'MD', 'east'), (10, 'Pennsylvania', 'PA', 'east'),
 -- every other state, by the side of the Mississippi / the Central time zone line
 (11, 'Alaska', 'AK', 'west'), (12, 'Arizona', 'AZ', 'west'), (13, 'Colorado', 'CO', 'west'),
 (14, 'Hawaii', 'HI', 'west'), (15, 'Idaho', 'ID', 'west'), (16, 'Kansas', 'KS', 'west'),
 (17, 'Montana', 'MT', 'west'), (18, 'Nebraska', 'NE', 'west'), (19, 'Nevada', 'NV', 'west'),
 (20, 'New Mexico', 'NM', 'west'), (21, 'North Dakota', 'ND', 'west'), (22, 'Oklahoma', 'OK', 'west'),
 (23, 'Oregon', 'OR', 'west'), (24, 'South Dakota', 'SD', 'west'), (25, 'Utah', 'UT', 'west'),
 (26, 'Washington', 'WA', 'west'), (27, 'Wyoming', 'WY', 'west'), (28, 'Louisiana', 'LA', 'west'),
 (29, 'Arkansas', 'AR', 'west'), (30, 'Minnesota', 'MN', 'west'), (31, 'Missouri', 'MO', 'west'),
 (32, 'Alabama', 'AL', 'east'), (33, 'Connecticut', 'CT', 'east'), (34, 'Illinois', 'IL', 'east'),
 (35, 'Indiana', 'IN', 'east'), (36, 'Kentucky', 'KY', 'east'), (37, 'Maine', 'ME', 'east'),
 (38, 'Massachusetts', 'MA', 'east'), (39, 'Michigan', 'MI', 'east'), (40, 'Mississippi', 'MS', 'east'),
 (41, 'New Hampshire', 'NH', 'east'), (42, 'North Carolina', 'NC', 'east'), (43, 'Ohio', 'OH', 'east'),
 (44, 'Rhode Island', 'RI', 'east'), (45, 'South Carolina', 'SC', 'east'), (46, 'Tennessee', 'TN', 'east'),
 (47, 'Vermont', 'VT', 'east'), (48, 'Virginia', 'VA', 'east'), (49, 'West Virginia', 'WV', 'east'),
 (50, 'Wisconsin', 'WI', 'east'), (51, 'District of Columbia', 'DC', 'east');

-- Membership plans: how many discs a member may have out, the price of a
-- night, and the most one rental can cost (past it the member keeps the disc).
CREATE TABLE redbox.membership (
    membership_id     int PRIMARY KEY,
    plan_name         text NOT NULL UNIQUE CHECK (length(plan_name) BETWEEN 1 AND 40),
    max_discs_out     int  NOT NULL CHECK (max_discs_out BETWEEN 1 AND 20),
    daily_rate_cents  int  NOT NULL CHECK (daily_rate_cents BETWEEN 1 AND 10000),
    max_charge_cents  int  NOT NULL CHECK (max_charge_cents >= daily_rate_cents)
);
INSERT INTO redbox.membership VALUES
 (1, 'Basic',   2, 199, 2500),
 (2, 'Plus',    4, 179, 2500),
 (3, 'Premium', 6, 149, 2000);

-- Who this node is (one row), written by the deploy tool at every `up`.
CREATE TABLE redbox.node_identity (
    one         boolean PRIMARY KEY DEFAULT true CHECK (one),
    node_name   text NOT NULL,
    tier        text NOT NULL CHECK (tier IN ('hq', 'coast', 'redbox')),
    coast       text CHECK (coast IN ('west', 'east')),
    ticket_key  text NOT NULL            -- HMAC key for escalation tickets (HQ/coast sign, red box checks)
);

-- The dblink links of figure 14 from this node; server_name is the foreign server.
CREATE TABLE redbox.node_link (
    target       text PRIMARY KEY,
    target_tier  text NOT NULL CHECK (target_tier IN ('hq', 'coast', 'redbox')),
    target_coast text,
    kind         text NOT NULL CHECK (kind IN ('hq', 'coast', 'sibling', 'redbox')),
    server_name  text NOT NULL UNIQUE,
    link_up      boolean NOT NULL DEFAULT true,     -- as the forwarder last found it
    link_since   timestamptz NOT NULL DEFAULT now()
);

-- Every event applied here, once: the idempotency key of the homegrown replication.
CREATE TABLE redbox.inbox (
    event_id    uuid NOT NULL,
    kind        text NOT NULL,
    source      text,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, kind)
);

-- Hops waiting to be carried to another node, in order, by this node's forwarder.
CREATE TABLE redbox.outbox (
    hop_id          bigserial PRIMARY KEY,
    event_id        uuid NOT NULL,
    kind            text NOT NULL,
    dest            text NOT NULL,
    payload         jsonb,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    last_error      text,
    parked_at       timestamptz,
    delivered_at    timestamptz,
    UNIQUE (event_id, kind, dest)
);
CREATE INDEX outbox_pending ON redbox.outbox (dest, hop_id) WHERE delivered_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON redbox.outbox (parked_at) WHERE parked_at IS NOT NULL AND delivered_at IS NULL;

-- What technicians (and the system) did, replicated up to HQ.
CREATE TABLE redbox.audit_log (
    audit_id      uuid PRIMARY KEY,
    at            timestamptz NOT NULL,
    node_name     text NOT NULL,
    kiosk_id      text,
    technician_id bigint,
    action        text NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
    barcode       text,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON redbox.audit_log (at);
