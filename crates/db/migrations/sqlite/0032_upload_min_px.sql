-- The smallest picture a slot takes, by its shorter side: a 96×128 thumbnail scaled up
-- is no 2-inch photo, and a scan must stay legible (0: no minimum).
ALTER TABLE upload_slot ADD COLUMN min_px INTEGER NOT NULL DEFAULT 0;
UPDATE upload_slot SET min_px = 300 WHERE photo;
UPDATE upload_slot SET min_px = 600 WHERE NOT photo;
