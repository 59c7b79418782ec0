-- 遗失补办: a lost certificate is declared void by a public notice (遗失公示) of 5 working
-- days, started when its holder confirms the 遗失申明; the dossier can be sent only after
-- it. One notice per application; the certificate is linked when it is one of ours.
CREATE TABLE loss_notice (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES application (id),
    holder_masked  TEXT NOT NULL,
    -- '' when the holder does not know the number (the seed allows it).
    cert_number    TEXT NOT NULL,
    title_name     TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    -- 授予时间, YYYY-MM.
    obtained       TEXT NOT NULL,
    certificate_id BIGINT REFERENCES certificate (id),
    starts_on      DATE NOT NULL,
    ends_on        DATE NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
-- /publicity lists the notices still running, newest first.
CREATE INDEX loss_notice_running ON loss_notice (ends_on, id);

-- A voided certificate names the one that replaced it.
ALTER TABLE certificate ADD COLUMN replaced_by TEXT;

-- 资料上传 of 遗失补办 (seed §3.4): the 2-inch photo sits in 申报信息 because the new
-- certificate is printed with it and it is frozen with the notice.
INSERT INTO upload_slot (kind, committee_id, code, section, label, required, min_count, max_count, max_kb, max_px, photo, sort_order) VALUES
    ('replacement', NULL, 'photo', 'rp_info', '近期免冠2寸彩色照片（用于制作新证书，确认后不能修改）', TRUE, 1, 1, 200, 579, TRUE, 1),
    ('replacement', NULL, 'id_card', 'rp_uploads', '身份证（正、反面）', TRUE, 2, 2, 500, 2400, FALSE, 2),
    ('replacement', NULL, 'loss_statement', 'rp_uploads', '证书遗失情况说明（单位盖章）', TRUE, 1, 2, 800, 2400, FALSE, 3),
    ('replacement', NULL, 'original_basis', 'rp_uploads', '原评审表、批文或资格文件（如有）', FALSE, 0, 10, 800, 2400, FALSE, 4);
