-- 045: prices per format and region. Every title comes in one format (DVD,
-- Blu-ray, 4K, game). A night costs the member's plan's rate plus its
-- format's extra in the kiosk's region (a coast), and the most a rental can
-- cost rises by the format's extra maximum. HQ sets the price list; each
-- version starts at a time (valid_from) and is carried to every node, so a
-- rental is priced by the version in effect when it was made.
ALTER TABLE redbox.movie ADD COLUMN format text NOT NULL DEFAULT 'dvd'
    CHECK (format IN ('dvd', 'bluray', '4k', 'game'));

CREATE TABLE redbox.format_price (
    coast              text NOT NULL CHECK (coast IN ('west', 'east')),
    format             text NOT NULL CHECK (format IN ('dvd', 'bluray', '4k', 'game')),
    valid_from         timestamptz NOT NULL,
    night_extra_cents  int NOT NULL CHECK (night_extra_cents BETWEEN 0 AND 2000),
    max_extra_cents    int NOT NULL CHECK (max_extra_cents BETWEEN 0 AND 20000),
    PRIMARY KEY (coast, format, valid_from)
);

-- The launch price list: a DVD costs the plan's rate; the east's Blu-ray and
-- 4K nights cost a little more than the west's.
INSERT INTO redbox.format_price (coast, format, valid_from, night_extra_cents, max_extra_cents) VALUES
 ('west', 'dvd',    '-infinity', 0,   0),
 ('west', 'bluray', '-infinity', 50,  500),
 ('west', '4k',     '-infinity', 100, 1000),
 ('west', 'game',   '-infinity', 100, 1000),
 ('east', 'dvd',    '-infinity', 0,   0),
 ('east', 'bluray', '-infinity', 60,  500),
 ('east', '4k',     '-infinity', 120, 1000),
 ('east', 'game',   '-infinity', 100, 1000);
