-- The lead side of the master inbox (issue 15): lead categories, notes, and
-- an outbox for webhook events that are not a task's change.

-- +goose Up
-- A lead category. SmartLead's nine defaults have ids 1–9 and no account:
-- every account has them. An account's own categories get ids from 1000
-- (the sequence is moved there below). name_key is the lower-cased name,
-- unique per account.
CREATE TABLE lead_categories (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER REFERENCES accounts (id),
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    sentiment_type  TEXT,
    created_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX lead_categories_name ON lead_categories (account_id, name_key);
INSERT INTO lead_categories (id, account_id, name, name_key, sentiment_type, created_at) VALUES
    (1, NULL, 'Interested', 'interested', 'positive', 1640995200000000),
    (2, NULL, 'Meeting Request', 'meeting request', 'positive', 1640995200000000),
    (3, NULL, 'Not Interested', 'not interested', 'negative', 1640995200000000),
    (4, NULL, 'Do Not Contact', 'do not contact', 'negative', 1640995200000000),
    (5, NULL, 'Information Request', 'information request', 'positive', 1640995200000000),
    (6, NULL, 'Out Of Office', 'out of office', NULL, 1640995200000000),
    (7, NULL, 'Wrong Person', 'wrong person', 'neutral', 1640995200000000),
    (8, NULL, 'Uncategorizable by Ai', 'uncategorizable by ai', NULL, 1640995200000000),
    (9, NULL, 'Sender Originated Bounce', 'sender originated bounce', 'negative', 1640995200000000);
UPDATE sqlite_sequence SET seq = 999 WHERE name = 'lead_categories';

-- A lead map's category (NULL: none): a default or one of its account's.
ALTER TABLE lead_maps ADD COLUMN category_id INTEGER REFERENCES lead_categories (id);
CREATE INDEX lead_maps_category ON lead_maps (account_id, category_id) WHERE category_id IS NOT NULL;

-- A note on a lead map. lead_id and campaign_id repeat the lead map's, for
-- the lead's notes in all its campaigns. member_id is the team member who
-- wrote it (no foreign key: members come with their own migration), NULL
-- for a key without a member; created_by is the name it was written under.
CREATE TABLE lead_notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    lead_map_id  INTEGER NOT NULL REFERENCES lead_maps (id),
    lead_id      INTEGER NOT NULL,
    campaign_id  INTEGER NOT NULL,
    member_id    BIGINT,
    created_by   TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX lead_notes_lead ON lead_notes (account_id, lead_id, id);
CREATE INDEX lead_notes_lead_map ON lead_notes (lead_map_id, id);

-- The outbox of webhook events about a lead map that are not a task's
-- change (NOTE_CREATED, …). A row is written in the transaction of the
-- change it reports, only when a webhook of the account subscribes to its
-- type, and deleted by the dispatcher in the transaction that queues its
-- deliveries. data is the event's data as JSON.
CREATE TABLE lead_map_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    lead_map_id  BIGINT  NOT NULL,
    type         TEXT    NOT NULL,
    at           BIGINT  NOT NULL,
    data         TEXT    NOT NULL
);

-- A delivery of a lead map's event has task_id 0 and the lead map here (a
-- task's has 0 here): deliveries to a webhook are in order per task and per
-- lead map.
ALTER TABLE webhook_deliveries ADD COLUMN lead_map_id BIGINT NOT NULL DEFAULT 0;
DROP INDEX webhook_deliveries_order;
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, task_id, lead_map_id, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX webhook_deliveries_order;
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, task_id, id) WHERE status = 'pending';
ALTER TABLE webhook_deliveries DROP COLUMN lead_map_id;
DROP TABLE lead_map_events;
DROP TABLE lead_notes;
DROP INDEX lead_maps_category;
ALTER TABLE lead_maps DROP COLUMN category_id;
DROP TABLE lead_categories;
