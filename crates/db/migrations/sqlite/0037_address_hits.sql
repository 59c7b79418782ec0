-- 频率限制 — per-address request limits shared by every server. One row per limit and
-- address holds the generic cell rate algorithm's "theoretical arrival time" in
-- milliseconds since the epoch: a request is let through while that time is no further
-- ahead of now than the burst allows, and moves it on by one interval. Rows whose time has
-- passed carry no information and are swept. Additive: older servers never read it.
CREATE TABLE address_hits (
    bucket      TEXT   NOT NULL,
    address     TEXT   NOT NULL,
    arrival_ms  BIGINT NOT NULL,
    allowed     INTEGER NOT NULL,
    PRIMARY KEY (bucket, address)
);
CREATE INDEX address_hits_arrival ON address_hits (arrival_ms);
