-- 004: discs for sale ("previously viewed"). A title's discs are also sold
-- from its sell_from day (kiosk local date, YYYY-MM-DD; NULL: never), at its
-- format's sale price in the red box's region. Rows cached before carry
-- neither: the next sync refills everything.
ALTER TABLE movie ADD COLUMN sell_from TEXT;
ALTER TABLE price ADD COLUMN sale_cents INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET from_snapshot = NULL, round_to = NULL, cursor_xid = NULL, cursor_entity = NULL,
                      cursor_key = NULL, cursor_live = NULL, round_total = 0, round_done = 0;
