package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// A task's reminders are timers of kind task_reminder, one per reminder
// (its duration is the slot), armed for the task's due date (the key).
// They are set in every change's transaction with its TASK_DUE timer: a
// new due date re-arms them, completion and deletion cancel them, a
// reminder taken off the list is disarmed. fireTaskReminder sends
// TASK_REMINDER; one that falls while the task is snoozed waits for the
// snooze's end.

// remindersOf is a task's reminders as stored and answered: never nil.
func remindersOf(rs []string) []string {
	if rs == nil {
		return []string{}
	}
	return slices.Clone(rs)
}

// remindersColumn is the stored form: NULL for none.
func remindersColumn(rs []string) any {
	if len(rs) == 0 {
		return nil
	}
	b, _ := json.Marshal(rs)
	return string(b)
}

// setReminderTimers arms the task's reminders for its due date after a
// change of type typ, and disarms the others. A reminder whose time has
// passed is not armed, and not recorded as sent: a reminder is sent before
// its due time or not at all, and should a later change move it ahead
// again (a new assignee's zone), it is armed then, unless it fired for
// this due date already. A new task stores no row for it.
func setReminderTimers(ctx context.Context, tx *Tx, account *taskbox.Account, t *taskbox.Task, typ string) error {
	if !timersLive(t, typ) {
		return nil // recordTaskEvent left them to the batch's end to disarm; a new task has none
	}
	loc, err := reminderZone(ctx, tx, account, t)
	if err != nil {
		return err
	}
	type reminder struct {
		slot string
		at   int64
	}
	var ahead []reminder
	for _, s := range t.Reminders {
		r, err := taskbox.ParseReminder(s)
		if err != nil {
			continue // validated on the way in
		}
		if at := r.At(*t.Due, loc); at.After(tx.now.Time) {
			ahead = append(ahead, reminder{s, at.UnixMicro()})
		}
	}
	if typ == taskbox.EventCreated {
		// A new task's reminders join the batch's timers, written at its
		// end with its TASK_DUE timer (see timerInsert).
		for _, r := range ahead {
			tx.later.timers.add(TimerTaskReminder, t.ID, r.slot, account.ID, t.Due.String(), r.at, 1, nil)
		}
		return nil
	}
	// One statement disarms every reminder not armed below: taken off the
	// list, or passed.
	query, args := `UPDATE timers SET armed = 0 WHERE kind = ? AND subject_id = ? AND armed = 1`, []any{TimerTaskReminder, t.ID}
	if len(ahead) > 0 {
		slots := make([]string, len(ahead))
		for i, r := range ahead {
			slots[i] = r.slot
		}
		marks, in := inList(slots)
		query += ` AND slot NOT IN (` + marks + `)`
		args = append(args, in...)
	}
	if _, err := tx.exec(ctx, query, args...); err != nil {
		return err
	}
	for _, r := range ahead {
		if err := armTimer(ctx, tx, TimerTaskReminder, t.ID, r.slot, account.ID, t.Due.String(), r.at); err != nil {
			return err
		}
	}
	return nil
}

// reminderZone is the zone a task's reminders count days in and an
// all-day task's 09:00 is in: its assignee's, else the account's. A change
// of assignee sets the reminders again (recordTaskEvent), which moves an
// armed one to the new zone's time.
func reminderZone(ctx context.Context, tx *Tx, account *taskbox.Account, t *taskbox.Task) (*time.Location, error) {
	if t.Assignee == nil {
		return account.Location(), nil
	}
	zone, ok := tx.zones[t.Assignee.ID] // read by the insert of a new task
	var err error
	if !ok {
		err = tx.queryRow(ctx, `SELECT timezone FROM team_members WHERE id = ?`, t.Assignee.ID).Scan(&zone)
	}
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !zone.Valid) {
		return account.Location(), nil
	} else if err != nil {
		return nil, err
	}
	return (&taskbox.Account{Timezone: zone.String}).Location(), nil
}

// fireTaskReminder sends a task's TASK_REMINDER. A timer whose task is
// gone, done, due at another time or without this reminder is stale; a
// snoozed task's reminder moves to the snooze's end.
func fireTaskReminder(ctx context.Context, tx *Tx, d *dispatch, t timer) (fireOutcome, error) {
	task, err := findTask(ctx, tx, t.accountID, t.subjectID, false)
	if err != nil && taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		return 0, err
	}
	if err != nil || task.Status != taskbox.StatusPending || task.Due == nil || task.Due.String() != t.armedKey ||
		!slices.Contains(task.Reminders, t.slot) {
		return stale, nil
	}
	if task.SnoozedUntil != nil {
		_, err := tx.exec(ctx, `UPDATE timers SET fire_at = ? WHERE kind = ? AND subject_id = ? AND slot = ?`,
			max(task.SnoozedUntil.Micros(), t.fireAt), t.kind, t.subjectID, t.slot)
		return deferred, err
	}
	var assignee sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT assignee_id FROM tasks WHERE id = ?`, task.ID).Scan(&assignee); err != nil {
		return 0, err
	}
	text := "Reminder: “" + task.Name + "” is due " + task.Due.String() + "."
	if err := addNotice(ctx, tx, t.accountID, assignee, task.ID, task.LeadMapID, text); err != nil {
		return 0, err
	}
	if err := queueReminderMail(ctx, tx, t.accountID, assignee, taskbox.MailTaskReminder,
		fmt.Sprintf("task_reminder:%d:%s:%s", task.ID, t.slot, t.armedKey), task.Due,
		&taskbox.MailReminder{TaskID: task.ID, TaskName: task.Name, Before: t.slot}); err != nil {
		return 0, err
	}
	return fired, fireTaskEvent(ctx, d, t, task, taskbox.EventTypeTaskReminder, "evt_reminder_"+t.slot)
}
