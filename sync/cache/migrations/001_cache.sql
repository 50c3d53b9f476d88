-- 001: the kiosk's cache of its red box's vertical partition.
-- Members and technicians are sealed with AES-256-GCM under the kiosk's key;
-- they are found by keyed blind indexes, never by a clear card hash.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE movie (
    movie_id       INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    genre          TEXT NOT NULL,
    categories     TEXT NOT NULL,          -- JSON array
    rating         TEXT NOT NULL,
    release_year   INTEGER NOT NULL,
    runtime_min    INTEGER NOT NULL,
    blurb          TEXT NOT NULL,
    cover_ref      TEXT NOT NULL,
    rent_from      TEXT NOT NULL,
    rent_until     TEXT,
    is_new_release INTEGER NOT NULL
);
CREATE INDEX movie_genre ON movie (genre);
CREATE INDEX movie_title ON movie (title COLLATE NOCASE);

CREATE VIRTUAL TABLE movie_fts USING fts5(
    title, content = 'movie', content_rowid = 'movie_id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE TRIGGER movie_fts_ins AFTER INSERT ON movie BEGIN
    INSERT INTO movie_fts (rowid, title) VALUES (new.movie_id, new.title);
END;
CREATE TRIGGER movie_fts_del AFTER DELETE ON movie BEGIN
    INSERT INTO movie_fts (movie_fts, rowid, title) VALUES ('delete', old.movie_id, old.title);
END;
CREATE TRIGGER movie_fts_upd AFTER UPDATE ON movie BEGIN
    INSERT INTO movie_fts (movie_fts, rowid, title) VALUES ('delete', old.movie_id, old.title);
    INSERT INTO movie_fts (rowid, title) VALUES (new.movie_id, new.title);
END;

CREATE TABLE plan (
    membership_id    INTEGER PRIMARY KEY,
    plan_name        TEXT NOT NULL,
    max_discs_out    INTEGER NOT NULL,
    daily_rate_cents INTEGER NOT NULL,
    max_charge_cents INTEGER NOT NULL
);

CREATE TABLE kiosk (
    kiosk_id     TEXT PRIMARY KEY,
    timezone     TEXT NOT NULL,
    tax_rate_bp  INTEGER NOT NULL,
    slot_count   INTEGER NOT NULL
);

CREATE TABLE dvd (
    barcode    TEXT PRIMARY KEY,
    movie_id   INTEGER NOT NULL,
    slot_no    INTEGER,
    status     TEXT NOT NULL,
    condition  TEXT NOT NULL
);
CREATE INDEX dvd_movie ON dvd (movie_id, status);
CREATE INDEX dvd_slot ON dvd (slot_no);

CREATE TABLE member (
    lookup    TEXT PRIMARY KEY,            -- HMAC(kiosk key, card hash)
    id_index  TEXT NOT NULL UNIQUE,        -- HMAC(kiosk key, member id), for deletes
    sealed    BLOB NOT NULL                -- AES-256-GCM(JSON), bound to lookup
);

CREATE TABLE technician (
    lookup    TEXT PRIMARY KEY,
    id_index  TEXT NOT NULL UNIQUE,
    sealed    BLOB NOT NULL
);

CREATE TABLE sync_state (
    one            INTEGER PRIMARY KEY CHECK (one = 1),
    from_snapshot  TEXT,                   -- synced up to this snapshot (NULL: never)
    round_to       TEXT,                   -- the round in progress, if any
    cursor_xid     TEXT,
    cursor_entity  TEXT,
    cursor_key     TEXT,
    cursor_live    INTEGER,
    round_total    INTEGER NOT NULL DEFAULT 0,
    round_done     INTEGER NOT NULL DEFAULT 0,
    last_sync      TEXT
);
INSERT INTO sync_state (one) VALUES (1);
