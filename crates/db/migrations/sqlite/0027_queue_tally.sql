-- 队列计数 — how many dossiers each desk holds, per status and per filterable dimension,
-- kept by triggers in the same transaction as the change. A queue's tabs and its usual
-- filters (year, 申报类型, series, level, committee) then read a handful of rows instead of
-- counting every dossier in scope: at a million dossiers that count was the page.
-- Triggers rather than service code, so that every write path (submission, review, the
-- bulk seeder, a draft's change of target) keeps the counts without having to remember.
CREATE TABLE queue_tally (
    scope_kind   TEXT    NOT NULL, -- 'unit', 'office' (the 职改办), 'department' (主管部门)
    scope_id     INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    series_id    INTEGER NOT NULL,
    level_rank   INTEGER NOT NULL,
    committee_id INTEGER NOT NULL, -- 0 when the dossier has none
    n            INTEGER NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, status, year, kind, series_id, level_rank, committee_id)
);

INSERT INTO queue_tally
SELECT 'unit', a.unit_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
       COALESCE(a.committee_id, 0), COUNT(*)
FROM application a
GROUP BY a.unit_id, a.status, a.year, a.kind, a.series_id, a.level_rank, COALESCE(a.committee_id, 0);
INSERT INTO queue_tally
SELECT 'office', a.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
       COALESCE(a.committee_id, 0), COUNT(*)
FROM application a
GROUP BY a.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank, COALESCE(a.committee_id, 0);
INSERT INTO queue_tally
SELECT 'department', u.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
       COALESCE(a.committee_id, 0), COUNT(*)
FROM application a JOIN unit u ON u.id = a.unit_id
GROUP BY u.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank, COALESCE(a.committee_id, 0);

CREATE TRIGGER application_tally_insert AFTER INSERT ON application
BEGIN
    INSERT INTO queue_tally VALUES ('unit', NEW.unit_id, NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally VALUES ('office', NEW.office_id, NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally VALUES ('department',
        (SELECT office_id FROM unit WHERE id = NEW.unit_id), NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER application_tally_delete AFTER DELETE ON application
BEGIN
    UPDATE queue_tally SET n = n - 1
    WHERE status = OLD.status AND year = OLD.year AND kind = OLD.kind
      AND series_id = OLD.series_id AND level_rank = OLD.level_rank
      AND committee_id = COALESCE(OLD.committee_id, 0)
      AND ((scope_kind = 'unit' AND scope_id = OLD.unit_id)
        OR (scope_kind = 'office' AND scope_id = OLD.office_id)
        OR (scope_kind = 'department'
            AND scope_id = (SELECT office_id FROM unit WHERE id = OLD.unit_id)));
END;

CREATE TRIGGER application_tally_update
AFTER UPDATE OF status, unit_id, office_id, year, kind, series_id, level_rank, committee_id
ON application
BEGIN
    UPDATE queue_tally SET n = n - 1
    WHERE status = OLD.status AND year = OLD.year AND kind = OLD.kind
      AND series_id = OLD.series_id AND level_rank = OLD.level_rank
      AND committee_id = COALESCE(OLD.committee_id, 0)
      AND ((scope_kind = 'unit' AND scope_id = OLD.unit_id)
        OR (scope_kind = 'office' AND scope_id = OLD.office_id)
        OR (scope_kind = 'department'
            AND scope_id = (SELECT office_id FROM unit WHERE id = OLD.unit_id)));
    INSERT INTO queue_tally VALUES ('unit', NEW.unit_id, NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally VALUES ('office', NEW.office_id, NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally VALUES ('department',
        (SELECT office_id FROM unit WHERE id = NEW.unit_id), NEW.status, NEW.year, NEW.kind,
        NEW.series_id, NEW.level_rank, COALESCE(NEW.committee_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A unit that moves to another 主管部门 (a corrected registration) takes its dossiers'
-- counts along: both departments are counted afresh.
CREATE TRIGGER unit_department_tally AFTER UPDATE OF office_id ON unit
WHEN OLD.office_id <> NEW.office_id
BEGIN
    DELETE FROM queue_tally
    WHERE scope_kind = 'department' AND scope_id IN (OLD.office_id, NEW.office_id);
    INSERT INTO queue_tally
    SELECT 'department', u.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
           COALESCE(a.committee_id, 0), COUNT(*)
    FROM application a JOIN unit u ON u.id = a.unit_id
    WHERE u.office_id IN (OLD.office_id, NEW.office_id)
    GROUP BY u.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
             COALESCE(a.committee_id, 0);
END;

-- Queue pages in submission order read the index in that order and stop after a page;
-- the id breaks ties so that keyset paging ("after this line") is exact.
DROP INDEX application_unit_status_submitted;
DROP INDEX application_office_status_submitted;
CREATE INDEX application_unit_status_submitted ON application (unit_id, status, submitted_at, id);
CREATE INDEX application_office_status_submitted ON application (office_id, status, submitted_at, id);
