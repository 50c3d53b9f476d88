-- 052 the day a title's discs go on sale ("previously viewed") in the
-- catalog feed (empty: not sold). import_catalog() checks and applies it.
ALTER TABLE redbox.catalog_import ADD COLUMN sell_from text;
