-- Issue #19: no shared hot row. Every batch that creates or changes tasks
-- due on one day adds to that day's row of task_day_counts and holds its
-- lock until the commit, so the concurrent batches of a server (pgWriters)
-- and of several servers on one database took turns on it. Each batch now
-- writes one slot of the row, picked at random (postgresDialect.countSlot),
-- so that two batches rarely share a row; the readers sum n over the slots
-- as they summed it over days. Rows written before have slot 0.

-- +goose Up
ALTER TABLE task_day_counts ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE task_day_counts DROP CONSTRAINT task_day_counts_pkey;
ALTER TABLE task_day_counts ADD PRIMARY KEY (account_id, status, due_all_day, day, slot);

-- +goose Down
-- The slots of a key are summed into its slot 0, then the column goes.
INSERT INTO task_day_counts (account_id, status, due_all_day, day, slot, n)
    SELECT account_id, status, due_all_day, day, 0, SUM(n) FROM task_day_counts WHERE slot <> 0
    GROUP BY account_id, status, due_all_day, day
    ON CONFLICT (account_id, status, due_all_day, day, slot) DO UPDATE SET n = task_day_counts.n + excluded.n;
DELETE FROM task_day_counts WHERE slot <> 0;
ALTER TABLE task_day_counts DROP CONSTRAINT task_day_counts_pkey;
ALTER TABLE task_day_counts DROP COLUMN slot;
ALTER TABLE task_day_counts ADD PRIMARY KEY (account_id, status, due_all_day, day);
