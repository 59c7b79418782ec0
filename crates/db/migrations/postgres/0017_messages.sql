-- 0017 消息中心: one message per status change or return, for the applicant and for the
-- staff whose queue the dossier arrives in.
CREATE TABLE message (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT      NOT NULL REFERENCES account (id),
    title      TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    link       TEXT        NOT NULL,
    read_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_account ON message (account_id, id);
