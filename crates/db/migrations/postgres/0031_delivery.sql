-- 邮寄 and 领取证书: an office may mail certificates (seed "邮寄": the button shows only
-- where the 职改办 has switched it on), for a postage the holder pays through 费用管理.
CREATE TABLE office_mailing (
    office_id   BIGINT PRIMARY KEY REFERENCES office (id),
    enabled     BOOLEAN NOT NULL,
    postage_fen BIGINT NOT NULL CHECK (postage_fen >= 0),
    updated_at  TIMESTAMPTZ NOT NULL
);

-- How a certificate reaches its holder: 现场领取 or 邮寄证书 (with the address, the postage
-- order and EMS's tracking number), and when it was collected and by whom.
CREATE TABLE certificate_delivery (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id BIGINT NOT NULL UNIQUE REFERENCES certificate (id),
    office_id      BIGINT NOT NULL REFERENCES office (id),
    method         TEXT NOT NULL,
    recipient      TEXT NOT NULL DEFAULT '',
    province       TEXT NOT NULL DEFAULT '',
    city           TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    postcode       TEXT NOT NULL DEFAULT '',
    order_id       BIGINT REFERENCES payment_order (id),
    tracking_no    TEXT,
    sent_at        TIMESTAMPTZ,
    collected_by   TEXT,
    collected_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
-- An office's mailing list, newest first.
CREATE INDEX certificate_delivery_office ON certificate_delivery (office_id, method, id);
