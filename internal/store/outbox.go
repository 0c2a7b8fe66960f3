package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The outbox is the audit trail: every task change writes its task_events
// row in the change's own transaction (recordTaskEvent), with outbox = 1
// when a webhook of the account subscribes to the change, and sets the
// task's TASK_DUE timer there too (setDueTimer). Events about a lead map
// that are not a task's change (a note, …) are written to lead_map_events
// in their change's transaction (recordLeadMapEvent). DispatchOutbox turns
// both into webhook deliveries; the delivery worker and the due scheduler
// of package events take it from there.

// auditEventTypes maps an audit entry's type to its webhook event type.
var auditEventTypes = map[string]string{
	taskbox.EventCreated:   taskbox.EventTypeTaskCreated,
	taskbox.EventUpdated:   taskbox.EventTypeTaskUpdated,
	taskbox.EventCompleted: taskbox.EventTypeTaskCompleted,
	taskbox.EventReopened:  taskbox.EventTypeTaskReopened,
	taskbox.EventDeleted:   taskbox.EventTypeTaskDeleted,
	taskbox.EventAssigned:  taskbox.EventTypeTaskAssigned,
}

// dispatchLock is the PostgreSQL advisory lock under which one server at a
// time dispatches the outbox, so that the deliveries of one task are made
// in the order of its changes whichever server dispatches them.
const dispatchLock = 0x7461736b626f78 // "taskbox"

// outboxRow is one undispatched audit entry. failed says that it failed
// to dispatch before (it has an outbox_failures row).
type outboxRow struct {
	id, accountID, taskID int64
	typ                   string
	at                    int64
	task                  string
	failed                bool
}

// eventBody is the JSON a delivery POSTs (taskbox.Event, with the task as
// it was stored).
type eventBody struct {
	ID         string            `json:"event_id"`
	Type       string            `json:"event_type"`
	OccurredAt taskbox.Timestamp `json:"occurred_at"`
	AccountID  int64             `json:"account_id"`
	Data       json.RawMessage   `json:"data"`
}

// DispatchOutbox fans out up to limit undispatched task changes, oldest
// first, into deliveries to the webhooks subscribed to them, and marks the
// changes dispatched, all in one transaction. On PostgreSQL a server that finds another one
// dispatching returns 0 at once. Rows are picked by their flag, not by "id
// after the last seen", so a change whose transaction commits after a
// later id's is still dispatched; the changes of one task commit in id
// order, because each holds the task's row lock.
//
// A change that fails to dispatch (its stored task is not JSON, say) holds
// back only the later changes of its task: the batch is gone through again
// with each change under a savepoint, the failing ones are set aside (see
// outboxfail.go) and the others dispatched. n counts the dispatched
// changes, and the error is then an *OutboxError that lists the failures.
// Lead map events, up to what is left of limit, follow in a transaction of
// their own (dispatchLeadMapEventsAfter).
func (db *DB) DispatchOutbox(ctx context.Context, limit int) (n int, err error) {
	if ready, err := db.hasOutbox(ctx); err != nil || !ready {
		return 0, err
	}
	n, _, err = db.dispatchOutbox(ctx, limit, false)
	var re *rowError
	if !errors.As(err, &re) || !ownFault(ctx, err) {
		return db.dispatchLeadMapEventsAfter(ctx, limit, n, err)
	}
	n, failed, err := db.dispatchOutbox(ctx, limit, true)
	if err == nil && len(failed) > 0 {
		err = &OutboxError{Failures: failed}
	}
	return db.dispatchLeadMapEventsAfter(ctx, limit, n, err)
}

// dispatchLeadMapEventsAfter dispatches, after n task changes dispatched
// with the outcome err, up to limit-n lead map events, in a transaction of
// their own: a failure there holds up no task change. It returns the
// total and the errors of both.
func (db *DB) dispatchLeadMapEventsAfter(ctx context.Context, limit, n int, err error) (int, error) {
	var oe *OutboxError
	if n >= limit || (err != nil && !errors.As(err, &oe)) {
		return n, err
	}
	var m int
	lerr := db.inWrite(ctx, func(tx *Tx) error {
		m = 0 // fn may run again (see groupCommit)
		if got, err := tx.dialect.lockOutbox(ctx, tx, false); err != nil || !got {
			return err
		}
		d := &dispatch{tx: tx, hooks: map[int64][]*hook{}}
		var err error
		m, err = d.leadMapEvents(ctx, limit-n)
		return err
	})
	return n + m, errors.Join(err, lerr)
}

// dispatchOutbox is one try of DispatchOutbox. Unless careful, the first
// change that fails fails the whole batch with a *rowError; careful, it
// dispatches each change under a savepoint and returns those that failed.
func (db *DB) dispatchOutbox(ctx context.Context, limit int, careful bool) (n int, failed []OutboxFailure, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		n, failed = 0, nil // fn may run again (see groupCommit)
		if got, err := tx.dialect.lockOutbox(ctx, tx, false); err != nil || !got {
			return err
		}
		rows, err := readOutbox(ctx, tx, limit)
		if err != nil {
			return err
		}
		d := &dispatch{tx: tx, hooks: map[int64][]*hook{}}
		held := map[int64]bool{} // tasks with a change that failed in this batch
		ids, cleared := make([]any, 0, len(rows)), []any{}
		for _, r := range rows {
			switch {
			case held[r.taskID]:
				continue // after its task's failed change
			case !careful:
				if err := d.row(ctx, r); err != nil {
					return &rowError{id: r.id, err: err}
				}
			default:
				f, err := d.tryRow(ctx, r)
				if err != nil {
					return err
				}
				if f != nil {
					failed, held[r.taskID] = append(failed, *f), true
					continue
				}
			}
			ids = append(ids, r.id)
			if r.failed {
				cleared = append(cleared, r.id)
			}
		}
		if len(ids) > 0 {
			marks, in := inList(ids)
			if _, err := tx.exec(ctx, `UPDATE task_events SET outbox = NULL, task = NULL WHERE id IN (`+marks+`)`, in...); err != nil {
				return err
			}
		}
		if len(cleared) > 0 {
			marks, in := inList(cleared)
			if _, err := tx.exec(ctx, `DELETE FROM outbox_failures WHERE event_id IN (`+marks+`)`, in...); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, failed, err
}

// recordLeadMapEvent queues a webhook event of type typ about a lead map,
// whose data is v as JSON, in the transaction of the change it reports:
// the event commits or rolls back with the change. Nothing is written when
// no webhook of the account subscribes to typ.
func recordLeadMapEvent(ctx context.Context, tx *Tx, accountID, leadMapID int64, typ string, v any) error {
	wanted, err := tx.webhookEvents(ctx, accountID)
	if err != nil || !wanted[typ] {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO lead_map_events (account_id, lead_map_id, type, at, data) VALUES (?, ?, ?, ?, ?)`,
		accountID, leadMapID, typ, tx.now.Micros(), string(data))
	return err
}

// leadMapEvents fans out up to limit lead map events, oldest first, and
// deletes them: their deliveries hold all they carried.
func (d *dispatch) leadMapEvents(ctx context.Context, limit int) (int, error) {
	rs, err := d.tx.query(ctx, `SELECT id, account_id, lead_map_id, type, at, data FROM lead_map_events ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return 0, err
	}
	type row struct {
		id, accountID, leadMapID, at int64
		typ, data                    string
	}
	var rows []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.accountID, &r.leadMapID, &r.typ, &r.at, &r.data); err != nil {
			rs.Close()
			return 0, err
		}
		rows = append(rows, r)
	}
	if err := errors.Join(rs.Err(), rs.Close()); err != nil {
		return 0, err
	}
	ids := make([]any, len(rows))
	for i, r := range rows {
		ev := eventBody{ID: "evt_lm_" + strconv.FormatInt(r.id, 10), Type: r.typ, OccurredAt: taskbox.TimestampFromMicros(r.at),
			AccountID: r.accountID, Data: json.RawMessage(r.data)}
		if err := fanOut(ctx, d.tx, d, ev, subject{leadMapID: r.leadMapID}); err != nil {
			return 0, fmt.Errorf("dispatch lead map event %d: %w", r.id, err)
		}
		ids[i] = r.id
	}
	if len(ids) > 0 {
		marks, in := inList(ids)
		if _, err := d.tx.exec(ctx, `DELETE FROM lead_map_events WHERE id IN (`+marks+`)`, in...); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// subject is what an event is about, by which its deliveries to one
// webhook are kept in order: a task, or (task 0) a lead map.
type subject struct{ taskID, leadMapID int64 }

// hasOutbox checks on the read pool whether any change is ready to
// dispatch, or any lead map event waits, so that an idle SQLite server does not take the writer every
// poll.
func (db *DB) hasOutbox(ctx context.Context) (bool, error) {
	var one int
	err := db.readRow(ctx, `SELECT 1 WHERE EXISTS (SELECT 1 FROM task_events e WHERE e.outbox = 1`+outboxReady+`)
		OR EXISTS (SELECT 1 FROM lead_map_events)`, []any{db.Now().Micros()}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// readOutbox reads the changes ready to dispatch, oldest first. A NULL
// task is read as "", which fails to dispatch as any text that is not JSON
// does.
func readOutbox(ctx context.Context, tx *Tx, limit int) ([]outboxRow, error) {
	rs, err := tx.query(ctx, `SELECT e.id, e.account_id, e.task_id, e.type, e.at, e.task, f.tries
		FROM task_events e LEFT JOIN outbox_failures f ON f.event_id = e.id
		WHERE e.outbox = 1`+outboxReady+` ORDER BY e.id LIMIT ?`, tx.now.Micros(), limit)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var rows []outboxRow
	for rs.Next() {
		var (
			r     outboxRow
			task  sql.NullString
			tries sql.NullInt64
		)
		if err := rs.Scan(&r.id, &r.accountID, &r.taskID, &r.typ, &r.at, &task, &tries); err != nil {
			return nil, err
		}
		r.task, r.failed = task.String, tries.Valid
		rows = append(rows, r)
	}
	return rows, rs.Err()
}

// hook is a webhook as the dispatcher needs it.
type hook struct {
	id     int64
	events map[string]bool
}

// dispatch is one DispatchOutbox or FireTimers transaction, with the
// webhooks of the accounts it has met.
type dispatch struct {
	tx    *Tx
	hooks map[int64][]*hook
}

func (d *dispatch) row(ctx context.Context, r outboxRow) error {
	typ, ok := auditEventTypes[r.typ]
	if !ok {
		return nil
	}
	err := fanOut(ctx, d.tx, d, eventBody{
		ID: "evt_" + strconv.FormatInt(r.id, 10), Type: typ, OccurredAt: taskbox.TimestampFromMicros(r.at),
		AccountID: r.accountID, Data: json.RawMessage(r.task),
	}, subject{taskID: r.taskID})
	if me := (*json.MarshalerError)(nil); errors.As(err, &me) {
		return fmt.Errorf("the task stored with the change is not JSON: %w", me.Unwrap())
	}
	return err
}

// setDueTimer arms or re-arms a task's TASK_DUE timer after a change of
// type typ, in the change's transaction; fireDue fires it. before is the
// task's due date (its key) before the change, nil when it had none. A
// task whose timers are not live has its timers disarmed by
// recordTaskEvent, or, new, none to disarm.
//
// A task created with its due time already passed, when no webhook of the
// account subscribes to TASK_DUE, gets no timer row: firing it would tell
// nobody and leave a row recorded as fired, and SmartLead's own example
// sends a past due date, so most creates would store a row that nothing
// reads. A task with a due date and no row is therefore one whose TASK_DUE
// has fired (for nobody) for the due date it still has: a later change
// that keeps that due date stores the row as fired, and one that moves the
// due date while the task's timers are not live stores it first (see
// keepDueFired).
func setDueTimer(ctx context.Context, tx *Tx, account *taskbox.Account, t *taskbox.Task, typ string, before any) error {
	if !timersLive(t, typ) {
		return nil
	}
	dueKey := t.Due.String()
	fireAt := DueFireAt(*t.Due, account.Location())
	passed := !fireAt.After(tx.now.Time)
	heard := false
	if passed {
		// It fires at once unless no webhook of the account subscribes
		// to TASK_DUE (read only here: most due dates are ahead).
		wanted, err := tx.webhookEvents(ctx, account.ID)
		if err != nil {
			return err
		}
		heard = wanted[taskbox.EventTypeTaskDue]
	}
	if typ == taskbox.EventCreated {
		if !passed || heard {
			tx.later.timers.add(TimerDue, t.ID, "", account.ID, dueKey, fireAt.UnixMicro(), 1, nil)
		}
		return nil
	}
	if passed && !heard {
		// Its time has come and no webhook of the account would be told:
		// record it as fired now, which is what firing it would leave
		// behind, without a firing transaction per task.
		return markTimerFired(ctx, tx, TimerDue, t.ID, "", account.ID, dueKey, fireAt.UnixMicro())
	}
	// A new due date arms the timer (moving it back to one that already
	// fired too); a change that keeps the due date arms it only if it has
	// not fired for it: renaming a task after its TASK_DUE, or reopening
	// it, fires nothing more. Without a row, a kept due date that has
	// passed was created so (above): it fired.
	return setTimer(ctx, tx, TimerDue, t.ID, "", account.ID, dueKey, fireAt.UnixMicro(), passed && before == any(dueKey))
}

// keepDueFired stores, before a change moves the due date of a task whose
// timers are not live, the TASK_DUE timer a task without a row stands for
// (see setDueTimer): fired for its due date before the change, or, for a
// task that had none, fired for nothing. Afterwards the row's key is no
// longer the task's due date, so arming it later fires as a new due date
// does. A task with a row keeps it as it is.
func keepDueFired(ctx context.Context, tx *Tx, taskID, accountID int64, before any) error {
	key, fired := "", before
	if before != nil {
		key = before.(string)
	}
	_, err := tx.exec(ctx, `INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key) VALUES (?, ?, ?, ?, ?, 0, 0, ?)
		ON CONFLICT (kind, subject_id, slot) DO NOTHING`, TimerDue, taskID, "", accountID, key, fired)
	if err != nil {
		return fmt.Errorf("keep due timer: %w", err)
	}
	return nil
}

// DueFireAt is when a due date's TASK_DUE fires: its instant, or for an
// all-day task the start of its day in the account's zone.
func DueFireAt(d taskbox.Due, loc *time.Location) time.Time {
	if !d.AllDay {
		return d.At
	}
	y, m, day := d.At.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc).UTC()
}

// webhooks returns the account's webhooks, read once per transaction.
func (d *dispatch) webhooks(ctx context.Context, accountID int64) ([]*hook, error) {
	if hs, ok := d.hooks[accountID]; ok {
		return hs, nil
	}
	hs, err := readHooks(ctx, d.tx, accountID)
	if err != nil {
		return nil, err
	}
	d.hooks[accountID] = hs
	return hs, nil
}

// readHooks reads the account's webhooks, oldest first.
func readHooks(ctx context.Context, tx *Tx, accountID int64) ([]*hook, error) {
	rows, err := tx.query(ctx, `SELECT id, events FROM webhooks WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hs := []*hook{}
	for rows.Next() {
		var (
			h      = &hook{events: map[string]bool{}}
			events string
			list   []string
		)
		if err := rows.Scan(&h.id, &events); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(events), &list); err != nil {
			return nil, err
		}
		for _, e := range list {
			h.events[e] = true
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// webhookEvents returns the event types that some webhook of the account
// subscribes to, as the change's transaction sees them.
func (tx *Tx) webhookEvents(ctx context.Context, accountID int64) (map[string]bool, error) {
	if wanted, ok := tx.hookEvents[accountID]; ok {
		return wanted, nil
	}
	hs, err := readHooks(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, h := range hs {
		maps.Copy(wanted, h.events)
	}
	if tx.hookEvents == nil {
		tx.hookEvents = map[int64]map[string]bool{}
	}
	tx.hookEvents[accountID] = wanted
	return wanted, nil
}

// fanOut queues one event to every webhook of its account that subscribes
// to its type. The same event is queued to a webhook at most once.
func fanOut(ctx context.Context, tx *Tx, d *dispatch, ev eventBody, about subject) error {
	hs, err := d.webhooks(ctx, ev.AccountID)
	if err != nil {
		return err
	}
	var body []byte
	for _, h := range hs {
		if !h.events[ev.Type] {
			continue
		}
		if body == nil {
			if body, err = json.Marshal(ev); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO webhook_deliveries (account_id, webhook_id, event_id, event_type, task_id, lead_map_id, body,
			status, next_at, retry_since, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (webhook_id, event_id) DO NOTHING`,
			ev.AccountID, h.id, ev.ID, ev.Type, about.taskID, about.leadMapID, string(body), taskbox.DeliveryPending,
			tx.now.Micros(), tx.now.Micros(), tx.now.Micros()); err != nil {
			return fmt.Errorf("queue delivery: %w", err)
		}
	}
	return nil
}

// fireDue sends a task's TASK_DUE. A timer whose task is gone, done or
// due at another time than it was armed for (which every change sets in
// its transaction, so only a timer left from an older version or from a
// change to a task created in the same batch) is stale.
func fireDue(ctx context.Context, tx *Tx, d *dispatch, t timer) (fireOutcome, error) {
	task, err := findTask(ctx, tx, t.accountID, t.subjectID, false)
	if err != nil && taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		return 0, err
	}
	if err != nil || task.Status != taskbox.StatusPending || task.Due == nil || task.Due.String() != t.armedKey {
		return stale, nil
	}
	return fired, fireTaskEvent(ctx, d, t, task, taskbox.EventTypeTaskDue, "evt_due")
}

// fireTaskEvent queues timer t's event about a task, with the task as it
// is now. Its id is prefix, the task's id and the firing time, so that a
// timer fired again for the same time is the same event.
func fireTaskEvent(ctx context.Context, d *dispatch, t timer, task *taskbox.Task, typ, prefix string) error {
	data := task.AppendJSON(nil, true) // json.Marshal's bytes
	ev := eventBody{ID: fmt.Sprintf("%s_%d_%d", prefix, task.ID, t.fireAt), Type: typ,
		OccurredAt: taskbox.TimestampFromMicros(t.fireAt), AccountID: t.accountID, Data: data}
	return fanOut(ctx, d.tx, d, ev, subject{taskID: task.ID})
}
