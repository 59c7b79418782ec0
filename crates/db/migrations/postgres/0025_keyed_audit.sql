-- 审计链加密钥: events are chained with HMAC-SHA256 under a key kept outside the database
-- (keys_dir), so write access to the database alone cannot rewrite the chain. Rows written
-- before this were chained with plain SHA-256; they stay valid, and once a keyed row exists
-- an unkeyed one after it is a forgery.
ALTER TABLE audit_event ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;
