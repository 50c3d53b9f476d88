-- 055 metrics: the forwarder reports rentals and returns of the last minute
-- (redbox.tier_metrics(), read every few seconds); these make them index ranges.
CREATE INDEX rental_committed ON redbox.rental (committed_at);
CREATE INDEX local_return_committed ON redbox.local_return (committed_at);
