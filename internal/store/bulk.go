package store

import (
	"context"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

// BulkCreateTasks creates every task or none, in one transaction. A 422
// names each faulty field by its index (tasks[3].priority); a lead map that
// is not the actor's fails the whole request with 404.
func (db *DB) BulkCreateTasks(ctx context.Context, cs []*taskbox.TaskCreate, idem *taskbox.Idempotency) ([]*taskbox.Task, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if len(cs) == 0 {
		fe.Add("tasks", "must hold at least one task")
	} else if len(cs) > taskbox.MaxBulk {
		fe.Add("tasks", "must hold at most 1000 tasks")
	}
	for i, c := range cs {
		c.Validate(&fe, actor.Account.Location(), fmt.Sprintf("tasks[%d].", i))
	}
	if fe != nil {
		return nil, fe.Err()
	}
	var out []*taskbox.Task
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), idem, func() ([]*taskbox.Task, error) {
			ns := make([]*newTask, len(cs))
			for i, c := range cs {
				ns[i] = (&newTask{actor: actor, c: c}).begin(tx.now)
				if err := givenAssignee(ctx, tx, ns[i]); err != nil {
					return nil, prefixFields(err, fmt.Sprintf("tasks[%d].", i))
				}
			}
			if err := createTasks(ctx, tx, ns); err != nil {
				return nil, err
			}
			// A lead map id the account does not hold may be SmartLead's
			// id of one mirrored under another id: those tasks are made
			// with it, after the others.
			var again []*newTask
			for i, n := range ns {
				if n.t.ID != 0 {
					continue
				}
				alias, err := leadMapAlias(ctx, tx, actor.AccountID(), n.c.LeadMapID)
				if err != nil {
					return nil, err
				}
				if alias == 0 {
					return nil, taskbox.Errorf(taskbox.ENOTFOUND, "Lead map %d of tasks[%d] not found.", n.c.LeadMapID, i)
				}
				ns[i] = n.onLeadMap(alias, tx.now)
				again = append(again, ns[i])
			}
			if len(again) > 0 {
				if err := createTasks(ctx, tx, again); err != nil {
					return nil, err
				}
			}
			tasks := make([]*taskbox.Task, len(cs))
			for i, n := range ns {
				if n.t.ID == 0 {
					return nil, taskbox.Errorf(taskbox.ENOTFOUND, "Lead map %d of tasks[%d] not found.", cs[i].LeadMapID, i)
				}
				tasks[i] = n.t
			}
			return tasks, nil
		})
		return err
	})
	return out, err
}

// BulkUpdateTasks applies one change to every listed task or to none. A task
// that is not the actor's fails the whole request with 404.
func (db *DB) BulkUpdateTasks(ctx context.Context, b *taskbox.BulkUpdate) ([]*taskbox.Task, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if len(b.IDs) == 0 {
		fe.Add("ids", "must hold at least one task id")
	} else if len(b.IDs) > taskbox.MaxBulk {
		fe.Add("ids", "must hold at most 1000 task ids")
	}
	b.Set.SnoozeZone = actor.Location() // a date means 09:00 in the member's zone
	b.Set.Validate(&fe, actor.Account.Location(), "set.")
	if b.Set.CheckSnooze(&fe, db.Now().Time, "set."); fe != nil {
		return nil, fe.Err()
	}
	tasks := make([]*taskbox.Task, len(b.IDs))
	err = db.inWrite(ctx, func(tx *Tx) error {
		for i, id := range b.IDs {
			t, err := findTask(ctx, tx, actor.AccountID(), id, true)
			if err != nil {
				if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
					return taskbox.Errorf(taskbox.ENOTFOUND, "Task %d not found.", id)
				}
				return err
			}
			if err := updateTask(ctx, tx, actor, t, &b.Set); err != nil {
				return prefixFields(err, "set.")
			}
			tasks[i] = t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}

// prefixFields names the fields of a validation error found in the store
// (an assignee that is no member) as the bulk body names them.
func prefixFields(err error, prefix string) error {
	var e *taskbox.Error
	if !errors.As(err, &e) || e.Code != taskbox.EINVALID {
		return err
	}
	details := make([]taskbox.FieldError, len(e.Details))
	for i, d := range e.Details {
		details[i] = taskbox.FieldError{Field: prefix + d.Field, Message: d.Message}
	}
	return taskbox.ValidationError(details)
}
