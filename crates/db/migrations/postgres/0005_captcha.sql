-- 0005 image captchas: the answer stays on the server and each captcha is deleted on its
-- first check, right or wrong.
CREATE TABLE captcha (
    id         TEXT PRIMARY KEY,
    answer     TEXT NOT NULL,
    png        BYTEA NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX captcha_expires ON captcha (expires_at);
CREATE INDEX login_failure_ip_at ON login_failure (ip, at);
