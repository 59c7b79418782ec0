-- 0016 单位审核: the specific reasons of a return (一次性告知, one per section), and the
-- unit's internal publicity (单位内部公示) before it forwards a dossier.
CREATE TABLE return_reason (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT      NOT NULL REFERENCES application (id),
    section        TEXT        NOT NULL,
    reason         TEXT        NOT NULL,
    returned_by    TEXT        NOT NULL,
    returned_at    TIMESTAMPTZ NOT NULL,
    resolved       BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE INDEX return_reason_app ON return_reason (application_id, resolved);

CREATE TABLE unit_publicity (
    application_id BIGINT      PRIMARY KEY REFERENCES application (id),
    starts_on      DATE        NOT NULL,
    ends_on        DATE        NOT NULL,
    recorded_by    BIGINT      NOT NULL REFERENCES account (id),
    created_at     TIMESTAMPTZ NOT NULL
);
