package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// A task change that fails to dispatch is tried again OutboxTries times in
// all, OutboxFirstWait after the first failure and twice as long after
// each next one (10 s, 20 s, 40 s, 80 s: parked about 2.5 minutes after
// the first failure); then it is parked until an admin retries or drops
// it. Meanwhile the later changes of its task wait behind it, so that a
// receiver still gets a task's events in order, and every other task's
// changes go on. A failure of the database itself (unreachable, too slow,
// a deadlock) is no fault of the change and counts no try.
const (
	OutboxTries     = 5
	OutboxFirstWait = 10 * time.Second
)

// outboxReady keeps, from the task_events e of the outbox, the changes that
// may be dispatched now (its one argument): not those of a task whose
// failed change, this one or an earlier one, is parked or waiting for its
// next try.
const outboxReady = ` AND NOT EXISTS (SELECT 1 FROM outbox_failures b WHERE b.task_id = e.task_id AND b.event_id <= e.id
	AND (b.parked_at IS NOT NULL OR b.next_at > ?))`

// OutboxFailure is a task change that failed to dispatch, as the
// outbox_failures table keeps it.
type OutboxFailure struct {
	EventID   int64
	AccountID int64
	TaskID    int64
	// EventType is the webhook event type of the change (TASK_UPDATED…).
	EventType     string
	Tries         int
	Error         string // the last failure's cause
	FirstFailedAt taskbox.Timestamp
	FailedAt      taskbox.Timestamp
	// NextAt is its next try; nil once it is parked (ParkedAt).
	NextAt   *taskbox.Timestamp
	ParkedAt *taskbox.Timestamp
	// Waiting counts the later changes of its task held behind it (filled
	// in by OutboxFailures only).
	Waiting int64
}

// OutboxError is what DispatchOutbox returns when some changes failed to
// dispatch; the others were dispatched.
type OutboxError struct {
	Failures []OutboxFailure
}

func (e *OutboxError) Error() string {
	var b strings.Builder
	for i, f := range e.Failures {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "task event %d (try %d of %d): %s", f.EventID, f.Tries, OutboxTries, f.Error)
	}
	return "dispatch outbox: " + b.String()
}

// rowError is the failure of one change in a batch dispatched at once.
type rowError struct {
	id  int64
	err error
}

func (e *rowError) Error() string { return fmt.Sprintf("dispatch task event %d: %v", e.id, e.err) }
func (e *rowError) Unwrap() error { return e.err }

// ownFault reports whether err, met while dispatching a change, is the
// change's own: not a database that is away or too slow, not a deadlock
// that a retry resolves, not a caller that went away.
func ownFault(ctx context.Context, err error) bool {
	return ctx.Err() == nil && !conflicted(err) && taskbox.ErrorCode(unavailable(ctx, err)) != taskbox.EUNAVAILABLE
}

// tryRow dispatches r under a savepoint. A failure of the change's own is
// rolled back to the savepoint and recorded, and returned; any other
// failure is the batch's error.
func (d *dispatch) tryRow(ctx context.Context, r outboxRow) (*OutboxFailure, error) {
	tx := d.tx
	if _, err := tx.exec(ctx, `SAVEPOINT outbox_row`); err != nil {
		return nil, err
	}
	rerr := d.row(ctx, r)
	if rerr != nil && !ownFault(tx.ctx, rerr) {
		return nil, rerr
	}
	if rerr != nil {
		if _, err := tx.exec(ctx, `ROLLBACK TO outbox_row`); err != nil {
			return nil, err
		}
	}
	if _, err := tx.exec(ctx, `RELEASE outbox_row`); err != nil {
		return nil, err
	}
	if rerr == nil {
		return nil, nil
	}
	return noteFailure(ctx, tx, r, rerr)
}

// noteFailure records a failed try of r: its next try, or, after the
// last, its parking.
func noteFailure(ctx context.Context, tx *Tx, r outboxRow, cause error) (*OutboxFailure, error) {
	f := &OutboxFailure{EventID: r.id, AccountID: r.accountID, TaskID: r.taskID, EventType: auditEventTypes[r.typ],
		Error: cause.Error(), FirstFailedAt: tx.now, FailedAt: tx.now}
	if len(f.Error) > 1000 {
		f.Error = f.Error[:1000] + "…"
	}
	var first int64
	err := tx.queryRow(ctx, `SELECT tries, first_failed_at FROM outbox_failures WHERE event_id = ?`, r.id).Scan(&f.Tries, &first)
	if err == nil {
		f.FirstFailedAt = taskbox.TimestampFromMicros(first)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	f.Tries++
	next := tx.now
	if f.Tries >= OutboxTries {
		parked := tx.now
		f.ParkedAt = &parked
	} else {
		next = taskbox.Timestamp{Time: tx.now.Add(OutboxFirstWait << (f.Tries - 1))}
		f.NextAt = &next
	}
	_, err = tx.exec(ctx, `INSERT INTO outbox_failures (event_id, account_id, task_id, tries, error, first_failed_at, failed_at, next_at, parked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET tries = excluded.tries, error = excluded.error,
		failed_at = excluded.failed_at, next_at = excluded.next_at, parked_at = excluded.parked_at`,
		f.EventID, f.AccountID, f.TaskID, f.Tries, f.Error, f.FirstFailedAt.Micros(), f.FailedAt.Micros(), next.Micros(), nullMicros(f.ParkedAt))
	return f, err
}

// OutboxFailures lists the task changes that failed to dispatch, parked or
// waiting for their next try, oldest first, across all accounts (an admin
// view).
func (db *DB) OutboxFailures(ctx context.Context) (out []OutboxFailure, err error) {
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT f.event_id, f.account_id, f.task_id, e.type, f.tries, f.error, f.first_failed_at,
			f.failed_at, f.next_at, f.parked_at,
			(SELECT COUNT(*) FROM task_events l WHERE l.task_id = f.task_id AND l.id > f.event_id AND l.outbox = 1)
			FROM outbox_failures f JOIN task_events e ON e.id = f.event_id ORDER BY f.event_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				f                   OutboxFailure
				typ                 string
				first, failed, next int64
				parked              sql.NullInt64
			)
			if err := rows.Scan(&f.EventID, &f.AccountID, &f.TaskID, &typ, &f.Tries, &f.Error, &first, &failed, &next, &parked, &f.Waiting); err != nil {
				return err
			}
			f.EventType, f.FirstFailedAt, f.FailedAt = auditEventTypes[typ], taskbox.TimestampFromMicros(first), taskbox.TimestampFromMicros(failed)
			if f.ParkedAt = timestampPtr(parked); f.ParkedAt == nil {
				at := taskbox.TimestampFromMicros(next)
				f.NextAt = &at
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	return out, err
}

// ParkedOutbox counts the parked task changes.
func (db *DB) ParkedOutbox(ctx context.Context) (n int64, err error) {
	err = db.readRow(ctx, `SELECT COUNT(*) FROM outbox_failures WHERE parked_at IS NOT NULL`, nil, &n)
	return n, err
}

// RetryOutbox makes a failed task change (parked or waiting) due for a try
// at the next dispatch. Its count of tries stays: a parked change that
// fails once more is parked again at once.
func (db *DB) RetryOutbox(ctx context.Context, eventID int64) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE outbox_failures SET parked_at = NULL, next_at = ? WHERE event_id = ?`, tx.now.Micros(), eventID)
		if err != nil {
			return err
		}
		return oneFailure(res, eventID)
	})
}

// DropOutbox gives up a failed task change: its webhook events are never
// sent, its audit entry stays, and the later changes of its task go on.
// It waits for a dispatch running on another server, so that a change is
// either dispatched or dropped, not both.
func (db *DB) DropOutbox(ctx context.Context, eventID int64) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.dialect.lockOutbox(ctx, tx, true); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM outbox_failures WHERE event_id = ?`, eventID)
		if err != nil {
			return err
		}
		if err := oneFailure(res, eventID); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE task_events SET outbox = NULL WHERE id = ? AND outbox = 1`, eventID)
		return err
	})
}

// oneFailure checks that a statement found the failed change eventID.
func oneFailure(res sql.Result, eventID int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return taskbox.Errorf(taskbox.ENOTFOUND, "No failed outbox row has id %s: taskbox outbox list shows them.", strconv.FormatInt(eventID, 10))
	}
	return nil
}
