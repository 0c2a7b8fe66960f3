-- Issue #19: on SQLite this migration rebuilds the search index without
-- positions (detail=none). PostgreSQL's pg_trgm index keeps no positions;
-- nothing changes here, and the number stays the same in both dialects.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
