-- 0018 审核工具: roster exports written by the job queue, each office's return-reason
-- templates, the dossier as it stood before the last return, the stage windows of a plan
-- and the single dossiers reopened past a closed stage.

-- 导出文件 — an export a staff member asked for; the worker writes it and marks it ready.
CREATE TABLE export_file (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES account (id),
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    request     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    row_count   INTEGER,
    file_key    TEXT,
    error       TEXT,
    created_at  TEXT    NOT NULL,
    finished_at TEXT,
    expires_at  TEXT    NOT NULL
);
CREATE INDEX export_file_account ON export_file (account_id, id);

-- 退回理由模板 — an organisation's reusable return reasons, optionally for one section.
CREATE TABLE return_template (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_kind   TEXT    NOT NULL,
    org_id     INTEGER NOT NULL,
    section    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX return_template_org ON return_template (org_kind, org_id);

-- The snapshot a dossier had when it was last returned, to show what changed since.
ALTER TABLE application ADD COLUMN returned_snapshot TEXT;

-- 阶段时间 — when each review stage of a plan opens and closes.
CREATE TABLE stage_window (
    plan_id   INTEGER NOT NULL REFERENCES review_plan (id),
    stage     TEXT    NOT NULL,
    opens_at  TEXT    NOT NULL,
    closes_at TEXT    NOT NULL,
    PRIMARY KEY (plan_id, stage)
);

-- 个案重开 — one dossier let through a closed stage until a time, with the reason.
CREATE TABLE stage_reopening (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id),
    stage          TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    until_at       TEXT    NOT NULL,
    reopened_by    INTEGER NOT NULL REFERENCES account (id),
    created_at     TEXT    NOT NULL
);
CREATE INDEX stage_reopening_application ON stage_reopening (application_id, stage);

-- The queues filter on these besides status.
CREATE INDEX application_unit_status_submitted ON application (unit_id, status, submitted_at);
CREATE INDEX application_office_status_submitted ON application (office_id, status, submitted_at);
