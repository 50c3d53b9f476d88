-- 003: prices per format. Each title has a format (dvd, bluray, 4k, game) and
-- the red box's region's price list says what a night of each format costs
-- on top of the plan's rate. Titles cached before have no format: the next
-- sync refills everything.
ALTER TABLE movie ADD COLUMN format TEXT NOT NULL DEFAULT 'dvd';
CREATE TABLE price (
    key                TEXT PRIMARY KEY,     -- the red box's: region|format|epoch of valid_from
    format             TEXT NOT NULL,
    valid_from         TEXT NOT NULL,        -- UTC, yyyy-MM-ddTHH:mm:ss.zzzZ (comparable as text)
    night_extra_cents  INTEGER NOT NULL,
    max_extra_cents    INTEGER NOT NULL
);
UPDATE sync_state SET from_snapshot = NULL, round_to = NULL, cursor_xid = NULL, cursor_entity = NULL,
                      cursor_key = NULL, cursor_live = NULL, round_total = 0, round_done = 0;
