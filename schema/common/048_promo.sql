-- 048: promo codes. A code takes money off the first night of one disc of a
-- transaction, never more than that night costs (no cash value). HQ owns the
-- codes and what each card has redeemed (hq 050); the rental carries what it
-- was given off and under which code and grant, on every tier, so the
-- ledgers and the card charge agree on what the customer pays.
ALTER TABLE redbox.rental
    ADD COLUMN discount_cents int NOT NULL DEFAULT 0 CHECK (discount_cents >= 0 AND discount_cents <= daily_rate_cents),
    ADD COLUMN promo_code text CHECK (promo_code ~ '^[A-Z0-9]{4,16}$'),
    ADD COLUMN promo_grant uuid,
    ADD CONSTRAINT rental_promo_whole CHECK ((discount_cents > 0) = (promo_code IS NOT NULL)
                                             AND (promo_code IS NULL) = (promo_grant IS NULL));
