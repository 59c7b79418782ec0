-- The public 公示 list and its count read only the dossiers under publicity; without an
-- index they scanned every application (11 ms a page at 100,000 dossiers, growing with the
-- table). A partial index holds just those, a few thousand at most.
CREATE INDEX application_in_publicity ON application (id) WHERE status = 'in_publicity';
