-- 010 coast server: the paper's horizontal partition (figure 14/15). Members
-- are partitioned by state name into west_member and east_member; each coast
-- holds its own members (the apply functions refuse the other coast's), plus
-- the region's kiosks, discs, rentals and payments.

-- The paper's member_partitioned, with the password as a salted slow hash and
-- the member card as a keyed hash (never the number).
CREATE TABLE redbox.member_partitioned (
    member_id            bigint NOT NULL CHECK (member_id > 0),
    member_first_name    varchar(32) NOT NULL,
    member_last_name     varchar(32) NOT NULL,
    member_initial       varchar(32),
    member_address       varchar(100),
    member_address_id    bigint NOT NULL,
    member_phone         varchar(14),
    member_email         varchar(64) NOT NULL,
    member_password_hash text NOT NULL CHECK (member_password_hash LIKE 'pbkdf2-sha256$%'),
    membership_id        int NOT NULL REFERENCES redbox.membership,
    member_since_date    timestamp(3) NOT NULL,
    zipcode_id           bigint NOT NULL,
    zipcode              varchar(5) NOT NULL,
    city_id              bigint,
    city_name            varchar(40),
    state_name           varchar(20) NOT NULL,
    card_hash            text NOT NULL CHECK (card_hash ~ '^[0-9a-f]{64}$'),
    card_last4           char(4) NOT NULL,
    pin_hash             text NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
    PRIMARY KEY (member_id, state_name)
) PARTITION BY LIST (state_name);

-- The partitions' value lists come from redbox.state, the one place that maps
-- states to coasts. There is no DEFAULT partition: an unmapped state is refused.
DO $$
DECLARE
    c text;
    vals text;
BEGIN
    FOREACH c IN ARRAY ARRAY['west', 'east'] LOOP
        SELECT string_agg(quote_literal(state_name), ', ' ORDER BY state_id) INTO vals
          FROM redbox.state WHERE coast = c;
        EXECUTE format('CREATE TABLE redbox.%I PARTITION OF redbox.member_partitioned FOR VALUES IN (%s)',
                       c || '_member', vals);
    END LOOP;
END
$$;
CREATE UNIQUE INDEX west_member_card ON redbox.west_member (card_hash);
CREATE UNIQUE INDEX east_member_card ON redbox.east_member (card_hash);
CREATE UNIQUE INDEX west_member_id ON redbox.west_member (member_id);
CREATE UNIQUE INDEX east_member_id ON redbox.east_member (member_id);

CREATE TABLE redbox.membershipstatus (
    member_id    bigint PRIMARY KEY,
    allowed      boolean NOT NULL DEFAULT true,
    status_note  text,
    discs_out    int NOT NULL DEFAULT 0 CHECK (discs_out >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE redbox.movie (
    movie_id      int PRIMARY KEY,
    title         varchar(120) NOT NULL,
    genre         varchar(30)  NOT NULL,
    categories    text[] NOT NULL DEFAULT '{}',
    rating        varchar(8)   NOT NULL,
    release_year  smallint     NOT NULL,
    runtime_min   smallint     NOT NULL,
    blurb         varchar(600) NOT NULL DEFAULT '',
    language      varchar(30)  NOT NULL DEFAULT 'English',
    cover_ref     varchar(120) NOT NULL DEFAULT '',
    rent_from     date NOT NULL,
    rent_until    date,
    is_new_release boolean NOT NULL DEFAULT false
);

CREATE TABLE redbox.redbox (
    kiosk_id     text PRIMARY KEY,
    node_name    text NOT NULL,
    coast        text NOT NULL,
    address      varchar(100) NOT NULL,
    zipcode      varchar(5) NOT NULL,
    timezone     text NOT NULL,
    tax_rate_bp  int NOT NULL,
    slot_count   int NOT NULL
);

CREATE TABLE redbox.dvd (
    barcode    text CHECK (barcode ~ '^D[0-9]{12}$') PRIMARY KEY,
    movie_id   int NOT NULL REFERENCES redbox.movie,
    kiosk_id   text NOT NULL,
    slot_no    int,
    status     text NOT NULL CHECK (status IN ('in', 'out', 'removed', 'sold', 'lost', 'elsewhere')),
    condition  text NOT NULL DEFAULT 'good' CHECK (condition IN ('good', 'damaged', 'retired')),
    state_at   timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX dvd_kiosk ON redbox.dvd (kiosk_id);

-- Rentals at this region's kiosks and rentals by this coast's members.
CREATE TABLE redbox.rental (
    rental_id        uuid PRIMARY KEY,
    member_id        bigint NOT NULL,
    member_coast     text NOT NULL,
    barcode          text CHECK (barcode ~ '^D[0-9]{12}$') NOT NULL,
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
    card_token    text NOT NULL,
    card_last4    char(4) NOT NULL,
    paid_at       timestamptz NOT NULL,
    voided        boolean NOT NULL DEFAULT false      -- the rental it paid for was voided (failed dispense)
);
CREATE INDEX payment_member ON redbox.payment (member_id);

CREATE TABLE redbox.technician (
    technician_id bigint PRIMARY KEY,
    name          varchar(64) NOT NULL,
    card_hash     text NOT NULL UNIQUE,
    pin_hash      text NOT NULL,
    active        boolean NOT NULL DEFAULT true
);

CREATE TABLE redbox.limit_overshoot (
    rental_id     uuid PRIMARY KEY,
    member_id     bigint NOT NULL,
    discs_out     int NOT NULL,
    plan_limit    int NOT NULL,
    detected_at   timestamptz NOT NULL DEFAULT now()
);
