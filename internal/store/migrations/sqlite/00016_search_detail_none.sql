-- Issue #19: the search index keeps, for each trigram, only the tasks that
-- hold it (detail=none), not where in the text (the positions, which only
-- phrase queries read), and no per-task token count (columnsize=0, which
-- only ranking reads). A search looks each word up with LIKE, which FTS5
-- answers from the trigrams and SQLite then checks against the text
-- (sqliteDialect.searchWords). This halves the index's bytes a task and
-- the work of writing and merging its segments on every batch of creates.
-- The triggers of migrations 00010 and 00015 name the table, not its
-- options, and stay as they are.

-- +goose Up
DROP TABLE task_search;
CREATE VIRTUAL TABLE task_search USING fts5(body, tokenize = 'trigram', detail = none, columnsize = 0);
INSERT INTO task_search (rowid, body)
SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
FROM tasks t JOIN leads l ON l.id = t.lead_id;

-- +goose Down
DROP TABLE task_search;
CREATE VIRTUAL TABLE task_search USING fts5(body, tokenize = 'trigram');
INSERT INTO task_search (rowid, body)
SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
FROM tasks t JOIN leads l ON l.id = t.lead_id;
