-- 0003 tamper-evident audit log: every event carries the hash of the one before it and
-- its own hash; audit_head holds the newest hash, so deleting the last rows shows too.
ALTER TABLE audit_event ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_event ADD COLUMN hash TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, hash) VALUES (1, '');
