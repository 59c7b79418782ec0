-- 密封投票箱: while a vote is open each choice is kept sealed (encrypted with a key outside
-- the database, random padding inside). At 结束表决 the box is opened and the ballots are
-- written to `ballot` shuffled, all in one transaction, and the sealed rows are removed,
-- so no row order, time or transaction links a choice to the voter who cast it.
CREATE TABLE sealed_ballot (
    id             BIGSERIAL PRIMARY KEY,
    meeting_id     BIGINT NOT NULL REFERENCES review_meeting (id),
    application_id BIGINT NOT NULL REFERENCES application (id),
    sealed         TEXT   NOT NULL
);
CREATE INDEX sealed_ballot_meeting ON sealed_ballot (meeting_id);
