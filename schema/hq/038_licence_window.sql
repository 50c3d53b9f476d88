-- 038 licence windows in the catalog feed: the last day the studio lets us
-- rent a title (empty: no end). import_catalog() checks and applies it.
ALTER TABLE redbox.catalog_import ADD COLUMN rent_until text;
