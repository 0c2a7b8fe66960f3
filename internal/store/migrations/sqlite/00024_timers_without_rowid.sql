-- Issue #19: a timer is stored once, in its primary key's B-tree. As a
-- rowid table, timers kept each row in the table and its key (kind,
-- subject_id, slot) again in the key's own index, so every create wrote a
-- page to each: a WITHOUT ROWID table keeps the row in the key's B-tree
-- alone. A lone create writes one page fewer to the WAL (27.2 to 26.3
-- over 4,000 creates, BenchmarkCreateTaskPages) and the file holds 11 to
-- 18 bytes a task fewer (docs/performance.md, round eight). No query
-- reads a timer's rowid; every one that reads timers in an order says
-- which. The rows are copied as they are; the two partial indexes are
-- made again on the new table.
-- The new table has no planner statistics until the next ANALYZE; each
-- query on timers has one index that fits it (the key or an armed one).

-- +goose Up
CREATE TABLE timers_by_key (
    kind        TEXT    NOT NULL,
    subject_id  BIGINT  NOT NULL,
    slot        TEXT    NOT NULL,
    account_id  BIGINT  NOT NULL,
    armed_key   TEXT    NOT NULL,
    fire_at     BIGINT  NOT NULL,
    armed       INTEGER NOT NULL,
    fired_key   TEXT,
    PRIMARY KEY (kind, subject_id, slot)
) WITHOUT ROWID;
INSERT INTO timers_by_key (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key)
    SELECT kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key FROM timers;
DROP TABLE timers;
ALTER TABLE timers_by_key RENAME TO timers;
CREATE INDEX timers_armed ON timers (fire_at, kind, subject_id) WHERE armed = 1;
CREATE INDEX timers_armed_mail_off ON timers (fire_at, kind, subject_id) WHERE armed = 1 AND kind <> 'digest';

-- +goose Down
CREATE TABLE timers_by_rowid (
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
INSERT INTO timers_by_rowid (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key)
    SELECT kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key FROM timers;
DROP TABLE timers;
ALTER TABLE timers_by_rowid RENAME TO timers;
CREATE INDEX timers_armed ON timers (fire_at, kind, subject_id) WHERE armed = 1;
CREATE INDEX timers_armed_mail_off ON timers (fire_at, kind, subject_id) WHERE armed = 1 AND kind <> 'digest';
