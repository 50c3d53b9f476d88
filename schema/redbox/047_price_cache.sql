-- 047 kiosks cache their region's price list (the screens show it); its rows
-- carry the change id and leave tombstones like every cached table (the
-- tombstone's key for a price: functions/30_cache.sql, record_tombstone).
ALTER TABLE redbox.format_price ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE TRIGGER format_price_xid BEFORE INSERT OR UPDATE ON redbox.format_price
    FOR EACH ROW EXECUTE FUNCTION redbox.touch_change_xid();

CREATE TRIGGER format_price_tombstone AFTER DELETE ON redbox.format_price
    FOR EACH ROW EXECUTE FUNCTION redbox.record_tombstone();
