-- Issue #19: one index fewer for every create to write. A campaign's
-- tasks were found through tasks_account_campaign (account_id,
-- campaign_id); tasks_count_campaign (migration 00014) begins with the same
-- two columns and goes on with status and due time, the inbox's order, so
-- the inbox's queries under a campaign filter now state its condition
-- (due_all_day >= 0, true of every task) and read it instead. Its key now
-- ends with id, as the inbox's order does: tasks due at the same time
-- (often, on the hour) come in order, so that a first page stops at its
-- limit instead of sorting every task of its due time (a campaign with
-- most of 1,000,000 tasks: 0.5 ms, against 1.7 to 2.6 ms without id). The
-- index had no deduplication to lose (INCLUDE turns it off) and keeps its
-- size. The 1,000,000-task inbox's campaign queries are timed in
-- BenchmarkInbox (docs/performance.md, round eight).

-- +goose Up
DROP INDEX tasks_account_campaign;
DROP INDEX tasks_count_campaign;
CREATE INDEX tasks_count_campaign ON tasks (account_id, campaign_id, status, due_sort, id) INCLUDE (due_all_day, snoozed_until) WHERE due_all_day >= 0;

-- +goose Down
DROP INDEX tasks_count_campaign;
CREATE INDEX tasks_count_campaign ON tasks (account_id, campaign_id, status, due_sort) INCLUDE (due_all_day, snoozed_until) WHERE due_all_day >= 0;
CREATE INDEX tasks_account_campaign ON tasks (account_id, campaign_id);
