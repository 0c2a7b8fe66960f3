package store

import (
	"context"
	"errors"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// A snoozed task keeps its status (pending) and its due date; it is out of
// the inbox while tasks.snoozed_until is set, counted in the day counts
// under statusSnoozed, and its unsnooze timer (TimerUnsnooze) clears
// snoozed_until when the time comes and sends TASK_UNSNOOZED.

// applySnooze applies u's snooze to t and records the change. Only a
// pending task can be snoozed; completing a task ends its snooze.
func applySnooze(t *taskbox.Task, u *taskbox.TaskUpdate, changes map[string]taskbox.Change) error {
	until := t.SnoozedUntil
	if u.SnoozeSet {
		until = nil
		if u.SnoozedUntil != nil {
			if t.Status != taskbox.StatusPending {
				var fe taskbox.FieldErrors
				fe.Add(u.SnoozeFieldName(), "cannot snooze a completed task")
				return fe.Err()
			}
			until = &taskbox.Timestamp{Time: *u.SnoozedUntil}
		}
	}
	if t.Status != taskbox.StatusPending {
		until = nil
	}
	if nullMicros(until) != nullMicros(t.SnoozedUntil) {
		changes["snoozed_until"] = taskbox.Change{Old: t.SnoozedUntil, New: until}
		t.SnoozedUntil = until
	}
	return nil
}

// setUnsnoozeTimer arms the task's unsnooze timer for its snooze, or
// cancels it when the task is no longer snoozed.
func setUnsnoozeTimer(ctx context.Context, tx *Tx, accountID int64, t *taskbox.Task) error {
	if t.SnoozedUntil == nil {
		return disarmTimers(ctx, tx, t.ID, TimerUnsnooze)
	}
	us := t.SnoozedUntil.Micros()
	return armTimer(ctx, tx, TimerUnsnooze, t.ID, "", accountID, strconv.FormatInt(us, 10), us)
}

// fireUnsnooze ends a task's snooze: the task is back in the inbox, and
// TASK_UNSNOOZED is sent. A timer whose task is gone, done or snoozed to
// another time is stale. A task another transaction holds is left for
// the next round (deferred), so that the firing never waits for a task's
// lock while holding its timer's, the other order of a change's.
func fireUnsnooze(ctx context.Context, tx *Tx, d *dispatch, t timer) (fireOutcome, error) {
	task, err := findTask(ctx, tx, t.accountID, t.subjectID, false)
	if err != nil && taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		return 0, err
	}
	if err != nil || task.Status != taskbox.StatusPending || task.SnoozedUntil == nil ||
		strconv.FormatInt(task.SnoozedUntil.Micros(), 10) != t.armedKey {
		return stale, nil
	}
	var one int
	err = tx.queryRow(ctx, `SELECT 1 FROM tasks t WHERE t.id = ? AND t.snoozed_until = ?`+tx.dialect.skipLocked(" OF t"), task.ID, t.fireAt).Scan(&one)
	if err != nil {
		return deferred, nil // held by a change (or changed since): the next round sees it
	}
	if _, err := tx.exec(ctx, `UPDATE tasks SET snoozed_until = NULL WHERE id = ?`, task.ID); err != nil {
		return 0, err
	}
	if err := errors.Join(countTask(ctx, tx, t.accountID, statusSnoozed, task.Due, -1),
		countTask(ctx, tx, t.accountID, taskbox.StatusPending, task.Due, 1)); err != nil {
		return 0, err
	}
	task.SnoozedUntil = nil
	return fired, fireTaskEvent(ctx, d, t, task, taskbox.EventTypeTaskUnsnoozed, "evt_unsnooze")
}
