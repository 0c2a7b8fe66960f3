-- The web inbox (issue #18): search over a task's lead, and Completed by
-- completion time.

-- +goose Up
-- task_search holds, per task (rowid = tasks.id), the text a search looks
-- in: the task's name and description and its lead's email, first and last
-- name and company. The trigram tokenizer makes any substring of three
-- characters or more an index lookup (case-insensitive). Triggers keep it
-- in step with every write to tasks and leads, whichever code path makes it.
CREATE VIRTUAL TABLE task_search USING fts5(body, tokenize = 'trigram');

INSERT INTO task_search (rowid, body)
SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
FROM tasks t JOIN leads l ON l.id = t.lead_id;

-- +goose StatementBegin
CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_search (rowid, body)
    SELECT new.id, new.name || ' ' || COALESCE(new.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = new.lead_id;
END;
-- +goose StatementEnd

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

-- Completed, newest first: seekable by (status, completion time, id). A task
-- not completed sorts as completed at 0.
CREATE INDEX tasks_inbox_completed ON tasks (account_id, status, (COALESCE(completed_at, 0)), id);

-- +goose Down
DROP INDEX tasks_inbox_completed;
DROP TRIGGER task_search_lead;
DROP TRIGGER task_search_delete;
DROP TRIGGER task_search_update;
DROP TRIGGER task_search_insert;
DROP TABLE task_search;
