package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	taskbox "github.com/taskboxhq/taskbox"
)

// UpdateTask changes the fields present in u. Completing a completed task,
// or setting a field to the value it has, changes nothing and records nothing.
func (db *DB) UpdateTask(ctx context.Context, id int64, u *taskbox.TaskUpdate) (t *taskbox.Task, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	u.SnoozeZone = actor.Location() // a date means 09:00 in the member's zone
	u.Validate(&fe, actor.Account.Location(), "")
	if u.CheckSnooze(&fe, db.Now().Time, ""); fe != nil {
		return nil, fe.Err()
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		if t, err = findTask(ctx, tx, actor.AccountID(), id, true); err != nil {
			return err
		}
		return updateTask(ctx, tx, actor, t, u)
	})
	return t, err
}

// updateTask applies u to t, stores t and records the audit entries: one
// "updated" entry with the changed fields, and one "completed" or
// "reopened" entry when the status changes. Completing a recurring task
// creates its next occurrence (see nextOccurrence).
func updateTask(ctx context.Context, tx *Tx, actor *taskbox.Actor, t *taskbox.Task, u *taskbox.TaskUpdate) error {
	oldDue, oldCount := t.Due, countStatus(t)
	changes := map[string]taskbox.Change{}
	if u.Name != nil && *u.Name != t.Name {
		changes["name"] = taskbox.Change{Old: t.Name, New: *u.Name}
		t.Name = *u.Name
	}
	if u.DescriptionSet && !equalPtr(t.Description, u.Description) {
		changes["description"] = taskbox.Change{Old: t.Description, New: u.Description}
		t.Description = u.Description
	}
	if u.Priority != nil && *u.Priority != t.Priority {
		changes["priority"] = taskbox.Change{Old: t.Priority, New: *u.Priority}
		t.Priority = *u.Priority
	}
	if u.DueDateSet && dueString(t.Due) != dueString(u.Due) {
		changes["due_date"] = taskbox.Change{Old: dueString(t.Due), New: dueString(u.Due)}
		t.Due = u.Due
	}
	var assigned map[string]taskbox.Change
	if u.AssigneeSet && assigneeOf(t) != u.AssigneeID {
		var to *taskbox.MemberRef
		if u.AssigneeID != 0 {
			var err error
			if to, err = assignee(ctx, tx, actor.AccountID(), u.AssigneeID, "assignee_id"); err != nil {
				return err
			}
		}
		assigned = map[string]taskbox.Change{"assignee": {Old: t.Assignee, New: to}}
		t.Assignee = to
	}
	recurrenceChanged := u.RecurrenceSet && !equalPtr(t.Recurrence, u.Recurrence)
	if recurrenceChanged {
		changes["recurrence"] = taskbox.Change{Old: t.Recurrence, New: u.Recurrence}
		t.Recurrence = u.Recurrence
	}
	if u.RemindersSet && !slices.Equal(t.Reminders, remindersOf(u.Reminders)) {
		changes["reminders"] = taskbox.Change{Old: t.Reminders, New: remindersOf(u.Reminders)}
		t.Reminders = remindersOf(u.Reminders)
	}
	statusEvent := ""
	if u.Status != nil && *u.Status != t.Status {
		statusEvent = taskbox.EventReopened
		t.CompletedAt, t.CompletedBy = nil, nil
		if *u.Status == taskbox.StatusCompleted {
			statusEvent = taskbox.EventCompleted
			ref, now := actor.Ref(), tx.now
			t.CompletedAt, t.CompletedBy = &now, &ref
		}
		t.Status = *u.Status
	}
	if err := applySnooze(t, u, changes); err != nil {
		return err
	}
	if len(changes) == 0 && statusEvent == "" && assigned == nil {
		return nil
	}
	t.UpdatedAt = tx.now
	var by any
	if t.CompletedBy != nil {
		b, _ := json.Marshal(t.CompletedBy)
		by = string(b)
	}
	dueDate, dueSort, allDay := dueColumns(t.Due)
	var assigneeID any
	if t.Assignee != nil {
		assigneeID = t.Assignee.ID
	}
	if _, err := tx.exec(ctx, `UPDATE tasks SET name = ?, description = ?, priority = ?, due_date = ?, due_sort = ?,
		due_all_day = ?, status = ?, completed_at = ?, completed_by = ?, updated_at = ?, assignee_id = ?, snoozed_until = ? WHERE id = ?`,
		t.Name, t.Description, t.Priority.Rank(), dueDate, dueSort, allDay, string(t.Status),
		nullMicros(t.CompletedAt), by, tx.now.Micros(), assigneeID, nullMicros(t.SnoozedUntil), t.ID); err != nil {
		return fmt.Errorf("update task %d: %w", t.ID, err)
	}
	if _, ok := changes["reminders"]; ok {
		if _, err := tx.exec(ctx, `UPDATE tasks SET reminders = ? WHERE id = ?`, remindersColumn(t.Reminders), t.ID); err != nil {
			return fmt.Errorf("update task %d: %w", t.ID, err)
		}
	}
	if recurrenceChanged {
		recurrence, start := recurrenceColumns(t.Recurrence, t.Due)
		if _, err := tx.exec(ctx, `UPDATE tasks SET recurrence = ?, recurrence_start = ? WHERE id = ?`, recurrence, start, t.ID); err != nil {
			return fmt.Errorf("update task %d: %w", t.ID, err)
		}
	}
	if oldCount != countStatus(t) || dueString(oldDue) != dueString(t.Due) {
		if err := errors.Join(countTask(ctx, tx, actor.AccountID(), oldCount, oldDue, -1),
			countTask(ctx, tx, actor.AccountID(), countStatus(t), t.Due, 1)); err != nil {
			return err
		}
	}
	if _, ok := changes["snoozed_until"]; ok {
		if err := setUnsnoozeTimer(ctx, tx, actor.AccountID(), t); err != nil {
			return err
		}
	}
	if len(changes) > 0 {
		if err := recordTaskEvent(ctx, tx, actor, t, taskbox.EventUpdated, changes); err != nil {
			return err
		}
	}
	if assigned != nil {
		if err := recordTaskEvent(ctx, tx, actor, t, taskbox.EventAssigned, assigned); err != nil {
			return err
		}
	}
	if statusEvent == "" {
		return nil
	}
	old := taskbox.StatusCompleted
	if statusEvent == taskbox.EventCompleted {
		old = taskbox.StatusPending
	}
	if err := recordTaskEvent(ctx, tx, actor, t, statusEvent, map[string]taskbox.Change{"status": {Old: old, New: t.Status}}); err != nil {
		return err
	}
	if statusEvent == taskbox.EventCompleted && t.Recurrence != nil {
		return nextOccurrence(ctx, tx, actor, t)
	}
	return nil
}

// assigneeOf is the id of t's assignee, 0 for none.
func assigneeOf(t *taskbox.Task) int64 {
	if t.Assignee == nil {
		return 0
	}
	return t.Assignee.ID
}

func dueString(d *taskbox.Due) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func equalPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// DeleteTask removes a task from every view. The row stays with status
// "deleted", so that its audit trail keeps its last state.
func (db *DB) DeleteTask(ctx context.Context, id int64) error {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *Tx) error { return deleteTask(ctx, tx, actor, id) })
}

// DeleteTasks deletes every listed task or none, in one transaction, each
// with its own audit entry. A task that is not the actor's fails the whole
// request with 404.
func (db *DB) DeleteTasks(ctx context.Context, ids []int64) error {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return err
	}
	var fe taskbox.FieldErrors
	if len(ids) == 0 {
		fe.Add("ids", "must hold at least one task id")
	} else if len(ids) > taskbox.MaxBulk {
		fe.Add("ids", "must hold at most 1000 task ids")
	}
	if fe != nil {
		return fe.Err()
	}
	return db.inWrite(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if err := deleteTask(ctx, tx, actor, id); err != nil {
				if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
					return taskbox.Errorf(taskbox.ENOTFOUND, "Task %d not found.", id)
				}
				return err
			}
		}
		return nil
	})
}

// deleteTask marks one task deleted and records its last state.
func deleteTask(ctx context.Context, tx *Tx, actor *taskbox.Actor, id int64) error {
	t, err := findTask(ctx, tx, actor.AccountID(), id, true)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE tasks SET status = ?, deleted_at = ?, updated_at = ? WHERE id = ?`,
		statusDeleted, tx.now.Micros(), tx.now.Micros(), id); err != nil {
		return fmt.Errorf("delete task %d: %w", id, err)
	}
	if err := errors.Join(countTask(ctx, tx, actor.AccountID(), countStatus(t), t.Due, -1),
		disarmTimers(ctx, tx, id, TimerUnsnooze)); err != nil {
		return err
	}
	return recordTaskEvent(ctx, tx, actor, t, taskbox.EventDeleted, map[string]taskbox.Change{"task": {Old: t, New: nil}})
}

// ListTaskEvents returns a task's audit trail, oldest first. A deleted task
// keeps its trail.
func (db *DB) ListTaskEvents(ctx context.Context, id int64) ([]*taskbox.TaskEvent, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	events := []*taskbox.TaskEvent{}
	err = db.inRead(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM tasks WHERE id = ? AND account_id = ?`, id, actor.AccountID()).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Task")
		} else if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT e.id, e.type, COALESCE(a.ref, e.actor), e.at, e.changes
			FROM task_events e LEFT JOIN actors a ON a.id = e.actor_id WHERE e.task_id = ? ORDER BY e.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e       taskbox.TaskEvent
				who     string
				at      int64
				changes sql.NullString
			)
			if err := rows.Scan(&e.ID, &e.Type, &who, &at, &changes); err != nil {
				return err
			}
			e.At = taskbox.TimestampFromMicros(at)
			if err := json.Unmarshal([]byte(who), &e.Actor); err != nil {
				return fmt.Errorf("event %d actor: %w", e.ID, err)
			}
			if changes.Valid {
				if err := json.Unmarshal([]byte(changes.String), &e.Changes); err != nil {
					return fmt.Errorf("event %d changes: %w", e.ID, err)
				}
			}
			events = append(events, &e)
		}
		return rows.Err()
	})
	return events, err
}

// ListLeadTasks returns every task of a lead of the actor's account, in all
// its campaigns, oldest first.
func (db *DB) ListLeadTasks(ctx context.Context, leadID int64) (tasks []*taskbox.Task, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM leads WHERE id = ? AND account_id = ?`, leadID, actor.AccountID()).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Lead")
		} else if err != nil {
			return err
		}
		tasks, err = queryTasks(ctx, tx, taskSelect+` WHERE t.lead_id = ? AND t.account_id = ? AND t.status <> ? ORDER BY t.id`,
			leadID, actor.AccountID(), statusDeleted)
		return err
	})
	return tasks, err
}
