-- 036 a red box trusts no kiosk. Kiosk API level 2: every kiosk function
-- takes the kiosk from the session (its own login role), the red box checks
-- PINs and keeps the time of online rentals and returns, a void needs a
-- dispense the kiosk did not report, and offline claims that do not fit the
-- offline rules are parked for a person. Level 1's functions are gone (they
-- took the kiosk as an argument): every kiosk is enrolled again and updated.

-- Until when a card is locked after too many wrong PINs (kiosks cache it, so
-- the lock holds offline too).
ALTER TABLE redbox.membershipstatus ADD COLUMN locked_until timestamptz;

-- When the kiosk reported the disc out of its slot (a void is refused after that).
ALTER TABLE redbox.rental ADD COLUMN dispensed_at timestamptz;

-- Offline claims (a replayed rental or void) that the red box would not apply:
-- kept with their reason until an operator accepts or rejects them.
CREATE TABLE redbox.parked_claim (
    claim_id     uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('rental', 'void')),
    kiosk_id     text NOT NULL,
    member_id    bigint,
    barcode      text,
    payload      jsonb NOT NULL,
    reason       text NOT NULL,
    parked_at    timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    resolution   text CHECK (resolution IN ('accepted', 'rejected')),
    PRIMARY KEY (claim_id, kind)
);

-- A technician's sign-in at a kiosk: a short-lived session the tech_*
-- functions take instead of a technician id. Only the token's hash is kept.
CREATE TABLE redbox.tech_session (
    session_hash   text PRIMARY KEY CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    technician_id  bigint NOT NULL,
    kiosk_id       text NOT NULL,
    made_at        timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    ended_at       timestamptz
);
