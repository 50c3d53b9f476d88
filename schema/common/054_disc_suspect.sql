-- 054: a disc may be 'suspect': a dispense of it was tried and failed (a
-- jam, no answer from the dispenser, another disc at the exit), so nobody
-- knows what its slot holds now. It is not rented until a technician has
-- looked and cleared it (back to 'good') or marked it damaged.
ALTER TABLE redbox.dvd DROP CONSTRAINT dvd_condition_check;
ALTER TABLE redbox.dvd ADD CONSTRAINT dvd_condition_check
    CHECK (condition IN ('good', 'suspect', 'damaged', 'retired'));
