-- Issue #19: a new task's search_text is written by the create's own
-- statement (insertTasksPostgres joins the lead it already reads), not by
-- a trigger that calls a function, which reads the lead, for each row.
-- The trigger stays for updates of a task's name, description or lead.

-- +goose Up
DROP TRIGGER task_search ON tasks;
CREATE TRIGGER task_search BEFORE UPDATE OF name, description, lead_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION taskbox_task_search();

-- +goose Down
DROP TRIGGER task_search ON tasks;
CREATE TRIGGER task_search BEFORE INSERT OR UPDATE OF name, description, lead_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION taskbox_task_search();
