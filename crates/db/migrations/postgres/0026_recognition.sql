-- 职称认定 and 重新确认 受理: the 职改办 that accept them in a year (报送职改办), when,
-- and what they charge online.
CREATE TABLE recognition_window (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id   BIGINT NOT NULL REFERENCES office (id),
    year        INTEGER NOT NULL,
    apply_from  TIMESTAMPTZ NOT NULL,
    apply_until TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    -- 网上缴费 after 初审通过: the item and amount (0: no online fee) and the last China
    -- day it can be paid.
    fee_name    TEXT    NOT NULL DEFAULT '',
    fee_fen     BIGINT  NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    pay_until   DATE,
    UNIQUE (office_id, year)
);

-- 认定条件: the months of professional work after graduation that an education needs for
-- a level. Per series, or for every series (series_id NULL); the admin may change them,
-- as Guangxi's table may differ from the national practice seeded here (domain.md §3.2).
CREATE TABLE recognition_rule (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_id   BIGINT REFERENCES series (id),
    education   TEXT    NOT NULL,
    level_rank  INTEGER NOT NULL CHECK (level_rank BETWEEN 1 AND 3),
    months      INTEGER NOT NULL CHECK (months BETWEEN 0 AND 240),
    UNIQUE (series_id, education, level_rank)
);
INSERT INTO recognition_rule (series_id, education, level_rank, months) VALUES
    (NULL, '中专', 1, 12),
    (NULL, '中专', 2, 60),
    (NULL, '大专', 1, 12),
    (NULL, '大专', 2, 36),
    (NULL, '本科', 2, 12),
    (NULL, '第二学士', 2, 12),
    (NULL, '硕士', 2, 0),
    (NULL, '硕士', 3, 36),
    (NULL, '博士', 3, 0);

-- 资料上传 of 职称认定 (seed §3.2: each with its count and size shown).
INSERT INTO upload_slot (kind, committee_id, code, section, label, required, min_count, max_count, max_kb, max_px, photo, sort_order) VALUES
    ('recognition', NULL, 'photo', 'rc_uploads', '近期二寸免冠彩色照片', TRUE, 1, 1, 200, 579, TRUE, 1),
    ('recognition', NULL, 'id_card', 'rc_uploads', '身份证（正、反面）', TRUE, 2, 2, 500, 2400, FALSE, 2),
    ('recognition', NULL, 'diploma', 'rc_uploads', '毕业证书及学信网学历认证报告', TRUE, 2, 4, 800, 2400, FALSE, 3),
    ('recognition', NULL, 'employment', 'rc_uploads', '劳动合同或社保缴纳证明', TRUE, 1, 4, 800, 2400, FALSE, 4),
    ('recognition', NULL, 'probation', 'rc_uploads', '见习期考核表', TRUE, 1, 2, 800, 2400, FALSE, 5);

-- 资料上传 of 重新确认 (seed §3.3): the title held elsewhere and its 评审表 or 批文.
INSERT INTO upload_slot (kind, committee_id, code, section, label, required, min_count, max_count, max_kb, max_px, photo, sort_order) VALUES
    ('reconfirmation', NULL, 'photo', 'rf_uploads', '近期二寸免冠彩色照片', TRUE, 1, 1, 200, 579, TRUE, 1),
    ('reconfirmation', NULL, 'id_card', 'rf_uploads', '身份证（正、反面）', TRUE, 2, 2, 500, 2400, FALSE, 2),
    ('reconfirmation', NULL, 'original_cert', 'rf_uploads', '原专业技术资格证书', TRUE, 1, 4, 800, 2400, FALSE, 3),
    ('reconfirmation', NULL, 'original_basis', 'rf_uploads', '原评审表或批文', TRUE, 1, 10, 800, 2400, FALSE, 4),
    ('reconfirmation', NULL, 'employment', 'rf_uploads', '劳动合同或社保缴纳证明', TRUE, 1, 4, 800, 2400, FALSE, 5);

-- 重新确认 certificates name the certificate they confirm (issued elsewhere).
ALTER TABLE certificate ADD COLUMN original_ref TEXT;
