-- Issue #19, a lone create's cost: the writer's idle merge of the search
-- index (migration 00021) looked for work after every batch, and FTS5
-- merged a level once it held 4 segments (usermerge). At a steady, light
-- rate every batch is one create and adds a segment, so a lone create
-- paid for the look (its statements) and, every few creates, a merge of
-- a few small segments in a commit of its own. A level now merges at 16
-- segments, and the writer looks only after 16 batches (ftsUserMerge in
-- dialect.go, which must agree with this value); crisismerge, the level
-- at which FTS5 merges in the commit that writes, rises from 16 to 32 so
-- that an idle writer merges first. A lone create takes about a fifth
-- less time and CPU (BenchmarkCreateTask/1); a search reads up to 15
-- segments a level instead of 3 (BenchmarkSearchAfterLoneCreates,
-- docs/performance.md, round nine).

-- +goose Up
INSERT INTO task_search (task_search, rank) VALUES ('usermerge', 16);
INSERT INTO task_search (task_search, rank) VALUES ('crisismerge', 32);

-- +goose Down
INSERT INTO task_search (task_search, rank) VALUES ('crisismerge', 16);
INSERT INTO task_search (task_search, rank) VALUES ('usermerge', 4);
