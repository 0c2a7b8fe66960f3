package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.CategoryService = (*DB)(nil)

// categoryOfAccount is the condition under which a lead category (lc) is
// the account's: one of SmartLead's defaults, which have no account, or
// one of its own.
const categoryOfAccount = `(lc.account_id IS NULL OR lc.account_id = ?)`

// ListCategories returns the defaults, then the account's own, ids ascending.
func (db *DB) ListCategories(ctx context.Context) ([]*taskbox.Category, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	out := []*taskbox.Category{}
	err = db.inStatement(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT lc.id, lc.created_at, lc.name, lc.sentiment_type FROM lead_categories lc
			WHERE `+categoryOfAccount+` ORDER BY lc.id`, actor.AccountID())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c         taskbox.Category
				created   int64
				sentiment sql.NullString
			)
			if err := rows.Scan(&c.ID, &created, &c.Name, &sentiment); err != nil {
				return err
			}
			c.CreatedAt, c.Sentiment = taskbox.TimestampFromMicros(created), stringPtr(sentiment)
			out = append(out, &c)
		}
		return rows.Err()
	})
	return out, err
}

// CreateCategory adds a category to the actor's account. Its name must
// differ, in any case, from every category the account has (the defaults
// included), so that a category can be named instead of numbered.
func (db *DB) CreateCategory(ctx context.Context, c *taskbox.CategoryCreate) (*taskbox.Category, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.Category
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Category, error) {
			return createCategory(ctx, tx, actor.AccountID(), c)
		})
		return err
	})
	return out, err
}

var errCategoryNameTaken = taskbox.ValidationError([]taskbox.FieldError{{Field: "name",
	Message: "is the name of another lead category of the account"}})

func createCategory(ctx context.Context, tx *Tx, accountID int64, c *taskbox.CategoryCreate) (*taskbox.Category, error) {
	key := strings.ToLower(c.Name)
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM lead_categories WHERE name_key = ? AND account_id IS NULL`, key).Scan(&one)
	if err == nil {
		return nil, errCategoryNameTaken
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	out := &taskbox.Category{Name: c.Name, Sentiment: c.Sentiment, CreatedAt: tx.now}
	// A name taken by the account's own categories is a conflict on the
	// unique index, also between two servers inserting at once.
	err = tx.queryRow(ctx, `INSERT INTO lead_categories (account_id, name, name_key, sentiment_type, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, name_key) DO NOTHING RETURNING id`,
		accountID, c.Name, key, c.Sentiment, tx.now.Micros()).Scan(&out.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errCategoryNameTaken
	} else if err != nil {
		return nil, fmt.Errorf("insert lead category: %w", err)
	}
	return out, nil
}

// errUnknownCategory is the answer to a category id that is neither a
// default nor the account's: a field of the body at fault, as an unknown
// team member is.
var errUnknownCategory = taskbox.ValidationError([]taskbox.FieldError{{Field: "category_id",
	Message: "must be the id of a lead category of the account (GET /api/v1/leads/fetch-categories lists them)"}})

// SetLeadCategory sets or clears the category of a lead map of the actor's
// account: s.LeadMapID's, or the lead map of s.LeadID in s.CampaignID.
func (db *DB) SetLeadCategory(ctx context.Context, s *taskbox.CategorySet) error {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *Tx) error {
		var mapID int64
		var err error
		if s.LeadMapID != 0 {
			_, err = lookupLeadMap(ctx, tx, actor.AccountID(), s.LeadMapID, func(id int64) error {
				return tx.queryRow(ctx, `SELECT id FROM lead_maps WHERE id = ? AND account_id = ?`, id, actor.AccountID()).Scan(&mapID)
			})
		} else {
			err = tx.queryRow(ctx, `SELECT id FROM lead_maps WHERE campaign_id = ? AND lead_id = ? AND account_id = ?`,
				s.CampaignID, s.LeadID, actor.AccountID()).Scan(&mapID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Lead map")
		} else if err != nil {
			return err
		}
		var category any
		if s.CategoryID != 0 {
			if err := categoryUsable(ctx, tx, actor.AccountID(), s.CategoryID); err != nil {
				return err
			}
			category = s.CategoryID
		}
		_, err = tx.exec(ctx, `UPDATE lead_maps SET category_id = ? WHERE id = ?`, category, mapID)
		return err
	})
}

// categoryUsable checks that id names a category of the account.
func categoryUsable(ctx context.Context, tx *Tx, accountID, id int64) error {
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM lead_categories lc WHERE lc.id = ? AND `+categoryOfAccount, id, accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errUnknownCategory
	}
	return err
}
