-- 审验: certificates obtained before the platform are verified by the office that granted
-- them and brought online with their own number. A certificate records where it came
-- from: 'new' (issued here) or 'verification' (审验归集).
ALTER TABLE certificate ADD COLUMN source TEXT NOT NULL DEFAULT 'new';

-- 资料上传 of 审验 (seed §3.5): the certificate and its 评审表 or 批文.
INSERT INTO upload_slot (kind, committee_id, code, section, label, required, min_count, max_count, max_kb, max_px, photo, sort_order) VALUES
    ('verification', NULL, 'id_card', 'vf_uploads', '身份证（正、反面）', TRUE, 2, 2, 500, 2400, FALSE, 1),
    ('verification', NULL, 'original_cert', 'vf_uploads', '职称证书原件（含照片页、资格页）', TRUE, 1, 4, 800, 2400, FALSE, 2),
    ('verification', NULL, 'original_basis', 'vf_uploads', '评审表或批文', TRUE, 1, 10, 800, 2400, FALSE, 3);
