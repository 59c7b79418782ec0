-- 0022 费用: fee items of a 评审计划, payment orders with their gateway trades, every
-- gateway notify as received (append-only), refunds and reconciliation differences.

CREATE TABLE fee_item (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER      NOT NULL REFERENCES review_plan (id),
    -- NULL: every level of the plan.
    level_rank  INTEGER,
    name        TEXT        NOT NULL,
    amount_fen  INTEGER      NOT NULL CHECK (amount_fen > 0),
    -- 缴费时间: the last China day on which it can be paid.
    pay_until   TEXT        NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX fee_item_plan ON fee_item (plan_id);

CREATE TABLE payment_order (
    id             INTEGER PRIMARY KEY,
    order_no       TEXT        UNIQUE,
    account_id     INTEGER      NOT NULL REFERENCES account (id),
    application_id INTEGER      REFERENCES application (id),
    office_id      INTEGER      NOT NULL REFERENCES office (id),
    committee_id   INTEGER      REFERENCES committee (id),
    fee_item_id    INTEGER      REFERENCES fee_item (id),
    item_name      TEXT        NOT NULL,
    amount_fen     INTEGER      NOT NULL CHECK (amount_fen > 0),
    status         TEXT        NOT NULL,
    -- The end of the payment window (the start of the day after 缴费时间, China time).
    pay_before     TEXT NOT NULL,
    channel        TEXT        NOT NULL DEFAULT '',
    out_trade_no   TEXT,
    trade_started  TEXT,
    trade_no       TEXT        NOT NULL DEFAULT '',
    paid_at        TEXT,
    refunded_fen   INTEGER      NOT NULL DEFAULT 0,
    -- Money arrived for a closed order (or a dossier ended after payment): staff refund it.
    refund_due     BOOLEAN     NOT NULL DEFAULT FALSE,
    invoice_number TEXT        NOT NULL DEFAULT '',
    invoice_link   TEXT        NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX payment_order_account ON payment_order (account_id, created_at);
CREATE INDEX payment_order_office ON payment_order (office_id, created_at);
CREATE INDEX payment_order_open ON payment_order (status, pay_before);
CREATE UNIQUE INDEX payment_order_application_item ON payment_order (application_id, fee_item_id);

-- Every out_trade_no ever sent to the gateway, so a late notify for an older trade of an
-- order still finds it.
CREATE TABLE payment_trade (
    out_trade_no TEXT        PRIMARY KEY,
    order_id     INTEGER      NOT NULL REFERENCES payment_order (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX payment_trade_order ON payment_trade (order_id);

CREATE TABLE payment_notify (
    id           INTEGER PRIMARY KEY,
    received_at  TEXT NOT NULL,
    out_trade_no TEXT        NOT NULL,
    notify_id    TEXT        NOT NULL,
    trade_status TEXT        NOT NULL,
    verified     BOOLEAN     NOT NULL,
    outcome      TEXT        NOT NULL,
    raw          TEXT        NOT NULL
);
CREATE INDEX payment_notify_trade ON payment_notify (out_trade_no);

CREATE TRIGGER payment_notify_no_update BEFORE UPDATE ON payment_notify
BEGIN
    SELECT RAISE(ABORT, 'payment_notify is append-only');
END;
CREATE TRIGGER payment_notify_no_delete BEFORE DELETE ON payment_notify
BEGIN
    SELECT RAISE(ABORT, 'payment_notify is append-only');
END;

CREATE TABLE payment_refund (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER      NOT NULL REFERENCES payment_order (id),
    out_request_no TEXT       NOT NULL UNIQUE,
    amount_fen    INTEGER      NOT NULL CHECK (amount_fen > 0),
    reason        TEXT        NOT NULL,
    -- requested, done, failed
    status        TEXT        NOT NULL,
    staff_id      INTEGER      REFERENCES account (id),
    created_at    TEXT NOT NULL,
    settled_at    TEXT
);
CREATE INDEX payment_refund_order ON payment_refund (order_id);

CREATE TABLE reconciliation_difference (
    id           INTEGER PRIMARY KEY,
    bill_date    TEXT        NOT NULL,
    out_trade_no TEXT        NOT NULL,
    kind         TEXT        NOT NULL,
    detail       TEXT        NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (bill_date, out_trade_no, kind)
);
