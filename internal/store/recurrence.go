package store

import (
	"context"
	"database/sql"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

// nextOccurrence creates the next occurrence of a recurring task that was
// just completed, in the completing transaction, so that a crash can
// neither lose it nor make two: the same lead map, text, priority and
// recurrence, due at the rule's next time (taskbox.Recurrence.Next, in the
// assignee's zone, else the account's: the zone its reminders count in, so
// that BYDAY=MO is Monday where the assignee works), with its own "created" entry and TASK_CREATED. The
// completed task remembers it (next_occurrence_id): reopening it and
// completing it again makes no second. A rule with no next time ends the
// series.
func nextOccurrence(ctx context.Context, tx *Tx, actor *taskbox.Actor, t *taskbox.Task) error {
	var start, made sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT recurrence_start, next_occurrence_id FROM tasks WHERE id = ?`, t.ID).Scan(&start, &made); err != nil {
		return fmt.Errorf("read recurrence of task %d: %w", t.ID, err)
	}
	if made.Valid {
		return nil
	}
	var seriesStart = timestampPtr(start)
	from := taskbox.Timestamp{}
	if seriesStart != nil {
		from = *seriesStart
	}
	loc, err := reminderZone(ctx, tx, actor.Account, t)
	if err != nil {
		return err
	}
	due := t.Recurrence.Next(t.Due, from.Time, tx.now.Time, loc)
	if due == nil {
		return nil
	}
	rec := *t.Recurrence
	c := &taskbox.TaskCreate{
		LeadMapID: t.LeadMapID, Name: t.Name, Description: t.Description, Priority: t.Priority, Due: due, Recurrence: &rec,
		Reminders:   remindersOf(t.Reminders), // never nil: the series keeps its own, not the default
		AssigneeSet: true,                     // the same assignee, or none as before
	}
	if t.Assignee != nil {
		c.AssigneeID = t.Assignee.ID
	}
	next, err := createTask(ctx, tx, actor, c)
	if err != nil {
		return fmt.Errorf("next occurrence of task %d: %w", t.ID, err)
	}
	if seriesStart != nil && rec.From == taskbox.RecurFromDue {
		if _, err := tx.exec(ctx, `UPDATE tasks SET recurrence_start = ? WHERE id = ?`, start.Int64, next.ID); err != nil {
			return err
		}
	}
	_, err = tx.exec(ctx, `UPDATE tasks SET next_occurrence_id = ? WHERE id = ?`, next.ID, t.ID)
	return err
}
