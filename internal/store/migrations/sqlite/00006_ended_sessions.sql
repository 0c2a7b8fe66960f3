-- Web inbox sessions that were signed out (issue 14). A session lives in a
-- sealed cookie that any server of the database opens, so signing out can
-- only clear the browser's copy; a copy taken before stays valid until it
-- idles out unless the servers know the session ended. id_hash is the
-- SHA-256 (hex) of the session's random id, never the id itself (the CSRF
-- token derives from it); a row is kept until expires_at (unix
-- microseconds), when the cookie would have idled out anyway.

-- +goose Up
CREATE TABLE ended_sessions (
    id_hash     TEXT    PRIMARY KEY,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX ended_sessions_expiry ON ended_sessions (expires_at);

-- +goose Down
DROP TABLE ended_sessions;
