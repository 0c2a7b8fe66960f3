-- The web inbox's exact counts under filters (issue #18): one statement
-- counts every section of the tasks a priority or a campaign selects
-- (CountSections), and these indexes hold all it reads (status, due_sort,
-- due_all_day, snoozed_until), so it reads the index alone, never the tasks.
--
-- They are partial on a condition that only CountSections states
-- (due_all_day >= 0, true of every task), so that SQLite never takes them
-- for a list: a list walks tasks_inbox_due in due order, and these would
-- have it read every task of a priority or a campaign and sort them.
-- ANALYZE gives the planner their statistics at once.

-- +goose Up
CREATE INDEX tasks_count_priority ON tasks (account_id, status, priority, due_sort, due_all_day, snoozed_until) WHERE due_all_day >= 0;
CREATE INDEX tasks_count_campaign ON tasks (account_id, campaign_id, status, due_sort, due_all_day, snoozed_until) WHERE due_all_day >= 0;
ANALYZE tasks_count_priority;
ANALYZE tasks_count_campaign;

-- +goose Down
DROP INDEX tasks_count_campaign;
DROP INDEX tasks_count_priority;
