-- SQLite, planning a statement with a bound status (`… AND a.status = $2`), compares the
-- parameter's value with the partial index's `status = 'in_publicity'` to see whether that
-- index applies, and so marks the statement to be compiled again whenever that parameter
-- is bound: every queue page, count and status change on `application` was parsed and
-- planned afresh (sqlite3Reprepare was 15 % of a queue page). A plain index on
-- (status, id) serves the 公示 list as the partial one did and leaves statements reusable.
-- The same on PostgreSQL, so both schemas stay alike. Older servers name no index.
DROP INDEX application_in_publicity;
CREATE INDEX application_status ON application (status, id);
