-- Time (issue #16): one table of timers for every kind of thing that must
-- happen once at a time (TASK_DUE, unsnooze, reminders, digests), snooze
-- and recurrence on tasks.

-- +goose Up
-- A timer is one per kind, subject (a task, a reminder, a member) and slot
-- (a reminder's offset, a digest's day; '' when a subject has one timer of
-- its kind). armed_key is what it is armed for (a due date, a snooze's
-- time), fire_at when it fires; armed is 1 while it has yet to fire;
-- fired_key is the armed_key it last fired for, so that a change that
-- keeps the key does not fire it twice. task_due_timers' rows move here as
-- kind 'due'.
CREATE TABLE timers (
    kind        TEXT    NOT NULL,
    subject_id  BIGINT  NOT NULL,
    slot        TEXT    NOT NULL,
    account_id  BIGINT  NOT NULL,
    armed_key   TEXT    NOT NULL,
    fire_at     BIGINT  NOT NULL,
    armed       INTEGER NOT NULL,
    fired_key   TEXT,
    PRIMARY KEY (kind, subject_id, slot)
);
CREATE INDEX timers_armed ON timers (fire_at, kind, subject_id) WHERE armed = 1;
INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key)
    SELECT 'due', task_id, '', account_id, due_key, fire_at, armed, fired_key FROM task_due_timers;
DROP TABLE task_due_timers;

-- snoozed_until: the task is out of the inbox until then (NULL: not
-- snoozed); its unsnooze timer clears it. recurrence is the JSON of its
-- rule ({"rule", "from"}) and recurrence_start the first due time of its
-- series (microseconds), from which a rule's COUNT and INTERVAL count;
-- next_occurrence_id is the task its completion made, so that completing
-- it again makes no second.
ALTER TABLE tasks ADD COLUMN snoozed_until BIGINT;
ALTER TABLE tasks ADD COLUMN recurrence TEXT;
ALTER TABLE tasks ADD COLUMN recurrence_start BIGINT;
ALTER TABLE tasks ADD COLUMN next_occurrence_id BIGINT;
-- reminders: the JSON array of the task's reminders (ISO 8601 durations
-- before its due time); NULL is none. Each armed one is a timer of kind
-- task_reminder, its duration the slot.
ALTER TABLE tasks ADD COLUMN reminders TEXT;

-- SmartLead's reminders on a lead map (set-reminder): message at
-- reminder_time, fired once by a timer of kind lead_reminder (subject: the
-- reminder). fired_at is NULL while it is pending.
CREATE TABLE lead_reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    BIGINT  NOT NULL REFERENCES accounts (id),
    lead_map_id   BIGINT  NOT NULL REFERENCES lead_maps (id),
    email_stats_id TEXT,
    message       TEXT    NOT NULL,
    reminder_time BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    fired_at      BIGINT
);
CREATE INDEX lead_reminders_pending ON lead_reminders (account_id, reminder_time, id) WHERE fired_at IS NULL;

-- Reminders shown in the web inbox until dismissed, written by the
-- reminder's firing. member_id is who it is for (NULL: everyone of the
-- account).
CREATE TABLE notices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    BIGINT  NOT NULL REFERENCES accounts (id),
    member_id     BIGINT,
    task_id       BIGINT,
    lead_map_id   BIGINT  NOT NULL,
    text          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    dismissed_at  BIGINT
);
CREATE INDEX notices_open ON notices (account_id, id) WHERE dismissed_at IS NULL;

-- +goose Down
DROP TABLE notices;
DROP TABLE lead_reminders;
ALTER TABLE tasks DROP COLUMN reminders;
ALTER TABLE tasks DROP COLUMN next_occurrence_id;
ALTER TABLE tasks DROP COLUMN recurrence_start;
ALTER TABLE tasks DROP COLUMN recurrence;
ALTER TABLE tasks DROP COLUMN snoozed_until;
CREATE TABLE task_due_timers (
    task_id     BIGINT  PRIMARY KEY,
    account_id  BIGINT  NOT NULL,
    due_key     TEXT    NOT NULL,
    fire_at     BIGINT  NOT NULL,
    armed       INTEGER NOT NULL,
    fired_key   TEXT
);
CREATE INDEX task_due_timers_armed ON task_due_timers (fire_at, task_id) WHERE armed = 1;
INSERT INTO task_due_timers (task_id, account_id, due_key, fire_at, armed, fired_key)
    SELECT subject_id, account_id, armed_key, fire_at, armed, fired_key FROM timers WHERE kind = 'due';
DROP TABLE timers;
