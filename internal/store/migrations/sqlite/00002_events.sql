-- Events (issue #8): the audit trail doubles as the transactional outbox,
-- webhooks and their deliveries, TASK_DUE timers and calendar tokens.

-- +goose Up
-- task is the JSON of the task after the change, the data of its webhook
-- event. outbox is 1 until the dispatcher has turned the row into
-- deliveries and due timers, then NULL; rows written before this migration
-- have NULL and are never sent. Both are set by the INSERT the change
-- already makes, so the outbox costs a task change no extra statement.
ALTER TABLE task_events ADD COLUMN task TEXT;
ALTER TABLE task_events ADD COLUMN outbox INTEGER;
CREATE INDEX task_events_outbox ON task_events (id) WHERE outbox = 1;

-- events is a JSON array of event types. secret signs deliveries, so it is
-- kept as it is (it cannot be a hash, unlike an API key's).
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX webhooks_account ON webhooks (account_id, id);

-- One event on its way to one webhook. body is the exact JSON POSTed on
-- every attempt. status is pending, delivered or failed; a pending one is
-- tried at next_at by the server whose lease (leased_until) is current.
-- retry_since starts the retry window (creation, or the last re-send).
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL,
    webhook_id    INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id      TEXT    NOT NULL,
    event_type    TEXT    NOT NULL,
    task_id       BIGINT  NOT NULL,
    body          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    next_at       BIGINT,
    leased_until  BIGINT  NOT NULL DEFAULT 0,
    retry_since   BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, task_id, id) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           BIGINT  NOT NULL,
    status_code  INTEGER,
    latency_ms   BIGINT  NOT NULL,
    error        TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- The TASK_DUE timer of a task: due_key is the due date it is set for,
-- fire_at when that is (an all-day task: the start of the day in the
-- account's zone). armed is 1 while it has yet to fire; fired_key is the
-- due date it last fired for, so that a change that keeps the due date
-- (or a reopening) does not fire it twice.
CREATE TABLE task_due_timers (
    task_id     BIGINT  PRIMARY KEY,
    account_id  BIGINT  NOT NULL,
    due_key     TEXT    NOT NULL,
    fire_at     BIGINT  NOT NULL,
    armed       INTEGER NOT NULL,
    fired_key   TEXT
);
CREATE INDEX task_due_timers_armed ON task_due_timers (fire_at, task_id) WHERE armed = 1;

-- The account's iCalendar feed token, stored as its SHA-256 like an API key.
CREATE TABLE calendar_tokens (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts (id),
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE calendar_tokens;
DROP TABLE task_due_timers;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP INDEX task_events_outbox;
ALTER TABLE task_events DROP COLUMN outbox;
ALTER TABLE task_events DROP COLUMN task;
