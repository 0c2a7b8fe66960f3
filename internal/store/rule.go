package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.RuleService = (*DB)(nil)

const ruleColumns = `id, name, on_events, when_json, then_json, enabled, position, created_at, updated_at`

// ListRules returns the account's rules in the order they are evaluated.
func (db *DB) ListRules(ctx context.Context) (out []*taskbox.Rule, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		out, err = listRules(ctx, tx, actor.AccountID())
		return err
	})
	return out, err
}

// CreateRule adds a rule, last unless it gives a position.
func (db *DB) CreateRule(ctx context.Context, r *taskbox.Rule) (out *taskbox.Rule, err error) {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if r.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), r.Idempotency, func() (*taskbox.Rule, error) {
			id, err := insertRule(ctx, tx, actor.AccountID(), r)
			if err != nil {
				return nil, err
			}
			return findRule(ctx, tx, actor.AccountID(), id)
		})
		return err
	})
	return out, err
}

// UpdateRule changes the fields a PATCH gives.
func (db *DB) UpdateRule(ctx context.Context, id int64, p *taskbox.RulePatch) (out *taskbox.Rule, err error) {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		r, err := findRule(ctx, tx, actor.AccountID(), id)
		if err != nil {
			return err
		}
		p.Apply(r)
		var fe taskbox.FieldErrors
		if r.Validate(&fe); fe != nil {
			return fe.Err()
		}
		on, when, then, err := ruleJSON(r)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE smartlead_rules SET name = ?, on_events = ?, when_json = ?, then_json = ?,
			enabled = ?, position = ?, updated_at = ? WHERE id = ?`,
			r.Name, on, when, then, boolInt(r.Enabled), r.Position, tx.now.Micros(), id); err != nil {
			return err
		}
		out, err = findRule(ctx, tx, actor.AccountID(), id)
		return err
	})
	return out, err
}

// DeleteRule removes a rule.
func (db *DB) DeleteRule(ctx context.Context, id int64) error {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM smartlead_rules WHERE id = ? AND account_id = ?`, id, actor.AccountID())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Rule")
		}
		return nil
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ruleJSON(r *taskbox.Rule) (on, when, then string, err error) {
	var b [3][]byte
	for i, v := range []any{r.On, r.When, r.Then} {
		if b[i], err = json.Marshal(v); err != nil {
			return "", "", "", err
		}
	}
	return string(b[0]), string(b[1]), string(b[2]), nil
}

// insertRule adds r at its position, or after the account's last rule.
func insertRule(ctx context.Context, tx *Tx, accountID int64, r *taskbox.Rule) (int64, error) {
	on, when, then, err := ruleJSON(r)
	if err != nil {
		return 0, err
	}
	pos := r.Position
	if pos <= 0 {
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM smartlead_rules WHERE account_id = ?`, accountID).Scan(&pos); err != nil {
			return 0, err
		}
	}
	id, err := tx.insert(ctx, `INSERT INTO smartlead_rules (account_id, position, name, on_events, when_json, then_json, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, accountID, pos, r.Name, on, when, then, boolInt(r.Enabled), tx.now.Micros(), tx.now.Micros())
	if err != nil {
		return 0, fmt.Errorf("insert rule: %w", err)
	}
	return id, nil
}

func findRule(ctx context.Context, tx *Tx, accountID, id int64) (*taskbox.Rule, error) {
	rs, err := queryRules(ctx, tx, `SELECT `+ruleColumns+` FROM smartlead_rules WHERE account_id = ? AND id = ?`, accountID, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound("Rule")
	}
	return rs[0], nil
}

func listRules(ctx context.Context, tx *Tx, accountID int64) ([]*taskbox.Rule, error) {
	return queryRules(ctx, tx, `SELECT `+ruleColumns+` FROM smartlead_rules WHERE account_id = ? ORDER BY position, id`, accountID)
}

func queryRules(ctx context.Context, tx *Tx, q string, args ...any) ([]*taskbox.Rule, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*taskbox.Rule{}
	for rows.Next() {
		var (
			r                taskbox.Rule
			on, when, then   string
			enabled          int
			created, updated int64
		)
		if err := rows.Scan(&r.ID, &r.Name, &on, &when, &then, &enabled, &r.Position, &created, &updated); err != nil {
			return nil, err
		}
		if err := errors.Join(json.Unmarshal([]byte(on), &r.On), json.Unmarshal([]byte(when), &r.When),
			json.Unmarshal([]byte(then), &r.Then)); err != nil {
			return nil, fmt.Errorf("rule %d: %w", r.ID, err)
		}
		r.Enabled = enabled == 1
		r.CreatedAt, r.UpdatedAt = taskbox.TimestampFromMicros(created), taskbox.TimestampFromMicros(updated)
		out = append(out, &r)
	}
	return out, rows.Err()
}

var _ = sql.ErrNoRows
