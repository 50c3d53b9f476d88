-- 047 kiosks cache their region's price list (the screens show it); its rows
-- carry the change id and leave tombstones like every cached table.
ALTER TABLE redbox.format_price ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE TRIGGER format_price_xid BEFORE INSERT OR UPDATE ON redbox.format_price
    FOR EACH ROW EXECUTE FUNCTION redbox.touch_change_xid();

CREATE OR REPLACE FUNCTION redbox.record_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
    kiosk text := '';
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'dvd' THEN k := OLD.barcode::text; kiosk := OLD.kiosk_id;
        WHEN 'movie' THEN k := OLD.movie_id::text;
        WHEN 'membershipstatus' THEN k := OLD.member_id::text;
        WHEN 'technician' THEN k := OLD.technician_id::text;
        WHEN 'kiosk' THEN k := OLD.kiosk_id::text;
        WHEN 'membership' THEN k := OLD.membership_id::text;
        WHEN 'format_price' THEN k := OLD.coast || '|' || OLD.format || '|' || OLD.valid_from::text;
    END CASE;
    INSERT INTO redbox.tombstone (entity, key, kiosk_id) VALUES (TG_TABLE_NAME, k, kiosk)
    ON CONFLICT (entity, key, kiosk_id) DO UPDATE SET change_xid = pg_current_xact_id();
    PERFORM pg_notify('redbox_cache', CASE kiosk WHEN '' THEN '*' ELSE kiosk END);
    RETURN OLD;
END
$$;
CREATE TRIGGER format_price_tombstone AFTER DELETE ON redbox.format_price
    FOR EACH ROW EXECUTE FUNCTION redbox.record_tombstone();
