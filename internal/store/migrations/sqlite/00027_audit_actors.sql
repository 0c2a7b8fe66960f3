-- Issue #19, bytes a task: an audit row named who made its change with the
-- actor's JSON in full (the key, its name, the member and theirs), about
-- 77 of the row's 111 bytes, the same text on every row a key writes. The
-- text is now stored once, in actors, and a new audit row names it by
-- actor_id (its actor column empty). Rows written before keep their text;
-- ListTaskEvents reads either. Nothing is rewritten, so the migration
-- takes no time at any size. actors rows are never removed or changed: a
-- renamed key or member is a new text and a new row, as the audit trail
-- keeps the name a change was made under.

-- +goose Up
CREATE TABLE actors (
    id  INTEGER PRIMARY KEY,
    ref TEXT    NOT NULL UNIQUE
);
ALTER TABLE task_events ADD COLUMN actor_id BIGINT;

-- +goose Down
UPDATE task_events SET actor = (SELECT ref FROM actors WHERE actors.id = task_events.actor_id) WHERE actor_id IS NOT NULL;
ALTER TABLE task_events DROP COLUMN actor_id;
DROP TABLE actors;
