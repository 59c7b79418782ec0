-- 0001 foundation: accounts, sessions, jobs, audit and the reference data admins edit.
-- The PostgreSQL twin has the same tables and columns; a parity test compares them.

-- 账号 — every login of every role. Later issues add identity fields.
CREATE TABLE account (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login_name    TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    org_kind      TEXT,
    org_id        INTEGER,
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

-- 会话 — server-side sessions; account_id is copied out of the data so that every
-- session of one person can be ended at once (password reset, disabling, logout).
CREATE TABLE session (
    id          TEXT PRIMARY KEY,
    account_id  INTEGER,
    data        TEXT NOT NULL,
    expiry_date TEXT NOT NULL
);
CREATE INDEX session_expiry ON session (expiry_date);
CREATE INDEX session_account ON session (account_id);

-- 登录失败 — failed logins per account key, shared by every server, for the lockout.
CREATE TABLE login_failure (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    login_key TEXT NOT NULL,
    ip        TEXT,
    at        TEXT NOT NULL
);
CREATE INDEX login_failure_key_at ON login_failure (login_key, at);

-- 后台任务 — the database-backed job queue.
CREATE TABLE job (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TEXT    NOT NULL,
    locked_by    TEXT,
    locked_at    TEXT,
    last_error   TEXT,
    created_at   TEXT    NOT NULL,
    finished_at  TEXT
);
CREATE INDEX job_ready ON job (status, run_at, id);

-- 审计日志 — append-only record of staff and security actions.
CREATE TABLE audit_event (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    actor_id   INTEGER,
    actor_role TEXT,
    action     TEXT    NOT NULL,
    object     TEXT    NOT NULL,
    result     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    ip         TEXT
);
CREATE INDEX audit_event_at ON audit_event (at);

-- 职称系列 — a series of titles, e.g. 工程.
CREATE TABLE series (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT 1
);

-- 资格名称 per series and level, e.g. 工程/中级/工程师.
CREATE TABLE series_title (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id  INTEGER NOT NULL REFERENCES series (id),
    level_rank INTEGER NOT NULL,
    title_name TEXT    NOT NULL,
    UNIQUE (series_id, level_rank, title_name)
);

-- 专业 within a series.
CREATE TABLE specialty (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id  INTEGER NOT NULL REFERENCES series (id),
    name       TEXT    NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (series_id, name)
);

-- 行政区划 — cities and their districts/counties (GB/T 2260 codes).
CREATE TABLE region (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES region (code),
    depth       INTEGER NOT NULL
);
CREATE INDEX region_parent ON region (parent_code, code);

-- 职改办 and 主管部门.
CREATE TABLE office (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    region_code TEXT REFERENCES region (code),
    parent_id   INTEGER REFERENCES office (id)
);

-- 评审委员会.
CREATE TABLE committee (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL UNIQUE,
    office_id       INTEGER NOT NULL REFERENCES office (id),
    series_id       INTEGER NOT NULL REFERENCES series (id),
    level_min       INTEGER NOT NULL,
    level_max       INTEGER NOT NULL,
    charges_online  BOOLEAN NOT NULL DEFAULT 0
);

-- 单位 — employer units.
CREATE TABLE unit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    credit_code TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    region_code TEXT    NOT NULL REFERENCES region (code),
    office_id   INTEGER NOT NULL REFERENCES office (id),
    status      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

-- 工作日历 — holidays and make-up workdays; ordinary weekends are not stored.
CREATE TABLE calendar_day (
    day    TEXT PRIMARY KEY,
    kind   TEXT NOT NULL,
    name   TEXT NOT NULL,
    region TEXT NOT NULL
);

-- 通知公告 on the public home page.
CREATE TABLE notice (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    published_at TEXT    NOT NULL
);
CREATE INDEX notice_published ON notice (published_at);
