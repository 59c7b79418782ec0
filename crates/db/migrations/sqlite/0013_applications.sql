-- 0013 申报: committees' review plans (the application window), applications with their
-- parts (one JSON document per part of the form), and the progress history (进度).

-- 评审计划 — a committee's plan for a year.
CREATE TABLE review_plan (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES committee (id),
    year         INTEGER NOT NULL,
    apply_from   TEXT    NOT NULL,
    apply_until  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (committee_id, year)
);

-- 申报 — one application; `snapshot` freezes the dossier at submission.
CREATE TABLE application (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    applicant_id INTEGER NOT NULL REFERENCES account (id),
    unit_id      INTEGER NOT NULL REFERENCES unit (id),
    year         INTEGER NOT NULL,
    series_id    INTEGER NOT NULL REFERENCES series (id),
    level_rank   INTEGER NOT NULL,
    title_name   TEXT    NOT NULL,
    committee_id INTEGER REFERENCES committee (id),
    office_id    INTEGER NOT NULL REFERENCES office (id),
    status       TEXT    NOT NULL,
    submit_token TEXT,
    snapshot     TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    submitted_at TEXT
);
CREATE INDEX application_applicant ON application (applicant_id, year);
CREATE INDEX application_office_status ON application (office_id, status);
CREATE INDEX application_unit_status ON application (unit_id, status);

-- 申报表内容 — one part of the form (a field set, a table, the summary) as JSON.
CREATE TABLE application_part (
    application_id INTEGER NOT NULL REFERENCES application (id),
    part           TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (application_id, part)
);

-- 进度 — every step an application took: who, when, what, with which opinion.
CREATE TABLE application_event (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id),
    at             TEXT    NOT NULL,
    step           TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    opinion        TEXT    NOT NULL,
    actor_id       INTEGER REFERENCES account (id),
    org_name       TEXT    NOT NULL,
    from_status    TEXT    NOT NULL,
    to_status      TEXT    NOT NULL
);
CREATE INDEX application_event_app ON application_event (application_id, id);
