-- 0011 评审专家库: an applicant account granted membership of the expert pool for a term
-- of at most 3 years, in one series and specialty.
CREATE TABLE expert (
    account_id INTEGER PRIMARY KEY REFERENCES account (id),
    series_id  INTEGER NOT NULL REFERENCES series (id),
    specialty  TEXT    NOT NULL,
    title_name TEXT    NOT NULL,
    term_start TEXT    NOT NULL,
    term_end   TEXT    NOT NULL,
    granted_by INTEGER REFERENCES account (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX expert_series ON expert (series_id, term_end);
