-- 初始密码: a password an administrator set for someone else must be replaced by its owner
-- at the first sign-in (三权分立: the system admin must not know a working password).
ALTER TABLE account ADD COLUMN initial_password BOOLEAN NOT NULL DEFAULT FALSE;
