-- Issue #19: a new task's search text is written by the create itself,
-- once a batch (sqliteDialect.insertTasks), not by a trigger on each row.
-- FTS5 writes what it holds in memory to a new segment of its index
-- whenever a statement opens a savepoint, which a trigger's statement
-- does: a trigger row by row made a segment a task, and merging those
-- segments took a third of the CPU of a create under load. The triggers
-- on updates, deletes and lead changes stay.

-- +goose Up
DROP TRIGGER task_search_insert;

-- +goose Down
-- +goose StatementBegin
CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_search (rowid, body)
    SELECT new.id, new.name || ' ' || COALESCE(new.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
           COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
    FROM leads l WHERE l.id = new.lead_id;
END;
-- +goose StatementEnd
