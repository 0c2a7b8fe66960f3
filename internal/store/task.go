package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.TaskService = (*DB)(nil)

const taskColumns = `t.id, t.lead_map_id, t.name, t.description, t.priority, t.due_date, t.status,
	t.created_at, t.updated_at, t.completed_at, t.campaign_id, t.lead_id`

// CreateTask creates a task for a lead map of the actor's account.
func (db *DB) CreateTask(ctx context.Context, c *taskbox.TaskCreate) (*taskbox.Task, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe, actor.Account.Location(), ""); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.Task
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Task, error) {
			return createTask(ctx, tx, actor, c)
		})
		return err
	})
	return out, err
}

func createTask(ctx context.Context, tx *Tx, actor *taskbox.Actor, c *taskbox.TaskCreate) (*taskbox.Task, error) {
	t := &taskbox.Task{
		LeadMapID: c.LeadMapID, Name: c.Name, Description: c.Description, Priority: c.Priority, Due: c.Due,
		Status: taskbox.StatusPending, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	err := tx.queryRow(ctx, `SELECT campaign_id, lead_id FROM lead_maps WHERE id = ? AND account_id = ?`,
		c.LeadMapID, actor.AccountID()).Scan(&t.CampaignID, &t.LeadID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Lead map")
	} else if err != nil {
		return nil, err
	}
	dueDate, dueAt, allDay := dueColumns(t.Due)
	t.ID, err = tx.insert(ctx, `INSERT INTO tasks (account_id, lead_map_id, campaign_id, lead_id, name, description,
		priority, due_date, due_at, due_all_day, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		actor.AccountID(), t.LeadMapID, t.CampaignID, t.LeadID, t.Name, t.Description,
		t.Priority.Rank(), dueDate, dueAt, allDay, string(t.Status), tx.now.Micros(), tx.now.Micros())
	if err != nil {
		return nil, fmt.Errorf("insert task: %w", err)
	}
	if err := recordTaskEvent(ctx, tx, actor, t.ID, "created", nil); err != nil {
		return nil, err
	}
	return t, nil
}

// dueColumns is the stored form of a due date.
func dueColumns(d *taskbox.Due) (dueDate, dueAt any, allDay int) {
	if d == nil {
		return nil, nil, 0
	}
	if d.AllDay {
		allDay = 1
	}
	return d.String(), d.At.UnixMicro(), allDay
}

// recordTaskEvent appends to a task's audit trail, in the change's transaction.
func recordTaskEvent(ctx context.Context, tx *Tx, actor *taskbox.Actor, taskID int64, typ string, changes any) error {
	who, err := json.Marshal(map[string]any{"type": "api_key", "id": actor.KeyID, "name": actor.KeyName})
	if err != nil {
		return err
	}
	var ch any
	if changes != nil {
		b, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		ch = string(b)
	}
	_, err = tx.exec(ctx, `INSERT INTO task_events (account_id, task_id, type, actor, at, changes) VALUES (?, ?, ?, ?, ?, ?)`,
		actor.AccountID(), taskID, typ, string(who), tx.now.Micros(), ch)
	if err != nil {
		return fmt.Errorf("insert task event: %w", err)
	}
	return nil
}

// FindTaskByID returns a task of the actor's account that is not deleted.
func (db *DB) FindTaskByID(ctx context.Context, id int64) (t *taskbox.Task, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		t, err = scanTask(tx.queryRow(ctx, `SELECT `+taskColumns+` FROM tasks t
			WHERE t.id = ? AND t.account_id = ? AND t.deleted_at IS NULL`, id, actor.AccountID()))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Task")
		}
		return err
	})
	return t, err
}

func scanTask(s scanner) (*taskbox.Task, error) {
	var (
		t                taskbox.Task
		desc, due        sql.NullString
		rank             int
		created, updated int64
		completed        sql.NullInt64
		status           string
	)
	if err := s.Scan(&t.ID, &t.LeadMapID, &t.Name, &desc, &rank, &due, &status,
		&created, &updated, &completed, &t.CampaignID, &t.LeadID); err != nil {
		return nil, err
	}
	t.Description, t.Priority, t.Status = stringPtr(desc), taskbox.PriorityFromRank(rank), taskbox.Status(status)
	t.CreatedAt, t.UpdatedAt, t.CompletedAt = taskbox.TimestampFromMicros(created), taskbox.TimestampFromMicros(updated), timestampPtr(completed)
	if due.Valid {
		d, err := taskbox.ParseDue(due.String, time.UTC)
		if err != nil {
			return nil, fmt.Errorf("task %d due date %q: %w", t.ID, due.String, err)
		}
		t.Due = &d
	}
	return &t, nil
}
