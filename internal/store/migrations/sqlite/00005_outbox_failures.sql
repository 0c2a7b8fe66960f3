-- Outbox rows that fail to dispatch (issue 14, finding 9): one bad task
-- change no longer holds back every change after it.

-- +goose Up
-- A task change (task_events row event_id, still outbox = 1) that the
-- dispatcher failed to turn into deliveries. While parked_at is NULL it is
-- tried again once next_at has come; after its last allowed try it is
-- parked and waits for `taskbox outbox retry` or `drop`. Meanwhile the
-- later changes of its task wait behind it (a task's events keep their
-- order) and every other task's go on. A row leaves this table when its
-- change is dispatched or dropped.
CREATE TABLE outbox_failures (
    event_id         BIGINT  PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    task_id          BIGINT  NOT NULL,
    tries            INTEGER NOT NULL,
    error            TEXT    NOT NULL,
    first_failed_at  BIGINT  NOT NULL,
    failed_at        BIGINT  NOT NULL,
    next_at          BIGINT  NOT NULL,
    parked_at        BIGINT
);
CREATE INDEX outbox_failures_task ON outbox_failures (task_id, event_id);

-- +goose Down
DROP TABLE outbox_failures;
