-- 0007 e-mail: the outbox of every message sent, and single-use e-mail tokens (password
-- reset links), stored only as keyed hashes.
CREATE TABLE mail_outbox (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    provider   TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE email_token (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id),
    purpose    TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ    NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ    NOT NULL
);
