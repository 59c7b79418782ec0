-- 0004 unit self-registration: contact, licence image, review outcome.
ALTER TABLE unit ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN contact_phone_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN contact_phone_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN credit_code_checked BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE unit ADD COLUMN licence_key TEXT;
ALTER TABLE unit ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE unit ADD COLUMN reviewed_by INTEGER;
ALTER TABLE unit ADD COLUMN reviewed_at TEXT;
CREATE INDEX unit_office_status ON unit (office_id, status, created_at);
