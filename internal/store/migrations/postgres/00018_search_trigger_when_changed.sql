-- Issue #19: the search text is computed again only when a column it is
-- made of changed. "UPDATE OF name, description, lead_id" fires whenever
-- a statement's SET names one of them, and updateTask's UPDATE names every
-- column: each complete, snooze or reassignment read the task's lead again
-- to rebuild the same text. SQLite's trigger (migration 00010) already has
-- this WHEN.

-- +goose Up
DROP TRIGGER task_search ON tasks;
CREATE TRIGGER task_search BEFORE UPDATE OF name, description, lead_id ON tasks
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.lead_id IS DISTINCT FROM NEW.lead_id)
    EXECUTE FUNCTION taskbox_task_search();

-- +goose Down
DROP TRIGGER task_search ON tasks;
CREATE TRIGGER task_search BEFORE UPDATE OF name, description, lead_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION taskbox_task_search();
