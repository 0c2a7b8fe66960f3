-- Issue #19, steady-rate latency: FTS5 no longer merges the search
-- index's segments in the commit that writes them (automerge 0), which
-- made that commit's requests, and the ones queued behind it, wait for
-- the merge. The writer merges them when no request waits (tidy in
-- dialect.go); a level that reaches 16 segments (crisismerge) is still
-- merged at once.

-- +goose Up
INSERT INTO task_search (task_search, rank) VALUES ('automerge', 0);

-- +goose Down
INSERT INTO task_search (task_search, rank) VALUES ('automerge', 4);
