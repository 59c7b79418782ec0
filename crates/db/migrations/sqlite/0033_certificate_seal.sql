-- 证书签章: the Ed25519-signed text the QR code carries for offline checks. Nullable so
-- the previous release keeps inserting; certificates issued before this migration are
-- sealed at the next start.
ALTER TABLE certificate ADD COLUMN seal TEXT;
