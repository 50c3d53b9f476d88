-- 010 red box node: the paper's vertical partition (figure 19). Only the
-- columns a kiosk needs: membership status with card and PIN hashes, the
-- catalog, this node's kiosks, slots and discs, local rentals and returns.
-- No names, addresses, e-mails, phones, passwords or payment details.
-- Tables the kiosks cache carry change_xid (the writing transaction's id);
-- kiosks sync what changed between two snapshots (see cache_changes).

-- Kiosks LISTEN on redbox_cache; the payload names the kiosk whose discs
-- changed, or '*' for rows every kiosk caches. Notifications are sent at
-- commit and collapsed per transaction.
CREATE FUNCTION redbox.touch_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    IF TG_TABLE_NAME <> 'dvd' THEN
        PERFORM pg_notify('redbox_cache', '*');
        RETURN NEW;
    END IF;
    PERFORM pg_notify('redbox_cache', NEW.kiosk_id);
    IF TG_OP = 'UPDATE' THEN
        IF OLD.kiosk_id <> NEW.kiosk_id THEN
            -- The disc left OLD's kiosk: that kiosk must forget it.
            INSERT INTO redbox.tombstone (entity, key, kiosk_id) VALUES ('dvd', OLD.barcode, OLD.kiosk_id)
            ON CONFLICT (entity, key, kiosk_id) DO UPDATE SET change_xid = pg_current_xact_id();
            PERFORM pg_notify('redbox_cache', OLD.kiosk_id);
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE redbox.tombstone (
    entity      text NOT NULL,
    key         text NOT NULL,
    kiosk_id    text NOT NULL DEFAULT '',    -- set for per-kiosk rows (discs)
    change_xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (entity, key, kiosk_id)
);
CREATE INDEX tombstone_xid ON redbox.tombstone (change_xid);

CREATE FUNCTION redbox.record_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
    kiosk text := '';
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'dvd' THEN k := OLD.barcode::text; kiosk := OLD.kiosk_id;
        WHEN 'movie' THEN k := OLD.movie_id::text;
        WHEN 'membershipstatus' THEN k := OLD.member_id::text;
        WHEN 'technician' THEN k := OLD.technician_id::text;
        WHEN 'kiosk' THEN k := OLD.kiosk_id::text;
        WHEN 'membership' THEN k := OLD.membership_id::text;
    END CASE;
    INSERT INTO redbox.tombstone (entity, key, kiosk_id) VALUES (TG_TABLE_NAME, k, kiosk)
    ON CONFLICT (entity, key, kiosk_id) DO UPDATE SET change_xid = pg_current_xact_id();
    PERFORM pg_notify('redbox_cache', CASE kiosk WHEN '' THEN '*' ELSE kiosk END);
    RETURN OLD;
END
$$;

CREATE TABLE redbox.membershipstatus (
    member_id      bigint PRIMARY KEY,
    card_hash      text NOT NULL UNIQUE CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    pin_hash       text NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
    allowed        boolean NOT NULL DEFAULT true,
    discs_out      int NOT NULL DEFAULT 0,   -- deltas from several nodes commute; may dip below 0 briefly
    plan_limit     int NOT NULL CHECK (plan_limit BETWEEN 1 AND 20),
    membership_id  int NOT NULL REFERENCES redbox.membership,
    home_coast     text NOT NULL CHECK (home_coast IN ('west', 'east')),
    change_xid     xid8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE TABLE redbox.movie (
    movie_id       int PRIMARY KEY,
    title          varchar(120) NOT NULL,
    genre          varchar(30)  NOT NULL,
    categories     text[] NOT NULL DEFAULT '{}',
    rating         varchar(8)   NOT NULL,
    release_year   smallint     NOT NULL,
    runtime_min    smallint     NOT NULL,
    blurb          varchar(600) NOT NULL DEFAULT '',
    cover_ref      varchar(120) NOT NULL DEFAULT '',
    rent_from      date NOT NULL,
    rent_until     date,
    is_new_release boolean NOT NULL DEFAULT false,
    change_xid     xid8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE TABLE redbox.kiosk (
    kiosk_id      text PRIMARY KEY,
    timezone      text NOT NULL,
    tax_rate_bp   int NOT NULL,
    slot_count    int NOT NULL,
    change_xid    xid8 NOT NULL DEFAULT pg_current_xact_id()
);

-- A disc in one of this node's kiosks. slot_no is NULL while it is out.
CREATE TABLE redbox.dvd (
    barcode     text CHECK (barcode ~ '^D[0-9]{12}$') PRIMARY KEY,
    movie_id    int NOT NULL REFERENCES redbox.movie,
    kiosk_id    text NOT NULL REFERENCES redbox.kiosk,
    slot_no     int CHECK (slot_no >= 1),
    status      text NOT NULL CHECK (status IN ('in', 'out', 'removed', 'sold')),
    condition   text NOT NULL DEFAULT 'good' CHECK (condition IN ('good', 'damaged', 'retired')),
    state_at    timestamptz NOT NULL DEFAULT '-infinity',
    change_xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CHECK ((status = 'in') = (slot_no IS NOT NULL))
);
CREATE UNIQUE INDEX dvd_slot ON redbox.dvd (kiosk_id, slot_no) WHERE slot_no IS NOT NULL;
CREATE INDEX dvd_xid ON redbox.dvd (change_xid);
CREATE INDEX dvd_movie ON redbox.dvd (movie_id);

-- Local rentals: the rental as the kiosk made it, and its return if it came back here.
CREATE TABLE redbox.rental (
    rental_id        uuid PRIMARY KEY,
    member_id        bigint NOT NULL,
    member_coast     text NOT NULL CHECK (member_coast IN ('west', 'east')),
    barcode          text CHECK (barcode ~ '^D[0-9]{12}$') NOT NULL,
    movie_id         int NOT NULL,
    kiosk_id         text NOT NULL,
    rented_at        timestamptz NOT NULL,
    daily_rate_cents int NOT NULL,
    max_charge_cents int NOT NULL,
    tax_rate_bp      int NOT NULL,
    timezone         text NOT NULL,
    offline          boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'returned', 'kept', 'closed_elsewhere', 'void')),
    return_id        uuid UNIQUE,
    returned_at      timestamptz,
    nights           int,
    charge_cents     int,
    committed_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX rental_one_open_per_disc ON redbox.rental (barcode) WHERE status = 'open';
CREATE INDEX rental_member_open ON redbox.rental (member_id) WHERE status = 'open';

-- Every return taken at this node's kiosks (the kiosk's call is idempotent on return_id).
CREATE TABLE redbox.local_return (
    return_id     uuid PRIMARY KEY,
    barcode       text CHECK (barcode ~ '^D[0-9]{12}$') NOT NULL,
    kiosk_id      text NOT NULL,
    slot_no       int NOT NULL,
    returned_at   timestamptz NOT NULL,
    rental_id     uuid,               -- NULL: the disc was rented elsewhere; closed upstream
    nights        int,
    charge_cents  int,
    late_cents    int,
    committed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE redbox.technician (
    technician_id bigint PRIMARY KEY,
    name          varchar(64) NOT NULL,
    card_hash     text NOT NULL UNIQUE,
    pin_hash      text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    change_xid    xid8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE TABLE redbox.removal_schedule (
    barcode       text CHECK (barcode ~ '^D[0-9]{12}$') PRIMARY KEY,
    reason        text NOT NULL,
    scheduled_at  timestamptz NOT NULL DEFAULT now()
);

-- Plans are cached by kiosks too (prices for the screen, limits offline).
ALTER TABLE redbox.membership ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['membershipstatus', 'movie', 'kiosk', 'dvd', 'technician', 'membership'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON redbox.%I
                        FOR EACH ROW EXECUTE FUNCTION redbox.touch_change_xid()', t || '_xid', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON redbox.%I
                        FOR EACH ROW EXECUTE FUNCTION redbox.record_tombstone()', t || '_tombstone', t);
    END LOOP;
END
$$;
CREATE INDEX membershipstatus_xid ON redbox.membershipstatus (change_xid);
CREATE INDEX movie_xid ON redbox.movie (change_xid);
CREATE INDEX technician_xid ON redbox.technician (change_xid);
CREATE INDEX kiosk_xid ON redbox.kiosk (change_xid);
