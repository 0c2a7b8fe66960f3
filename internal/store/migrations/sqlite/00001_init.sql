-- The first schema. Times are stored as microseconds since the Unix epoch
-- (UTC) in BIGINT columns, the same on every backend.

-- +goose Up
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    timezone    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX accounts_name ON accounts (name);

-- Only the SHA-256 of a key is stored; prefix is its first characters, shown
-- in listings so that people can tell keys apart.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,
    hash          TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    name        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX campaigns_account ON campaigns (account_id, id);

-- A lead is one per account and email; email_key is the lower-cased email.
CREATE TABLE leads (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES accounts (id),
    email             TEXT    NOT NULL,
    email_key         TEXT    NOT NULL,
    first_name        TEXT,
    last_name         TEXT,
    company_name      TEXT,
    phone_number      TEXT,
    website           TEXT,
    location          TEXT,
    linkedin_profile  TEXT,
    company_url       TEXT,
    custom_fields     TEXT    NOT NULL DEFAULT '{}',
    created_at        BIGINT  NOT NULL,
    UNIQUE (account_id, email_key)
);

-- A lead map is one lead in one campaign; its id is a task's email_lead_map_id.
CREATE TABLE lead_maps (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    lead_id      INTEGER NOT NULL REFERENCES leads (id),
    status       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    UNIQUE (campaign_id, lead_id)
);
CREATE INDEX lead_maps_lead ON lead_maps (lead_id);

-- campaign_id and lead_id repeat the lead map's, for the inbox filters.
-- priority is 1 (LOW), 2 (MEDIUM) or 3 (HIGH). due_date is the wire form;
-- due_sort the instant in microseconds (midnight UTC of the date for an
-- all-day task), or the largest BIGINT when there is no due date, so that
-- "soonest first, no due date last" is one index order. completed_by is the
-- JSON of the actor who completed the task. status is pending, completed or
-- deleted; deleted_at is when it was deleted.
CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    lead_map_id   INTEGER NOT NULL REFERENCES lead_maps (id),
    campaign_id   INTEGER NOT NULL,
    lead_id       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    description   TEXT,
    priority      INTEGER NOT NULL,
    due_date      TEXT,
    due_sort      BIGINT  NOT NULL,
    due_all_day   INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    completed_at  BIGINT,
    completed_by  TEXT,
    deleted_at    BIGINT
);
CREATE INDEX tasks_lead_map ON tasks (lead_map_id);
CREATE INDEX tasks_account_lead ON tasks (account_id, lead_id);
CREATE INDEX tasks_account_campaign ON tasks (account_id, campaign_id);
-- The inbox: one index per sort, each seekable by (status, key, id). A
-- deleted task has status 'deleted', so no inbox query reads the table to
-- leave it out, and the summary's counts read the indexes alone.
CREATE INDEX tasks_inbox_due ON tasks (account_id, status, due_sort, id);
CREATE INDEX tasks_inbox_priority ON tasks (account_id, status, priority, id);
CREATE INDEX tasks_inbox_created ON tasks (account_id, status, created_at, id);
-- All-day tasks alone, for the summary's counts of their windows.
CREATE INDEX tasks_inbox_all_day ON tasks (account_id, status, due_all_day, due_sort) WHERE due_all_day = 1;

-- How many tasks of an account have each status, all-day flag and due day
-- (due_sort divided by a day, rounded down; no due date is a day of its
-- own). Kept in the transaction of every task change, so that the inbox
-- summary adds up whole days here and counts only the partial days at the
-- edges of its windows in the tasks index.
CREATE TABLE task_day_counts (
    account_id   BIGINT  NOT NULL,
    status       TEXT    NOT NULL,
    due_all_day  INTEGER NOT NULL,
    day          BIGINT  NOT NULL,
    n            BIGINT  NOT NULL,
    PRIMARY KEY (account_id, status, due_all_day, day)
);

-- The audit trail: one row per change of a task, written in the change's
-- transaction. changes is a JSON object of {field: {old, new}}.
CREATE TABLE task_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    task_id     INTEGER NOT NULL REFERENCES tasks (id),
    type        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    changes     TEXT
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- An Idempotency-Key is claimed in the transaction that creates the object;
-- the primary key makes a second concurrent claim fail. response holds the
-- first answer's data, replayed for 24 hours.
CREATE TABLE idempotency_keys (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    response      TEXT,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (account_id, key)
);

-- Secrets the servers of one database share, such as the key that signs
-- inbox cursors; made at first start.
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- +goose Down
DROP TABLE secrets;
DROP TABLE idempotency_keys;
DROP TABLE task_events;
DROP TABLE task_day_counts;
DROP TABLE tasks;
DROP TABLE lead_maps;
DROP TABLE leads;
DROP TABLE campaigns;
DROP TABLE api_keys;
DROP TABLE accounts;
