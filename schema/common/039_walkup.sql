-- 039: walk-up customers. Any credit or debit card rents without signing up:
-- the card (a keyed hash of its number, as for member cards) is the
-- customer. A card new to the network may have 3 discs out; once it has
-- brought one back it is a returning card and may have 5. The two limits
-- are two plans, so every tier that checks a plan checks a walk-up's too.
INSERT INTO redbox.membership (membership_id, plan_name, max_discs_out, daily_rate_cents, max_charge_cents) VALUES
 (4, 'Walk-up card', 3, 199, 2500),
 (5, 'Walk-up card, returning', 5, 199, 2500)
ON CONFLICT (membership_id) DO NOTHING;
