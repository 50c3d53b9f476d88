-- 010 HQ cloud: the paper's original ERD, complete (figure 16), holding the
-- whole company: every member of every state, the catalog master, every
-- kiosk, slot, disc, rental and payment.

CREATE TABLE redbox.city (
    city_id    bigint PRIMARY KEY,
    city_name  varchar(40) NOT NULL,
    state_id   smallint NOT NULL REFERENCES redbox.state,
    UNIQUE (state_id, city_name)
);

CREATE TABLE redbox.zipcode (
    zipcode_id  bigint PRIMARY KEY,
    zipcode     varchar(5) NOT NULL CHECK (zipcode ~ '^[0-9]{5}$'),
    city_id     bigint NOT NULL REFERENCES redbox.city,
    state_id    smallint NOT NULL REFERENCES redbox.state
);

-- The paper's member, with its password as a salted slow hash and the member
-- card as a keyed hash plus its last four digits (never the number).
CREATE TABLE redbox.member (
    member_id         bigint PRIMARY KEY CHECK (member_id > 0),
    member_first_name varchar(32) NOT NULL,
    member_last_name  varchar(32) NOT NULL,
    member_initial    varchar(32),
    member_address    varchar(100),
    member_address_id bigint NOT NULL REFERENCES redbox.zipcode,
    member_phone      varchar(14),
    member_email      varchar(64) NOT NULL,
    member_password_hash text NOT NULL CHECK (member_password_hash LIKE 'pbkdf2-sha256$%'),
    membership_id     int NOT NULL REFERENCES redbox.membership,
    member_since_date timestamp(3) NOT NULL,
    card_hash         text NOT NULL UNIQUE CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    card_last4        char(4) NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
    pin_hash          text NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
    home_coast        text NOT NULL CHECK (home_coast IN ('west', 'east'))
);
CREATE INDEX member_zip ON redbox.member (member_address_id);

CREATE TABLE redbox.membershipstatus (
    member_id    bigint PRIMARY KEY REFERENCES redbox.member,
    allowed      boolean NOT NULL DEFAULT true,
    status_note  text,
    discs_out    int NOT NULL DEFAULT 0 CHECK (discs_out >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE redbox.movie (
    movie_id          int PRIMARY KEY CHECK (movie_id BETWEEN 1 AND 99999),
    title             varchar(120) NOT NULL,
    genre             varchar(30)  NOT NULL,
    categories        text[] NOT NULL DEFAULT '{}',
    rating            varchar(8)   NOT NULL CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17', 'NR')),
    release_year      smallint     NOT NULL CHECK (release_year BETWEEN 1888 AND 2100),
    runtime_min       smallint     NOT NULL CHECK (runtime_min BETWEEN 1 AND 999),
    blurb             varchar(600) NOT NULL DEFAULT '',
    language          varchar(30)  NOT NULL DEFAULT 'English',
    cover_ref         varchar(120) NOT NULL DEFAULT '',
    rent_from         date NOT NULL,           -- the rent-by window: when the studio lets us rent it
    rent_until        date,
    replacement_cost_cents int NOT NULL DEFAULT 1999 CHECK (replacement_cost_cents >= 0),
    is_new_release    boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (rent_until IS NULL OR rent_until >= rent_from)
);

-- A kiosk ("Red Box"): where it is and which red box node serves it.
CREATE TABLE redbox.redbox (
    kiosk_id       text PRIMARY KEY CHECK (kiosk_id ~ '^[A-Z0-9-]{3,20}$'),
    node_name      text NOT NULL,
    coast          text NOT NULL CHECK (coast IN ('west', 'east')),
    address        varchar(100) NOT NULL,
    city_id        bigint NOT NULL REFERENCES redbox.city,
    zipcode        varchar(5) NOT NULL,
    timezone       text NOT NULL,
    tax_rate_bp    int NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 2000),
    slot_count     int NOT NULL CHECK (slot_count BETWEEN 1 AND 1000),
    installed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE redbox.slot (
    kiosk_id  text NOT NULL REFERENCES redbox.redbox,
    slot_no   int  NOT NULL CHECK (slot_no >= 1),
    PRIMARY KEY (kiosk_id, slot_no)
);

-- A physical disc. kiosk_id is where it is (or was rented from); state_at
-- orders the events that move it, which may reach HQ out of order.
CREATE TABLE redbox.dvd (
    barcode    text CHECK (barcode ~ '^D[0-9]{12}$') PRIMARY KEY,
    movie_id   int NOT NULL REFERENCES redbox.movie,
    kiosk_id   text NOT NULL REFERENCES redbox.redbox,
    slot_no    int,
    status     text NOT NULL CHECK (status IN ('in', 'out', 'removed', 'sold', 'lost')),
    condition  text NOT NULL DEFAULT 'good' CHECK (condition IN ('good', 'damaged', 'retired')),
    state_at   timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX dvd_kiosk ON redbox.dvd (kiosk_id);
CREATE INDEX dvd_movie ON redbox.dvd (movie_id);

CREATE TABLE redbox.rental (
    rental_id        uuid PRIMARY KEY,
    member_id        bigint NOT NULL REFERENCES redbox.member,
    member_coast     text NOT NULL,
    barcode          text CHECK (barcode ~ '^D[0-9]{12}$') NOT NULL REFERENCES redbox.dvd,
    movie_id         int NOT NULL,
    kiosk_id         text NOT NULL,
    kiosk_node       text NOT NULL,
    kiosk_coast      text NOT NULL,
    rented_at        timestamptz NOT NULL,
    daily_rate_cents int NOT NULL,
    max_charge_cents int NOT NULL,
    tax_rate_bp      int NOT NULL,
    timezone         text NOT NULL,
    offline          boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'returned', 'kept', 'void')),
    return_id        uuid UNIQUE,
    returned_at      timestamptz,
    return_kiosk_id  text,
    nights           int,
    charge_cents     int,
    committed_at     timestamptz NOT NULL,          -- when the red box committed it
    received_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status = 'open') = (returned_at IS NULL))
);
CREATE INDEX rental_member ON redbox.rental (member_id);
CREATE INDEX rental_open_barcode ON redbox.rental (barcode) WHERE status = 'open';

CREATE TABLE redbox.payment (
    payment_id    uuid PRIMARY KEY,
    rental_id     uuid NOT NULL REFERENCES redbox.rental,
    member_id     bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('night', 'late', 'purchase')),
    amount_cents  int NOT NULL CHECK (amount_cents >= 0),
    tax_cents     int NOT NULL CHECK (tax_cents >= 0),
    card_token    text NOT NULL CHECK (card_token ~ '^tok_[A-Za-z0-9]{8,40}$'),
    card_last4    char(4) NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
    paid_at       timestamptz NOT NULL,
    voided        boolean NOT NULL DEFAULT false      -- the rental it paid for was voided (failed dispense)
);
CREATE INDEX payment_member ON redbox.payment (member_id);

-- Returns that reached HQ before the rental they close (hops from different
-- kiosks travel separately); closed as soon as the rental arrives.
CREATE TABLE redbox.pending_return (
    return_id     uuid PRIMARY KEY,
    barcode       text CHECK (barcode ~ '^D[0-9]{12}$') NOT NULL,
    kiosk_id      text NOT NULL,
    node_name     text NOT NULL,
    kiosk_coast   text NOT NULL,
    slot_no       int,
    returned_at   timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_return_barcode ON redbox.pending_return (barcode);

CREATE TABLE redbox.technician (
    technician_id bigint PRIMARY KEY,
    name          varchar(64) NOT NULL,
    card_hash     text NOT NULL UNIQUE CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    pin_hash      text NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
    coast         text CHECK (coast IN ('west', 'east')),
    active        boolean NOT NULL DEFAULT true
);

-- Discs HQ wants pulled from kiosks (damaged titles, rotation, recalls).
CREATE TABLE redbox.removal_schedule (
    barcode       text CHECK (barcode ~ '^D[0-9]{12}$') PRIMARY KEY REFERENCES redbox.dvd,
    reason        text NOT NULL,
    scheduled_at  timestamptz NOT NULL DEFAULT now()
);

-- Rentals made beyond a plan's limit (only possible during a partition,
-- within the offline allowance), reported once the partition heals.
CREATE TABLE redbox.limit_overshoot (
    rental_id     uuid PRIMARY KEY,
    member_id     bigint NOT NULL,
    discs_out     int NOT NULL,
    plan_limit    int NOT NULL,
    detected_at   timestamptz NOT NULL DEFAULT now()
);

-- Staging table the catalog importer fills with COPY; import_catalog() checks and merges it.
CREATE TABLE redbox.catalog_import (
    line_no       int PRIMARY KEY,
    movie_id      text, title text, description text, release_year text, rating text,
    runtime text, rental_rate text, replacement_cost text, category text, categories text,
    language text
);
