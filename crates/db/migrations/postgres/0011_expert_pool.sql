-- 0011 评审专家库: an applicant account granted membership of the expert pool for a term
-- of at most 3 years, in one series and specialty.
CREATE TABLE expert (
    account_id BIGINT      PRIMARY KEY REFERENCES account (id),
    series_id  BIGINT      NOT NULL REFERENCES series (id),
    specialty  TEXT        NOT NULL,
    title_name TEXT        NOT NULL,
    term_start DATE        NOT NULL,
    term_end   DATE        NOT NULL,
    granted_by BIGINT      REFERENCES account (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX expert_series ON expert (series_id, term_end);
