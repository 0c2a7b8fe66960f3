-- The web inbox's exact counts under filters (issue #18): one statement
-- counts every section of the tasks a priority or a campaign selects
-- (CountSections), and these indexes hold all it reads (status, due_sort,
-- due_all_day, snoozed_until), so it is an index-only scan where the visibility map
-- allows. They are partial on the condition only CountSections states, as
-- on SQLite (there, so that a list never takes them).

-- +goose Up
CREATE INDEX tasks_count_priority ON tasks (account_id, status, priority, due_sort) INCLUDE (due_all_day, snoozed_until) WHERE due_all_day >= 0;
CREATE INDEX tasks_count_campaign ON tasks (account_id, campaign_id, status, due_sort) INCLUDE (due_all_day, snoozed_until) WHERE due_all_day >= 0;

-- +goose Down
DROP INDEX tasks_count_campaign;
DROP INDEX tasks_count_priority;
