package store

import (
	"context"
	"database/sql"
	"errors"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.OwnerService = (*DB)(nil)

// UpdateTeamMember sets a lead map's owner (SmartLead's update-team-member)
// and moves its open tasks that were unassigned or assigned to the
// previous owner to the new one, each with an "assigned" audit entry.
func (db *DB) UpdateTeamMember(ctx context.Context, leadMapID, memberID int64) (out *taskbox.LeadOwner, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		var prev, assignedAt sql.NullInt64
		var err error
		leadMapID, err = lookupLeadMap(ctx, tx, actor.AccountID(), leadMapID, func(id int64) error {
			return tx.queryRow(ctx, `SELECT team_member_id, assigned_at FROM lead_maps WHERE id = ? AND account_id = ?`+tx.dialect.lockRow(),
				id, actor.AccountID()).Scan(&prev, &assignedAt)
		})
		if err != nil {
			return err
		}
		if memberID != 0 {
			if _, err := assignee(ctx, tx, actor.AccountID(), memberID, "team_member_id"); err != nil {
				return err
			}
		}
		out = &taskbox.LeadOwner{LeadMapID: leadMapID}
		if memberID != 0 {
			out.TeamMemberID = &memberID
			at := timestampPtr(assignedAt)
			if prev.Int64 != memberID || at == nil {
				now := tx.now
				at = &now
			}
			out.AssignedAt = at
		}
		if _, err := tx.exec(ctx, `UPDATE lead_maps SET team_member_id = ?, assigned_at = ? WHERE id = ?`,
			nullID(memberID), nullMicros(out.AssignedAt), leadMapID); err != nil {
			return err
		}
		out.TasksReassigned, err = reassignOpenTasks(ctx, tx, actor, leadMapID, prev.Int64, memberID)
		return err
	})
	return out, err
}

// reassignOpenTasks gives a lead map's pending tasks that are unassigned
// or assigned to from (0: none) to to (0: none), and counts those that
// changed.
func reassignOpenTasks(ctx context.Context, tx *Tx, actor *taskbox.Actor, leadMapID, from, to int64) (int, error) {
	tasks, err := queryTasks(ctx, tx, taskSelect+` WHERE t.lead_map_id = ? AND t.account_id = ? AND t.status = ?
		AND (t.assignee_id IS NULL OR t.assignee_id = ?) ORDER BY t.id`+tx.dialect.lockTask(),
		leadMapID, actor.AccountID(), string(taskbox.StatusPending), from)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tasks {
		if assigneeOf(t) == to {
			continue
		}
		if err := updateTask(ctx, tx, actor, t, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: to}); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// nullID is an id column's value: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// LeadOwner returns a lead map's owner, as update-team-member answers it
// (tasks_reassigned 0).
func (db *DB) LeadOwner(ctx context.Context, leadMapID int64) (*taskbox.LeadOwner, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var owner, at sql.NullInt64
	err = db.readRow(ctx, `SELECT team_member_id, assigned_at FROM lead_maps WHERE id = ? AND account_id = ?`,
		[]any{leadMapID, actor.AccountID()}, &owner, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Lead map")
	} else if err != nil {
		return nil, err
	}
	out := &taskbox.LeadOwner{LeadMapID: leadMapID, AssignedAt: timestampPtr(at)}
	if owner.Valid {
		out.TeamMemberID = &owner.Int64
	}
	return out, nil
}
