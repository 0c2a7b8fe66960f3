-- The team (issue #15): members, keys owned by members, owners of lead maps
-- and assignees of tasks.

-- +goose Up
-- A member of an account's team. email is optional (the Owner that
-- accounts create makes has none); email_key, the lower-cased email, is
-- unique among the server's active members, so that a person signs in to
-- the web inbox by email alone. timezone NULL means the account's.
-- password_hash is bcrypt's, NULL until the member chooses a password
-- through its one-time setup link, whose token is stored as its SHA-256
-- (setup_hash) with when it expires. session_gen counts the password
-- changes and removals: a web session carries the value it began with and
-- ends when it no longer matches. A removed member keeps its row (removed_at
-- set), so that audit trails and old tasks still name it.
CREATE TABLE team_members (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES accounts (id),
    name              TEXT    NOT NULL,
    email             TEXT,
    email_key         TEXT,
    role              TEXT    NOT NULL,
    timezone          TEXT,
    password_hash     TEXT,
    setup_hash        TEXT    UNIQUE,
    setup_expires_at  BIGINT,
    session_gen       INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL,
    removed_at        BIGINT
);
CREATE INDEX team_members_account ON team_members (account_id, id);
CREATE UNIQUE INDEX team_members_email ON team_members (email_key) WHERE removed_at IS NULL;

-- Every key belongs to a member. The keys made before members existed
-- belong to their account's Owner, made here for every account.
ALTER TABLE api_keys ADD COLUMN member_id INTEGER REFERENCES team_members (id);
INSERT INTO team_members (account_id, name, role, created_at)
    SELECT id, 'Owner', 'admin', created_at FROM accounts ORDER BY id;
UPDATE api_keys SET member_id = (SELECT MIN(m.id) FROM team_members m WHERE m.account_id = api_keys.account_id);
CREATE INDEX api_keys_member ON api_keys (member_id);

-- The owner of a lead map (NULL: unassigned) and when it was set.
ALTER TABLE lead_maps ADD COLUMN team_member_id INTEGER REFERENCES team_members (id);
ALTER TABLE lead_maps ADD COLUMN assigned_at BIGINT;

-- The assignee of a task (NULL: unassigned); "My tasks" seeks this index.
ALTER TABLE tasks ADD COLUMN assignee_id INTEGER REFERENCES team_members (id);
CREATE INDEX tasks_inbox_assignee ON tasks (account_id, assignee_id, status, due_sort, id);

-- Settings the servers of one database share and change, such as the base
-- URL the last server started with (the links of `members add`).
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP INDEX tasks_inbox_assignee;
ALTER TABLE tasks DROP COLUMN assignee_id;
ALTER TABLE lead_maps DROP COLUMN assigned_at;
ALTER TABLE lead_maps DROP COLUMN team_member_id;
DROP INDEX api_keys_member;
ALTER TABLE api_keys DROP COLUMN member_id;
DROP TABLE team_members;
