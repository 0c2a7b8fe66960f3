package store

import (
	"context"
	"database/sql"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.NoticeService = (*DB)(nil)

// addNotice records a reminder's notice in its firing transaction.
func addNotice(ctx context.Context, tx *Tx, accountID int64, member sql.NullInt64, taskID any, leadMapID int64, text string) error {
	_, err := tx.exec(ctx, `INSERT INTO notices (account_id, member_id, task_id, lead_map_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		accountID, member, taskID, leadMapID, text, tx.now.Micros())
	if err != nil {
		return fmt.Errorf("insert notice: %w", err)
	}
	return nil
}

// ListNotices returns the actor's notices not yet dismissed, newest first
// (at most 20): those for its member and those for everyone.
func (db *DB) ListNotices(ctx context.Context) ([]*taskbox.Notice, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	out := []*taskbox.Notice{}
	err = db.inStatement(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, task_id, lead_map_id, text, created_at FROM notices
			WHERE account_id = ? AND dismissed_at IS NULL AND (member_id IS NULL OR member_id = ?) ORDER BY id DESC LIMIT 20`,
			actor.AccountID(), actor.MemberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				n    taskbox.Notice
				task sql.NullInt64
				at   int64
			)
			if err := rows.Scan(&n.ID, &task, &n.LeadMapID, &n.Text, &at); err != nil {
				return err
			}
			if task.Valid {
				n.TaskID = &task.Int64
			}
			n.At = taskbox.TimestampFromMicros(at)
			out = append(out, &n)
		}
		return rows.Err()
	})
	return out, err
}

// DismissNotice hides one of the actor's notices; another's is not found.
func (db *DB) DismissNotice(ctx context.Context, id int64) error {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE notices SET dismissed_at = ? WHERE id = ? AND account_id = ? AND (member_id IS NULL OR member_id = ?)`,
			tx.now.Micros(), id, actor.AccountID(), actor.MemberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Notice")
		}
		return nil
	})
}
