-- Issue #19: the search index's pending list is flushed a little at a time.
-- A GIN index takes new entries into a pending list and merges the list
-- into the index when it passes gin_pending_list_limit (4 MB by default),
-- in the statement that passes it: under create-task load, every few
-- seconds one batch's insert did the whole merge and its requests waited.
-- With 256 kB the merges are sixteen times smaller and as many times more
-- frequent, the same work in all: on the bench, p99 fell from 5.8 to 3.5
-- times the reference's (medians of three alternating runs), throughput
-- unchanged (docs/performance.md).

-- +goose Up
ALTER INDEX tasks_search SET (gin_pending_list_limit = 256);

-- +goose Down
ALTER INDEX tasks_search RESET (gin_pending_list_limit);
