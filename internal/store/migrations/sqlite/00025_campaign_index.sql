-- Issue #19: one B-tree fewer for every create to write. A campaign's
-- tasks were found through tasks_account_campaign (account_id,
-- campaign_id); tasks_count_campaign (migration 00014) begins with the same
-- two columns and goes on with status and due time, the inbox's order, so
-- the inbox's queries under a campaign filter now state its condition
-- (due_all_day >= 0, true of every task) and read it instead. A lone
-- create writes one to two pages fewer (26.3 to 24.9,
-- BenchmarkCreateTaskPages). Tasks due at the same time come in that
-- index by due_all_day, snoozed_until and rowid, so a first page sorts
-- them by id: 0.25 ms for a campaign with most of 1,000,000 tasks. The
-- 1,000,000-task inbox's campaign queries are timed in BenchmarkInbox
-- (docs/performance.md, round eight).

-- +goose Up
DROP INDEX tasks_account_campaign;

-- +goose Down
CREATE INDEX tasks_account_campaign ON tasks (account_id, campaign_id);
