-- 0006 second factor for staff: a sealed TOTP secret and the last accepted time step,
-- so a code is accepted once only.
ALTER TABLE account ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE account ADD COLUMN totp_last_step BIGINT;
