-- Issue #19: the day counts of past days are merged back into one row.
-- Migration 00019 spread each day's count over 16 slots so that concurrent
-- batches do not take turns on one row; the readers sum the slots, and at
-- 1,000,000 tasks the summary read 7,697 rows where 486 hold the same
-- counts. When its writer is idle a server merges the slots of days that
-- have passed, which few batches still change, into slot 0
-- (postgresDialect.tidy). This index finds the rows left to merge, and is
-- empty once they are.

-- +goose Up
CREATE INDEX task_day_counts_unmerged ON task_day_counts (day) WHERE slot <> 0;

-- +goose Down
DROP INDEX task_day_counts_unmerged;
