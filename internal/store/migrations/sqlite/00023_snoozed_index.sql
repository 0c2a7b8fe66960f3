-- Issue #19: the summary's partial days are counted from the inbox index
-- alone. The summary counts the whole days of its windows from
-- task_day_counts and the days at their edges from the tasks themselves,
-- where a pending task counts as snoozed or not: "snoozed_until IS NULL"
-- is a column the inbox indexes do not hold, so each of a day's tasks cost
-- a read of its row. At 1,000,000 tasks (about 6,000 a day) those reads
-- were most of the summary's time (docs/performance.md, round seven). The
-- count now takes every pending task of the range from the index (no row
-- read) less the snoozed ones, which this index holds, and only them: a
-- task enters it when snoozed and leaves it when woken, so it costs
-- nothing to the creates. Its condition names no column that a query
-- compares with a parameter (status is in its key, not in its WHERE):
-- SQLite prepares a statement again at every execution when a parameter
-- could decide whether a partial index applies, and with "status =
-- 'pending'" there every list and get of the inbox paid that, 0.15 to
-- 0.25 ms a call at 1,000,000 tasks. ANALYZE gives SQLite's planner its statistics
-- at once.

-- +goose Up
CREATE INDEX tasks_snoozed ON tasks (account_id, status, due_sort, due_all_day) WHERE snoozed_until IS NOT NULL;
ANALYZE tasks_snoozed;

-- +goose Down
DROP INDEX tasks_snoozed;
