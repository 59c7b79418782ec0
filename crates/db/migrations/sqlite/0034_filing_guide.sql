-- 填报说明 — an office's filing guide for a year, and the policy documents it links to
-- (for every series, or for one). Additive: older servers never read these tables.
CREATE TABLE filing_guide (
    office_id  INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (office_id, year)
);

CREATE TABLE filing_guide_link (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id  INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    series_id  INTEGER,
    title      TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX filing_guide_link_office ON filing_guide_link (office_id, year);
