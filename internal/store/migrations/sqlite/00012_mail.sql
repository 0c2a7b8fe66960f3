-- Email (issue #16): members' notification settings, the queue of mails
-- and the record of each member's digest days.

-- +goose Up
-- The settings of SPEC §9: digest 'daily' or 'off', at digest_hour (0–23)
-- on digest_days (a JSON array of ISO weekdays) in the member's zone;
-- default_reminders, the JSON array of ISO 8601 durations a new task
-- assigned to the member takes (NULL: none); work_start and work_end, the
-- member's working hours in minutes after local midnight (SmartLead's
-- business-hours durations count them).
ALTER TABLE team_members ADD COLUMN digest TEXT NOT NULL DEFAULT 'daily';
ALTER TABLE team_members ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 8;
ALTER TABLE team_members ADD COLUMN digest_days TEXT NOT NULL DEFAULT '[1,2,3,4,5]';
ALTER TABLE team_members ADD COLUMN default_reminders TEXT;
ALTER TABLE team_members ADD COLUMN work_start INTEGER NOT NULL DEFAULT 540;
ALTER TABLE team_members ADD COLUMN work_end INTEGER NOT NULL DEFAULT 1020;

-- A mail to send, queued in the transaction of what it reports (a digest
-- claimed, a reminder fired) and sent by the event worker with the
-- webhooks' retries: status pending → sent, or failed when its retries
-- ran out. kind is digest, task_reminder or lead_reminder; data the JSON
-- of what it says, rendered into text and HTML when it is sent; dedupe_key
-- makes queueing the same mail twice a no-op. leased_until is the claim of
-- the server sending it; tries and last_error the failed attempts.
CREATE TABLE mail_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    BIGINT  NOT NULL,
    member_id     BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    dedupe_key    TEXT    NOT NULL UNIQUE,
    to_addr       TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    next_at       BIGINT,
    leased_until  BIGINT  NOT NULL DEFAULT 0,
    retry_since   BIGINT  NOT NULL,
    tries         INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    created_at    BIGINT  NOT NULL,
    sent_at       BIGINT
);
CREATE INDEX mail_deliveries_due ON mail_deliveries (next_at, id) WHERE status = 'pending';

-- One row per member and local day whose digest was made (mail_id NULL:
-- it had nothing in it), claimed in the transaction that queues the mail:
-- a digest is made once per member and day whichever server gets there.
CREATE TABLE digests (
    member_id   BIGINT  NOT NULL,
    day         TEXT    NOT NULL,
    account_id  BIGINT  NOT NULL,
    mail_id     BIGINT,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (member_id, day)
);

-- Each member's digest is a timer of kind digest (migration 00011's
-- timers), armed when its settings change. The members that exist now get
-- one that fires at once: its firing finds the member's next digest time
-- and re-arms itself for it.
INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed)
    SELECT 'digest', id, '', account_id, '', 0, 1 FROM team_members
    WHERE removed_at IS NULL AND email IS NOT NULL AND digest = 'daily';

-- +goose Down
DELETE FROM timers WHERE kind = 'digest';
DROP TABLE digests;
DROP TABLE mail_deliveries;
ALTER TABLE team_members DROP COLUMN work_end;
ALTER TABLE team_members DROP COLUMN work_start;
ALTER TABLE team_members DROP COLUMN default_reminders;
ALTER TABLE team_members DROP COLUMN digest_days;
ALTER TABLE team_members DROP COLUMN digest_hour;
ALTER TABLE team_members DROP COLUMN digest;
