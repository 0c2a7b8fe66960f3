-- Issue #19, bytes a task and a create's pages: the search index no
-- longer keeps its own copy of each task's search text (task_search_content,
-- about 114 bytes a task and a B-tree page that every lone create wrote).
-- FTS5 reads the text, when a search checks a match against it, from the
-- view task_search_text, which makes it from the task and its lead as the
-- create did (indexTasksSQLite in taskinsert.go; the same expression). An
-- external content index cannot read a row that is gone or changed, so the
-- triggers remove a task's old text with FTS5's 'delete' command and the
-- old values (old.* of the task, or of the lead); leads are never deleted,
-- so a task's lead is always there to read. The settings of migrations
-- 00021 and 00026 are set again on the new table.

-- +goose Up
DROP TRIGGER task_search_lead;
DROP TRIGGER task_search_delete;
DROP TRIGGER task_search_update;
DROP TABLE task_search;
CREATE VIEW task_search_text (id, body) AS
SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
FROM tasks t JOIN leads l ON l.id = t.lead_id;
CREATE VIRTUAL TABLE task_search USING fts5(body, tokenize = 'trigram', detail = none, columnsize = 0,
    content = 'task_search_text', content_rowid = 'id');
INSERT INTO task_search (task_search) VALUES ('rebuild');
INSERT INTO task_search (task_search, rank) VALUES ('automerge', 0);
INSERT INTO task_search (task_search, rank) VALUES ('usermerge', 16);
INSERT INTO task_search (task_search, rank) VALUES ('crisismerge', 32);

-- +goose StatementBegin
CREATE TRIGGER task_search_update AFTER UPDATE OF name, description, lead_id ON tasks
WHEN new.name IS NOT old.name OR new.description IS NOT old.description OR new.lead_id IS NOT old.lead_id BEGIN
    INSERT INTO task_search (task_search, rowid, body)
    SELECT 'delete', old.id, old.name || ' ' || COALESCE(old.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = old.lead_id;
    INSERT INTO task_search (rowid, body)
    SELECT new.id, new.name || ' ' || COALESCE(new.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = new.lead_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO task_search (task_search, rowid, body)
    SELECT 'delete', old.id, old.name || ' ' || COALESCE(old.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = old.lead_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER task_search_lead AFTER UPDATE OF email, first_name, last_name, company_name ON leads
WHEN new.email IS NOT old.email OR new.first_name IS NOT old.first_name OR new.last_name IS NOT old.last_name
  OR new.company_name IS NOT old.company_name BEGIN
    INSERT INTO task_search (task_search, rowid, body)
    SELECT 'delete', t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || old.email || ' ' || COALESCE(old.first_name, '') || ' ' ||
           COALESCE(old.last_name, '') || ' ' || COALESCE(old.company_name, '')
    FROM tasks t WHERE t.lead_id = old.id;
    INSERT INTO task_search (rowid, body)
    SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || new.email || ' ' || COALESCE(new.first_name, '') || ' ' ||
           COALESCE(new.last_name, '') || ' ' || COALESCE(new.company_name, '')
    FROM tasks t WHERE t.lead_id = new.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER task_search_lead;
DROP TRIGGER task_search_delete;
DROP TRIGGER task_search_update;
DROP TABLE task_search;
DROP VIEW task_search_text;
CREATE VIRTUAL TABLE task_search USING fts5(body, tokenize = 'trigram', detail = none, columnsize = 0);
INSERT INTO task_search (rowid, body)
SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
FROM tasks t JOIN leads l ON l.id = t.lead_id;
INSERT INTO task_search (task_search, rank) VALUES ('automerge', 0);
INSERT INTO task_search (task_search, rank) VALUES ('usermerge', 16);
INSERT INTO task_search (task_search, rank) VALUES ('crisismerge', 32);

-- +goose StatementBegin
CREATE TRIGGER task_search_update AFTER UPDATE OF name, description, lead_id ON tasks
WHEN new.name IS NOT old.name OR new.description IS NOT old.description OR new.lead_id IS NOT old.lead_id BEGIN
    DELETE FROM task_search WHERE rowid = old.id;
    INSERT INTO task_search (rowid, body)
    SELECT new.id, new.name || ' ' || COALESCE(new.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = new.lead_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM task_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER task_search_lead AFTER UPDATE OF email, first_name, last_name, company_name ON leads
WHEN new.email IS NOT old.email OR new.first_name IS NOT old.first_name OR new.last_name IS NOT old.last_name
  OR new.company_name IS NOT old.company_name BEGIN
    DELETE FROM task_search WHERE rowid IN (SELECT id FROM tasks WHERE lead_id = new.id);
    INSERT INTO task_search (rowid, body)
    SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || new.email || ' ' || COALESCE(new.first_name, '') || ' ' ||
           COALESCE(new.last_name, '') || ' ' || COALESCE(new.company_name, '')
    FROM tasks t WHERE t.lead_id = new.id;
END;
-- +goose StatementEnd
