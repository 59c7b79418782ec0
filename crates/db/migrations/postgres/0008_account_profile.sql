-- 0008 account profile: the account's avatar (a key under the files folder) and, on an
-- e-mail token, the new address that a change-of-e-mail link confirms.
ALTER TABLE account ADD COLUMN avatar_key TEXT;
ALTER TABLE email_token ADD COLUMN new_email TEXT;
