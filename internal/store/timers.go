package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Timers are the one mechanism by which something happens once at a time,
// also with several servers on one database: a row of the timers table is
// armed in the transaction of the change that wants it (a due date, a
// snooze, a reminder), and FireTimers claims the rows whose time has come,
// fires each in its own transaction with the events it queues, and
// disarms it. A timer is keyed by kind, subject and slot; each kind has a
// firer, which decides from the subject as it is now whether the timer
// still stands.

// Timer kinds.
const (
	TimerDue      = "due"      // TASK_DUE of a task (subject: the task)
	TimerUnsnooze = "unsnooze" // the end of a task's snooze (subject: the task)
	// TimerTaskReminder is a task's reminder (subject: the task; slot: the
	// reminder's duration).
	TimerTaskReminder = "task_reminder"
)

// taskTimerKinds are the kinds whose subject is a task: such a timer waits
// while its task has changes in the outbox, so that what it sends is
// queued after the deliveries of the changes before it.
var taskTimerKinds = []string{TimerDue, TimerUnsnooze, TimerTaskReminder}

// timer is one armed timer whose time has come.
type timer struct {
	kind      string
	subjectID int64
	slot      string
	accountID int64
	armedKey  string
	fireAt    int64
}

// Outcomes of a firer.
type fireOutcome int

const (
	fired    fireOutcome = iota // it fired: disarm it and remember its key
	stale                       // its subject no longer wants it: disarm it
	deferred                    // the firer moved it to a later time
)

// firer fires one timer in the firing transaction: it queues what the
// timer sends through d and says what became of it.
type firer func(ctx context.Context, tx *Tx, d *dispatch, t timer) (fireOutcome, error)

// firers are the kinds' firers.
var firers = map[string]firer{TimerDue: fireDue, TimerUnsnooze: fireUnsnooze, TimerTaskReminder: fireTaskReminder,
	TimerLeadReminder: fireLeadReminder, TimerDigest: fireDigest}

// timerSet is the SQL that arms a timer for key at fireAt. A new key arms
// it (moving back to a key that already fired too); the same key arms it
// only if it has not fired for it. A timer without a row yet takes the
// armed and fired_key it is given (see setTimer).
const timerSet = `INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (kind, subject_id, slot) DO UPDATE SET armed_key = excluded.armed_key, fire_at = excluded.fire_at,
	armed = CASE WHEN timers.armed_key <> excluded.armed_key THEN 1
		WHEN timers.fired_key = excluded.armed_key THEN 0 ELSE 1 END`

// armTimer arms (or re-arms) a timer in the change's transaction.
func armTimer(ctx context.Context, tx *Tx, kind string, subjectID int64, slot string, accountID int64, key string, fireAt int64) error {
	return setTimer(ctx, tx, kind, subjectID, slot, accountID, key, fireAt, false)
}

// setTimer is armTimer, but a timer that has no row yet is stored as
// already fired for key when firedIfNew.
func setTimer(ctx context.Context, tx *Tx, kind string, subjectID int64, slot string, accountID int64, key string, fireAt int64, firedIfNew bool) error {
	armed, fired := 1, any(nil)
	if firedIfNew {
		armed, fired = 0, key
	}
	if _, err := tx.exec(ctx, timerSet, kind, subjectID, slot, accountID, key, fireAt, armed, fired); err != nil {
		return fmt.Errorf("arm %s timer: %w", kind, err)
	}
	return nil
}

// markTimerFired records a timer as fired for key without firing it: what
// firing it would leave behind when nobody would be told.
func markTimerFired(ctx context.Context, tx *Tx, kind string, subjectID int64, slot string, accountID int64, key string, fireAt int64) error {
	_, err := tx.exec(ctx, `INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key) VALUES (?, ?, ?, ?, ?, ?, 0, ?)
		ON CONFLICT (kind, subject_id, slot) DO UPDATE SET armed_key = excluded.armed_key, fire_at = excluded.fire_at, armed = 0, fired_key = excluded.armed_key`,
		kind, subjectID, slot, accountID, key, fireAt, key)
	return err
}

// disarmTimers cancels every timer of a subject of the given kinds.
func disarmTimers(ctx context.Context, tx *Tx, subjectID int64, kinds ...string) error {
	query, args := `UPDATE timers SET armed = 0 WHERE kind = ? AND subject_id = ? AND armed = 1`, []any{kinds[0], subjectID}
	if len(kinds) > 1 {
		marks, in := inList(kinds)
		query, args = `UPDATE timers SET armed = 0 WHERE kind IN (`+marks+`) AND subject_id = ? AND armed = 1`, append(in, subjectID)
	}
	_, err := tx.exec(ctx, query, args...)
	return err
}

// timerWaits keeps a timer of a task whose changes are still in the outbox.
var timerWaits = ` AND (timers.kind NOT IN ('` + strings.Join(taskTimerKinds, "', '") + `')
	OR NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = timers.subject_id AND e.outbox = 1))`

// timerMailOff leaves out the digest timers on a server with mail off:
// its digest would send nothing and move the timer on to the next digest
// day, so the day's digest would never go from a server with mail on
// sharing the database, nor from this one restarted with mail (SPEC §9).
// The condition is the one of the partial index timers_armed_mail_off
// (migration 00017), which holds the other kinds' armed timers only: the
// due digest timers a server with mail off leaves cost its polls nothing.
const timerMailOff = ` AND kind <> '` + TimerDigest + `'`

// FireTimers fires up to limit armed timers whose time has come (by
// db.Now), of every kind, in one transaction, and returns how many of each
// kind fired; a server with mail off (!db.MailOn) fires every kind but
// TimerDigest (see timerMailOff). On PostgreSQL each timer is taken with
// FOR UPDATE SKIP LOCKED, so several servers fire different timers and
// none fires one twice; SQLite has one writer. A timer of a task waits
// while the task has changes in the outbox (see taskTimerKinds).
func (db *DB) FireTimers(ctx context.Context, limit int) (map[string]int, error) {
	now := db.Now().Micros()
	kinds := ""
	if !db.MailOn {
		kinds = timerMailOff
	}
	// in fire_at's order, so that PostgreSQL reads the index rather than
	// the table, where a pile of digest timers left may come first
	var one int
	if err := db.readRow(ctx, `SELECT 1 FROM timers WHERE armed = 1 AND fire_at <= ?`+kinds+timerWaits+` ORDER BY fire_at LIMIT 1`, []any{now}, &one); err != nil {
		return nil, nil // nothing due (or the database is away: the next tick retries)
	}
	var n map[string]int
	err := db.inWrite(ctx, func(tx *Tx) error {
		n = map[string]int{}
		timers, err := claimTimers(ctx, tx, now, kinds, limit)
		if err != nil {
			return err
		}
		d := &dispatch{tx: tx, hooks: map[int64][]*hook{}}
		for _, t := range timers {
			fire, ok := firers[t.kind]
			outcome := stale
			if ok {
				if outcome, err = fire(ctx, tx, d, t); err != nil {
					return fmt.Errorf("fire %s timer of %d: %w", t.kind, t.subjectID, err)
				}
			}
			switch outcome {
			case fired:
				_, err = tx.exec(ctx, `UPDATE timers SET armed = 0, fired_key = armed_key WHERE kind = ? AND subject_id = ? AND slot = ?`, t.kind, t.subjectID, t.slot)
				n[t.kind]++
			case stale:
				_, err = tx.exec(ctx, `UPDATE timers SET armed = 0 WHERE kind = ? AND subject_id = ? AND slot = ?`, t.kind, t.subjectID, t.slot)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// claimTimers reads the armed timers whose time has come, soonest first,
// locking them on PostgreSQL; kinds is "" (every kind) or timerMailOff.
func claimTimers(ctx context.Context, tx *Tx, now int64, kinds string, limit int) ([]timer, error) {
	rows, err := tx.query(ctx, `SELECT kind, subject_id, slot, account_id, armed_key, fire_at FROM timers
		WHERE armed = 1 AND fire_at <= ?`+kinds+timerWaits+` ORDER BY fire_at, kind, subject_id LIMIT ?`+tx.dialect.skipLocked(""), now, limit)
	if err != nil {
		return nil, err
	}
	var timers []timer
	for rows.Next() {
		var t timer
		if err := rows.Scan(&t.kind, &t.subjectID, &t.slot, &t.accountID, &t.armedKey, &t.fireAt); err != nil {
			rows.Close()
			return nil, err
		}
		timers = append(timers, t)
	}
	return timers, errors.Join(rows.Err(), rows.Close())
}
