-- 0012 when each password was last set, so staff and admin passwords expire after 90 days.
ALTER TABLE account ADD COLUMN password_changed_at TEXT;
UPDATE account SET password_changed_at = created_at;
