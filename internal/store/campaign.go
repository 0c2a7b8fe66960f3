package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.CampaignService = (*DB)(nil)

const campaignColumns = `id, name, status, created_at, updated_at`

// CreateCampaign creates a campaign in the actor's account.
func (db *DB) CreateCampaign(ctx context.Context, c *taskbox.CampaignCreate) (*taskbox.Campaign, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.Campaign
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Campaign, error) {
			return createCampaign(ctx, tx, actor.AccountID(), c.Name, 0)
		})
		return err
	})
	return out, err
}

// createCampaign inserts a campaign; id 0 lets the database choose it.
func createCampaign(ctx context.Context, tx *Tx, accountID int64, name string, id int64) (*taskbox.Campaign, error) {
	c := &taskbox.Campaign{ID: id, Name: name, Status: taskbox.CampaignStatusDrafted, CreatedAt: tx.now, UpdatedAt: tx.now}
	var err error
	if id == 0 {
		c.ID, err = tx.insert(ctx, `INSERT INTO campaigns (account_id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, c.Name, c.Status, tx.now.Micros(), tx.now.Micros())
	} else {
		_, err = tx.exec(ctx, `INSERT INTO campaigns (id, account_id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, accountID, c.Name, c.Status, tx.now.Micros(), tx.now.Micros())
	}
	if err != nil {
		return nil, fmt.Errorf("insert campaign: %w", err)
	}
	return c, nil
}

// FindCampaignByID returns a campaign of the actor's account.
func (db *DB) FindCampaignByID(ctx context.Context, id int64) (c *taskbox.Campaign, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		c, err = findCampaign(ctx, tx, actor.AccountID(), id)
		return err
	})
	return c, err
}

func findCampaign(ctx context.Context, tx *Tx, accountID, id int64) (*taskbox.Campaign, error) {
	c, err := scanCampaign(tx.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ? AND account_id = ?`, id, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Campaign")
	}
	return c, err
}

// ListCampaigns lists the actor's campaigns, newest first.
func (db *DB) ListCampaigns(ctx context.Context) ([]*taskbox.Campaign, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	out := []*taskbox.Campaign{}
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE account_id = ? ORDER BY id DESC`, actor.AccountID())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCampaign(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

type scanner interface{ Scan(dest ...any) error }

func scanCampaign(s scanner) (*taskbox.Campaign, error) {
	var c taskbox.Campaign
	var created, updated int64
	if err := s.Scan(&c.ID, &c.Name, &c.Status, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = taskbox.TimestampFromMicros(created), taskbox.TimestampFromMicros(updated)
	return &c, nil
}
