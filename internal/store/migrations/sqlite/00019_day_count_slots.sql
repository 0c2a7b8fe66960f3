-- Issue #19: no shared hot row. On PostgreSQL each batch writes one slot
-- of a day's row of task_day_counts, picked at random, so that concurrent
-- batches rarely lock the same row (see the PostgreSQL migration 00019);
-- the readers sum n over the slots. SQLite has one writer and writes slot
-- 0 only, but keeps the schema of PostgreSQL. SQLite cannot change a
-- primary key, so the table is made anew; rows written before have slot 0.

-- +goose Up
CREATE TABLE task_day_counts_slots (
    account_id   BIGINT  NOT NULL,
    status       TEXT    NOT NULL,
    due_all_day  INTEGER NOT NULL,
    day          BIGINT  NOT NULL,
    slot         INTEGER NOT NULL DEFAULT 0,
    n            BIGINT  NOT NULL,
    PRIMARY KEY (account_id, status, due_all_day, day, slot)
);
INSERT INTO task_day_counts_slots (account_id, status, due_all_day, day, slot, n)
    SELECT account_id, status, due_all_day, day, 0, n FROM task_day_counts;
DROP TABLE task_day_counts;
ALTER TABLE task_day_counts_slots RENAME TO task_day_counts;

-- +goose Down
-- The slots of a key are summed into one row.
CREATE TABLE task_day_counts_keys (
    account_id   BIGINT  NOT NULL,
    status       TEXT    NOT NULL,
    due_all_day  INTEGER NOT NULL,
    day          BIGINT  NOT NULL,
    n            BIGINT  NOT NULL,
    PRIMARY KEY (account_id, status, due_all_day, day)
);
INSERT INTO task_day_counts_keys (account_id, status, due_all_day, day, n)
    SELECT account_id, status, due_all_day, day, SUM(n) FROM task_day_counts
    GROUP BY account_id, status, due_all_day, day;
DROP TABLE task_day_counts;
ALTER TABLE task_day_counts_keys RENAME TO task_day_counts;
