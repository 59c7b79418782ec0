-- 0019 评审委员会: meetings, the reproducible expert draw, the members' answers and their
-- opinions, the secret ballot, result publicity with objections, certificates with their
-- numbering and public verification.

-- 评审会议 — one meeting of a plan's committee, gathering the dossiers ready for review.
CREATE TABLE review_meeting (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    BIGINT  NOT NULL REFERENCES review_plan (id),
    name       TEXT    NOT NULL,
    held_on    DATE       NOT NULL,
    status     TEXT    NOT NULL,
    present    INTEGER,
    created_by BIGINT  NOT NULL REFERENCES account (id),
    created_at TIMESTAMPTZ    NOT NULL
);

-- A dossier on a meeting's agenda, in a specialty group.
CREATE TABLE meeting_dossier (
    meeting_id     BIGINT  NOT NULL REFERENCES review_meeting (id),
    application_id BIGINT  NOT NULL UNIQUE REFERENCES application (id),
    specialty      TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, application_id)
);

-- 抽取记录 — every draw and redraw with its seed and inputs, so it can be run again.
CREATE TABLE expert_draw (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id BIGINT  NOT NULL REFERENCES review_meeting (id),
    specialty  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    seed       TEXT    NOT NULL,
    inputs     TEXT    NOT NULL,
    result     TEXT    NOT NULL,
    drawn_by   BIGINT  NOT NULL REFERENCES account (id),
    created_at TIMESTAMPTZ    NOT NULL
);

-- A drawn member and their answer (invited, confirmed, refused).
CREATE TABLE meeting_expert (
    meeting_id   BIGINT  NOT NULL REFERENCES review_meeting (id),
    expert_id    BIGINT  NOT NULL REFERENCES account (id),
    specialty    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    answered_at  TIMESTAMPTZ,
    PRIMARY KEY (meeting_id, expert_id)
);

-- 回避申报 — an expert's declared conflict with an applicant.
CREATE TABLE expert_recusal (
    expert_id    BIGINT  NOT NULL REFERENCES account (id),
    applicant_id BIGINT  NOT NULL REFERENCES account (id),
    reason       TEXT    NOT NULL,
    PRIMARY KEY (expert_id, applicant_id)
);

-- 评审意见 — an expert's opinion and score on a dossier assigned to them.
CREATE TABLE expert_opinion (
    meeting_id     BIGINT  NOT NULL REFERENCES review_meeting (id),
    application_id BIGINT  NOT NULL REFERENCES application (id),
    expert_id      BIGINT  NOT NULL REFERENCES account (id),
    opinion        TEXT    NOT NULL,
    score          INTEGER NOT NULL,
    updated_at     TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (meeting_id, application_id, expert_id)
);

-- Who has voted on a dossier (never what).
CREATE TABLE ballot_cast (
    meeting_id     BIGINT  NOT NULL REFERENCES review_meeting (id),
    application_id BIGINT  NOT NULL REFERENCES application (id),
    expert_id      BIGINT  NOT NULL REFERENCES account (id),
    PRIMARY KEY (meeting_id, application_id, expert_id)
);

-- 无记名投票 — the ballots, with a random key and no voter, time or order to link them.
CREATE TABLE ballot (
    id             TEXT    PRIMARY KEY,
    meeting_id     BIGINT  NOT NULL REFERENCES review_meeting (id),
    application_id BIGINT  NOT NULL REFERENCES application (id),
    choice         TEXT    NOT NULL
);
CREATE INDEX ballot_dossier ON ballot (meeting_id, application_id);

-- 评审结果公示 — a passed dossier on the public site.
CREATE TABLE result_publicity (
    application_id BIGINT  PRIMARY KEY REFERENCES application (id),
    starts_on      DATE       NOT NULL,
    ends_on        DATE       NOT NULL,
    published_by   BIGINT  NOT NULL REFERENCES account (id),
    created_at     TIMESTAMPTZ    NOT NULL
);

-- 异议 — an objection under a real name during the publicity, and how staff resolved it.
CREATE TABLE objection (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT  NOT NULL REFERENCES application (id),
    name           TEXT    NOT NULL,
    phone_sealed   TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    resolution     TEXT,
    resolved_by    BIGINT  REFERENCES account (id),
    created_at     TIMESTAMPTZ    NOT NULL,
    resolved_at    TIMESTAMPTZ
);

-- 证书 — a title certificate; the number is unique per office and year and never reused.
CREATE TABLE certificate (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           TEXT    NOT NULL UNIQUE,
    office_id        BIGINT  NOT NULL REFERENCES office (id),
    year             INTEGER NOT NULL,
    seq              BIGINT  NOT NULL,
    application_id   BIGINT  UNIQUE REFERENCES application (id),
    holder_id        BIGINT  NOT NULL REFERENCES account (id),
    holder_name      TEXT    NOT NULL,
    id_number_masked TEXT    NOT NULL,
    unit_name        TEXT    NOT NULL,
    series_name      TEXT    NOT NULL,
    level_rank       INTEGER NOT NULL,
    title_name       TEXT    NOT NULL,
    committee_name   TEXT    NOT NULL,
    way              TEXT    NOT NULL,
    doc_number       TEXT    NOT NULL,
    issued_on        DATE       NOT NULL,
    status           TEXT    NOT NULL,
    token            TEXT    NOT NULL UNIQUE,
    view_count       BIGINT  NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ    NOT NULL,
    UNIQUE (office_id, year, seq)
);
CREATE INDEX certificate_holder ON certificate (holder_id);

-- The next sequence number per issuing office and year.
CREATE TABLE certificate_sequence (
    office_id BIGINT  NOT NULL REFERENCES office (id),
    year      INTEGER NOT NULL,
    next_seq  BIGINT  NOT NULL,
    PRIMARY KEY (office_id, year)
);

-- 查验记录 — each time a certificate was verified or viewed on the public page.
CREATE TABLE certificate_view (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id BIGINT  NOT NULL REFERENCES certificate (id),
    channel        TEXT    NOT NULL,
    viewed_at      TIMESTAMPTZ    NOT NULL
);
CREATE INDEX certificate_view_certificate ON certificate_view (certificate_id, id);
