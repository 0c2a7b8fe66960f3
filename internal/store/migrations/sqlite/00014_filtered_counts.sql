-- The web inbox's exact counts under filters (issue #18): one statement
-- counts every section of the tasks a priority or a campaign selects, and
-- these indexes hold all it reads (status, due_sort, due_all_day), so it
-- reads the index alone, never the tasks. The campaign index takes the
-- place of tasks_account_campaign, whose columns it starts with.

-- +goose Up
CREATE INDEX tasks_count_priority ON tasks (account_id, status, priority, due_sort, due_all_day);
CREATE INDEX tasks_count_campaign ON tasks (account_id, campaign_id, status, due_sort, due_all_day);
DROP INDEX tasks_account_campaign;

-- +goose Down
CREATE INDEX tasks_account_campaign ON tasks (account_id, campaign_id);
DROP INDEX tasks_count_campaign;
DROP INDEX tasks_count_priority;
