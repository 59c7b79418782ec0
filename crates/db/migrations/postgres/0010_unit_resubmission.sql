-- 0010 a returned unit registration can be corrected and submitted again; the office's
-- 3-working-day clock starts from the latest submission.
ALTER TABLE unit ADD COLUMN submitted_at TIMESTAMPTZ;
UPDATE unit SET submitted_at = created_at;
