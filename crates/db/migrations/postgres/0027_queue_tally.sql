-- 队列计数 — how many dossiers each desk holds, per status and per filterable dimension,
-- kept by triggers in the same transaction as the change. A queue's tabs and its usual
-- filters (year, 申报类型, series, level, committee) then read a handful of rows instead of
-- counting every dossier in scope: at a million dossiers that count was the page.
-- Triggers rather than service code, so that every write path (submission, review, the
-- bulk seeder, a draft's change of target) keeps the counts without having to remember.
CREATE TABLE queue_tally (
    scope_kind   TEXT    NOT NULL, -- 'unit', 'office' (the 职改办), 'department' (主管部门)
    scope_id     BIGINT  NOT NULL,
    status       TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    series_id    BIGINT  NOT NULL,
    level_rank   INTEGER NOT NULL,
    committee_id BIGINT  NOT NULL, -- 0 when the dossier has none
    n            BIGINT  NOT NULL,
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

-- Adds `d` to the three desks that hold dossier `a`.
CREATE FUNCTION queue_tally_add(a application, d BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO queue_tally VALUES
        ('unit', a.unit_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
         COALESCE(a.committee_id, 0), d),
        ('office', a.office_id, a.status, a.year, a.kind, a.series_id, a.level_rank,
         COALESCE(a.committee_id, 0), d),
        ('department', (SELECT office_id FROM unit WHERE id = a.unit_id), a.status, a.year,
         a.kind, a.series_id, a.level_rank, COALESCE(a.committee_id, 0), d)
    ON CONFLICT (scope_kind, scope_id, status, year, kind, series_id, level_rank, committee_id)
    DO UPDATE SET n = queue_tally.n + EXCLUDED.n;
END
$$ LANGUAGE plpgsql;

-- Counts rows are locked in the order of their status, whichever way a dossier moves, so
-- that transactions moving dossiers between the same statuses cannot deadlock.
CREATE FUNCTION queue_tally_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM queue_tally_add(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM queue_tally_add(OLD, -1);
    ELSIF OLD.status <= NEW.status THEN
        PERFORM queue_tally_add(OLD, -1);
        PERFORM queue_tally_add(NEW, 1);
    ELSE
        PERFORM queue_tally_add(NEW, 1);
        PERFORM queue_tally_add(OLD, -1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER application_queue_tally
AFTER INSERT OR DELETE
   OR UPDATE OF status, unit_id, office_id, year, kind, series_id, level_rank, committee_id
ON application FOR EACH ROW EXECUTE FUNCTION queue_tally_track();

-- A unit that moves to another 主管部门 (a corrected registration) takes its dossiers'
-- counts along: both departments are counted afresh.
CREATE FUNCTION unit_department_tally() RETURNS trigger AS $$
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
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER unit_department_tally AFTER UPDATE OF office_id ON unit
FOR EACH ROW WHEN (OLD.office_id <> NEW.office_id) EXECUTE FUNCTION unit_department_tally();

-- Queue pages in submission order read the index in that order and stop after a page;
-- the id breaks ties so that keyset paging ("after this line") is exact.
DROP INDEX application_unit_status_submitted;
DROP INDEX application_office_status_submitted;
CREATE INDEX application_unit_status_submitted ON application (unit_id, status, submitted_at, id);
CREATE INDEX application_office_status_submitted ON application (office_id, status, submitted_at, id);
