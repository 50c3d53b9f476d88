-- 051: buying a disc ("previously viewed"). The catalog feed says from which
-- day a title's discs are also for sale (sell_from; none: never); the price
-- list says what a disc of each format costs to buy in each region
-- (sale_cents). A purchase is recorded as a rental that is charged its sale
-- price once (rate and maximum both the price) and closed as kept as soon as
-- its kiosk reports the disc dispensed, so the same hops, checks, card
-- charge (authorized, then captured at once) and settlement carry it.
ALTER TABLE redbox.movie ADD COLUMN sell_from date;
ALTER TABLE redbox.format_price ADD COLUMN sale_cents int CHECK (sale_cents BETWEEN 1 AND 20000);
UPDATE redbox.format_price
   SET sale_cents = CASE format WHEN 'dvd' THEN 500 WHEN 'bluray' THEN 800 WHEN '4k' THEN 1200 ELSE 1500 END;
ALTER TABLE redbox.format_price ALTER COLUMN sale_cents SET NOT NULL;
ALTER TABLE redbox.rental ADD COLUMN purchase boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT rental_purchase_whole CHECK (NOT purchase OR (discount_cents = 0 AND daily_rate_cents = max_charge_cents));
