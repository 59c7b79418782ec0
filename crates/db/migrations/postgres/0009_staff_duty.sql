-- 0009 岗位: the duty of an office or committee staff member (acceptor, reviewer, lead,
-- secretary); empty for every other account.
ALTER TABLE account ADD COLUMN duty TEXT;
