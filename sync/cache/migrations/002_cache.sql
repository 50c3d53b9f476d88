-- 002: PINs are checked by servers. The cache no longer holds the network's
-- PIN hashes (rows synced before this migration had them: dropped, and the
-- next sync refills members and technicians without). Offline, the kiosk
-- checks only cards it has seen signed in online, against verifiers it made
-- itself then (its own salt, a slow KDF), sealed like the members. The
-- attempts it checks offline wait in the outbox until the red box has them.
DELETE FROM member;
DELETE FROM technician;
UPDATE sync_state SET from_snapshot = NULL, round_to = NULL, cursor_xid = NULL, cursor_entity = NULL,
                      cursor_key = NULL, cursor_live = NULL, round_total = 0, round_done = 0;

CREATE TABLE verifier (
    lookup    TEXT PRIMARY KEY,            -- HMAC(kiosk key, card hash)
    sealed    BLOB NOT NULL,               -- AES-256-GCM({"hash", "made_at", "kind", ...}), bound to lookup
    made_at   TEXT NOT NULL
);

