-- 填报说明 — an office's filing guide for a year, and the policy documents it links to
-- (for every series, or for one). Additive: older servers never read these tables.
CREATE TABLE filing_guide (
    office_id  BIGINT      NOT NULL,
    year       INTEGER     NOT NULL,
    body       TEXT        NOT NULL,
    updated_by BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (office_id, year)
);

CREATE TABLE filing_guide_link (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id  BIGINT      NOT NULL,
    year       INTEGER     NOT NULL,
    series_id  BIGINT,
    title      TEXT        NOT NULL,
    url        TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX filing_guide_link_office ON filing_guide_link (office_id, year);
