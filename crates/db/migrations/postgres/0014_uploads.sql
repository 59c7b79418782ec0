-- 0014 附件: upload slots as configuration per application type (a committee may
-- override a slot by its code), and the files of an application.

CREATE TABLE upload_slot (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT    NOT NULL,
    committee_id BIGINT REFERENCES committee (id),
    code         TEXT    NOT NULL,
    section      TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    required     BOOLEAN NOT NULL,
    min_count    INTEGER NOT NULL,
    max_count    INTEGER NOT NULL,
    max_kb       INTEGER NOT NULL,
    max_px       INTEGER NOT NULL,
    photo        BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order   INTEGER NOT NULL
);
CREATE UNIQUE INDEX upload_slot_key ON upload_slot (kind, COALESCE(committee_id, 0), code);

INSERT INTO upload_slot (kind, committee_id, code, section, label, required, min_count, max_count, max_kb, max_px, photo, sort_order) VALUES
    ('evaluation', NULL, 'photo', 'basic', '二寸免冠照片', TRUE, 1, 1, 200, 579, TRUE, 1),
    ('evaluation', NULL, 'diploma', 'education', '学历、学位证书', TRUE, 1, 6, 800, 2400, FALSE, 2),
    ('evaluation', NULL, 'qualification', 'qualifications', '现任资格证书', FALSE, 0, 10, 800, 2400, FALSE, 3),
    ('evaluation', NULL, 'training', 'training', '继续教育证明', FALSE, 0, 10, 800, 2400, FALSE, 4),
    ('evaluation', NULL, 'insurance', 'career', '社保缴纳记录截图', FALSE, 0, 10, 800, 2400, FALSE, 5),
    ('evaluation', NULL, 'experience', 'experience', '专业技术工作证明', FALSE, 0, 10, 800, 2400, FALSE, 6),
    ('evaluation', NULL, 'achievement', 'achievements', '业绩成果证明材料', TRUE, 1, 20, 1024, 2400, FALSE, 7),
    ('evaluation', NULL, 'award', 'achievements', '获奖证书', FALSE, 0, 10, 800, 2400, FALSE, 8),
    ('evaluation', NULL, 'publication', 'publications', '论文论著首页及目录', FALSE, 0, 20, 800, 2400, FALSE, 9),
    ('evaluation', NULL, 'other', 'others', '其他材料', FALSE, 0, 20, 800, 2400, FALSE, 10);

CREATE TABLE application_file (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES application (id),
    slot           TEXT    NOT NULL,
    file_key       TEXT    NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    bytes          BIGINT  NOT NULL,
    confirmed      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ    NOT NULL
);
CREATE INDEX application_file_app ON application_file (application_id, slot, id);
