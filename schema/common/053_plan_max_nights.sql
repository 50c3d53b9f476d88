-- 053: each plan says after how many nights a disc not back is the renter's
-- to keep (max_nights; 17 unless it says otherwise). By then a night's rental
-- has reached the plan's maximum, so a kept disc is charged that maximum.
-- A rental carries the period of the plan it was rented under, so a plan
-- changed later does not move the day its rentals close.
ALTER TABLE redbox.membership ADD COLUMN max_nights int NOT NULL DEFAULT 17 CHECK (max_nights BETWEEN 1 AND 60);
-- Premium's $20.00 maximum is reached on its 14th night ($1.49 a night): kept after 14.
UPDATE redbox.membership SET max_nights = 14 WHERE membership_id = 3;
ALTER TABLE redbox.membership
    ADD CONSTRAINT membership_max_reached CHECK (max_nights::bigint * daily_rate_cents >= max_charge_cents);
ALTER TABLE redbox.rental ADD COLUMN max_nights int NOT NULL DEFAULT 17 CHECK (max_nights BETWEEN 1 AND 60);
