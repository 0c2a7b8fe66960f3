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
-- nothing to the creates. ANALYZE gives SQLite's planner its statistics
-- at once.

-- +goose Up
CREATE INDEX tasks_snoozed ON tasks (account_id, due_sort, due_all_day) WHERE status = 'pending' AND snoozed_until IS NOT NULL;
ANALYZE tasks_snoozed;

-- +goose Down
DROP INDEX tasks_snoozed;
