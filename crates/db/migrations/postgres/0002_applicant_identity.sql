-- 0002 applicant identity, SMS codes and the SMS outbox.
-- Identity numbers and mobiles are stored sealed (AES-256-GCM) with a keyed blind index
-- for lookups and uniqueness, and a masked copy for display; never readable in a dump.

-- 个人用户 — the identity of an applicant account.
CREATE TABLE applicant (
    account_id           BIGINT PRIMARY KEY REFERENCES account (id),
    name                 TEXT    NOT NULL,
    doc_kind             TEXT    NOT NULL,
    id_number_sealed     TEXT    NOT NULL,
    id_number_index      TEXT    NOT NULL UNIQUE,
    id_number_masked     TEXT    NOT NULL,
    phone_sealed         TEXT    NOT NULL,
    phone_index          TEXT    NOT NULL UNIQUE,
    phone_masked         TEXT    NOT NULL,
    email                TEXT    NOT NULL,
    email_key            TEXT    NOT NULL UNIQUE,
    security_question    TEXT    NOT NULL,
    security_answer_hash TEXT    NOT NULL,
    unit_id              BIGINT REFERENCES unit (id),
    sms_notices          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at           TIMESTAMPTZ    NOT NULL
);

-- 短信验证码 — one row per code sent; the code itself is kept only as a keyed hash.
CREATE TABLE sms_code (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_index TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  TIMESTAMPTZ    NOT NULL,
    consumed_at TIMESTAMPTZ,
    ip          TEXT,
    created_at  TIMESTAMPTZ    NOT NULL
);
CREATE INDEX sms_code_phone ON sms_code (phone_index, created_at);
CREATE INDEX sms_code_ip ON sms_code (ip, created_at);

-- 短信发件箱 — every SMS the platform sends, whichever provider carries it.
CREATE TABLE sms_outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_sealed TEXT    NOT NULL,
    phone_masked TEXT    NOT NULL,
    template     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    provider     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   TIMESTAMPTZ    NOT NULL
);
CREATE INDEX sms_outbox_created ON sms_outbox (created_at);
