-- 0020 评委专家入库申请 and the plan's own settings.

-- An applicant's request to join the expert pool, decided by committee or office staff.
CREATE TABLE expert_enrolment (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id        BIGINT  NOT NULL REFERENCES account (id),
    series_id         BIGINT  NOT NULL REFERENCES series (id),
    specialty         TEXT    NOT NULL,
    title_name        TEXT    NOT NULL,
    title_obtained_on DATE    NOT NULL,
    unit_name         TEXT    NOT NULL,
    post              TEXT    NOT NULL,
    research_field    TEXT    NOT NULL,
    phone_sealed      TEXT    NOT NULL,
    phone_masked      TEXT    NOT NULL,
    recusal_note      TEXT    NOT NULL,
    recusal_indexes   TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    reason            TEXT,
    decided_by        BIGINT  REFERENCES account (id),
    created_at        TIMESTAMPTZ    NOT NULL,
    decided_at        TIMESTAMPTZ
);
CREATE INDEX expert_enrolment_account ON expert_enrolment (account_id, id);
CREATE INDEX expert_enrolment_status ON expert_enrolment (series_id, status);

-- 评审计划: the specialties a plan reviews and whether it charges fees online.
ALTER TABLE review_plan ADD COLUMN specialties TEXT NOT NULL DEFAULT '';
ALTER TABLE review_plan ADD COLUMN charges_online BOOLEAN NOT NULL DEFAULT FALSE;
