-- 0015 个人资料: the applicant's archive, entered once and copied into new applications.
CREATE TABLE archive_part (
    account_id INTEGER NOT NULL REFERENCES account (id),
    part       TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (account_id, part)
);
