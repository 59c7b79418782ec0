-- 意见建议 — what a person tells a 职改办, with the office's reply; the contact (a mobile
-- or an e-mail, optional) is sealed like every other personal identifier.
-- 好差评 — one rating per finished application; a 差评 opens a follow-up the office answers
-- by `follow_up_due`. Additive: older servers never read these tables.
CREATE TABLE feedback (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      BIGINT  NOT NULL REFERENCES account (id),
    office_id       BIGINT  NOT NULL REFERENCES office (id),
    category        TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    contact_sealed  TEXT,
    contact_masked  TEXT    NOT NULL DEFAULT '',
    picture_key     TEXT,
    status          TEXT    NOT NULL,
    reply           TEXT    NOT NULL DEFAULT '',
    replied_by      BIGINT  REFERENCES account (id),
    replied_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_office ON feedback (office_id, status, id);
CREATE INDEX feedback_account ON feedback (account_id, id);

CREATE TABLE service_rating (
    application_id  BIGINT PRIMARY KEY REFERENCES application (id),
    account_id      BIGINT  NOT NULL REFERENCES account (id),
    office_id       BIGINT  NOT NULL REFERENCES office (id),
    grade           INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    follow_up_due   DATE,
    follow_up       TEXT    NOT NULL DEFAULT '',
    followed_up_by  BIGINT  REFERENCES account (id),
    followed_up_at  TIMESTAMPTZ
);
CREATE INDEX service_rating_office ON service_rating (office_id, created_at);
