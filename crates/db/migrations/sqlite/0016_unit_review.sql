-- 0016 单位审核: the specific reasons of a return (一次性告知, one per section), and the
-- unit's internal publicity (单位内部公示) before it forwards a dossier.
CREATE TABLE return_reason (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id),
    section        TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    returned_by    TEXT    NOT NULL,
    returned_at    TEXT    NOT NULL,
    resolved       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX return_reason_app ON return_reason (application_id, resolved);

CREATE TABLE unit_publicity (
    application_id INTEGER PRIMARY KEY REFERENCES application (id),
    starts_on      TEXT    NOT NULL,
    ends_on        TEXT    NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES account (id),
    created_at     TEXT    NOT NULL
);
