-- 0021 评审计划 levels: the ranks a plan accepts, comma-separated; empty means every level
-- of its committee.
ALTER TABLE review_plan ADD COLUMN levels TEXT NOT NULL DEFAULT '';
