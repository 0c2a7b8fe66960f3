-- SmartLead → taskbox (issue 17): the integration, its rules, the inbound
-- events, the replies kept, and which tasks the rules made.

-- +goose Up
-- One integration per account. Only the SHA-256 of the URL's token and of
-- the optional secret_key is stored. rr_member_id is the member the last
-- round-robin assignment chose.
CREATE TABLE smartlead_integrations (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts (id),
    token_hash    TEXT    NOT NULL UNIQUE,
    secret_hash   TEXT,
    rr_member_id  BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- An account's rules, evaluated in position order. on_events, when_json
-- and then_json are the rule's JSON.
CREATE TABLE smartlead_rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    position    BIGINT  NOT NULL,
    name        TEXT    NOT NULL,
    on_events   TEXT    NOT NULL,
    when_json   TEXT    NOT NULL,
    then_json   TEXT    NOT NULL,
    enabled     INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX smartlead_rules_account ON smartlead_rules (account_id, position, id);

-- An event received: stored alone in its own transaction before the 200,
-- processed later by the worker (status pending → done or failed). The
-- payload is the fields taskbox reads, not the whole body (a category
-- event carries the whole thread). dedup_key makes a retried delivery a
-- no-op. result is the JSON list of what the rules did, or why nothing.
CREATE TABLE smartlead_inbound (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    received_at  BIGINT  NOT NULL,
    event_type   TEXT    NOT NULL,
    dedup_key    TEXT    NOT NULL,
    lead_email   TEXT,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    result       TEXT,
    lead_map_id  BIGINT,
    processed_at BIGINT,
    UNIQUE (account_id, dedup_key)
);
CREATE INDEX smartlead_inbound_pending ON smartlead_inbound (id) WHERE status = 'pending';
CREATE INDEX smartlead_inbound_account ON smartlead_inbound (account_id, id);

-- A lead's reply kept from an event, on its lead map.
CREATE TABLE smartlead_replies (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    lead_map_id  BIGINT  NOT NULL,
    lead_id      BIGINT  NOT NULL,
    message_id   TEXT,
    subject      TEXT,
    text         TEXT    NOT NULL,
    replied_at   BIGINT,
    app_url      TEXT,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX smartlead_replies_lead ON smartlead_replies (account_id, lead_id, id);
CREATE INDEX smartlead_replies_lead_map ON smartlead_replies (lead_map_id, id);

-- The tasks a rule made, so that a later event upgrades one rather than
-- making another.
CREATE TABLE smartlead_rule_tasks (
    task_id      BIGINT  PRIMARY KEY,
    account_id   BIGINT  NOT NULL,
    lead_map_id  BIGINT  NOT NULL,
    rule_id      BIGINT  NOT NULL
);
CREATE INDEX smartlead_rule_tasks_lead_map ON smartlead_rule_tasks (lead_map_id);

-- SmartLead's ids of campaigns and lead maps mirrored under another id
-- (SmartLead's was taken on this server); most keep SmartLead's id itself.
CREATE TABLE smartlead_ids (
    account_id  BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    sl_id       BIGINT NOT NULL,
    local_id    BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, sl_id)
);

-- +goose Down
DROP TABLE smartlead_ids;
DROP TABLE smartlead_rule_tasks;
DROP TABLE smartlead_replies;
DROP TABLE smartlead_inbound;
DROP TABLE smartlead_rules;
DROP TABLE smartlead_integrations;
