-- 046 the format of each title in the catalog feed (dvd, bluray, 4k, game;
-- empty or absent: dvd). import_catalog() checks and applies it.
ALTER TABLE redbox.catalog_import ADD COLUMN format text;
