-- The web inbox (issue #18): search over a task's lead, and Completed by
-- completion time.

-- +goose Up
-- search_text is the text a search looks in: the task's name and
-- description and its lead's email, first and last name and company.
-- Triggers keep it in step with every write to tasks and leads, whichever
-- code path makes it; a trigram index (pg_trgm, in Debian's postgresql
-- package) makes ILIKE '%word%' an index lookup. Without the extension
-- (a server that lacks it, or a role that may not create it) the column
-- still serves searches, by scanning.
ALTER TABLE tasks ADD COLUMN search_text TEXT;

-- +goose StatementBegin
CREATE FUNCTION taskbox_lead_text(lead BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT l.email || ' ' || COALESCE(l.first_name, '') || ' ' || COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = lead
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION taskbox_task_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := NEW.name || ' ' || COALESCE(NEW.description, '') || ' ' || COALESCE(taskbox_lead_text(NEW.lead_id), '');
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION taskbox_lead_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET search_text = name || ' ' || COALESCE(description, '') || ' ' || COALESCE(taskbox_lead_text(NEW.id), '')
    WHERE lead_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER task_search BEFORE INSERT OR UPDATE OF name, description, lead_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION taskbox_task_search();
CREATE TRIGGER task_search_lead AFTER UPDATE OF email, first_name, last_name, company_name ON leads
    FOR EACH ROW WHEN (NEW.email IS DISTINCT FROM OLD.email OR NEW.first_name IS DISTINCT FROM OLD.first_name
        OR NEW.last_name IS DISTINCT FROM OLD.last_name OR NEW.company_name IS DISTINCT FROM OLD.company_name)
    EXECUTE FUNCTION taskbox_lead_search();

UPDATE tasks t SET search_text = t.name || ' ' || COALESCE(t.description, '') || ' ' || COALESCE(taskbox_lead_text(t.lead_id), '');

-- +goose StatementBegin
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): task search scans', SQLERRM;
        RETURN;
    END;
    EXECUTE 'CREATE INDEX tasks_search ON tasks USING gin (search_text gin_trgm_ops)';
END
$$;
-- +goose StatementEnd

-- Completed, newest first: seekable by (status, completion time, id). A task
-- not completed sorts as completed at 0.
CREATE INDEX tasks_inbox_completed ON tasks (account_id, status, (COALESCE(completed_at, 0)), id);

-- +goose Down
DROP INDEX tasks_inbox_completed;
DROP INDEX IF EXISTS tasks_search;
DROP TRIGGER task_search_lead ON leads;
DROP TRIGGER task_search ON tasks;
DROP FUNCTION taskbox_lead_search();
DROP FUNCTION taskbox_task_search();
DROP FUNCTION taskbox_lead_text(BIGINT);
ALTER TABLE tasks DROP COLUMN search_text;
