-- 单位信息变更 — a unit asks its reviewing office to change its registered details; the
-- office approves (the unit row changes in the same transaction) or refuses with a
-- reason. One request waits per unit at a time. Additive: older servers never read it.
CREATE TABLE unit_change (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id               BIGINT  NOT NULL REFERENCES unit (id),
    office_id             BIGINT  NOT NULL REFERENCES office (id),
    requested_by          BIGINT  NOT NULL REFERENCES account (id),
    name                  TEXT    NOT NULL,
    kind                  TEXT    NOT NULL,
    region_code           TEXT    NOT NULL,
    address               TEXT    NOT NULL,
    contact_name          TEXT    NOT NULL,
    contact_phone_sealed  TEXT    NOT NULL,
    contact_phone_masked  TEXT    NOT NULL,
    reason                TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    decision_note         TEXT    NOT NULL DEFAULT '',
    decided_by            BIGINT  REFERENCES account (id),
    decided_at            TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX unit_change_office ON unit_change (office_id, status, id);
CREATE INDEX unit_change_unit ON unit_change (unit_id, id);
CREATE UNIQUE INDEX unit_change_one_pending ON unit_change (unit_id) WHERE status = 'pending';
