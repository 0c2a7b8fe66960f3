package store

import (
	"context"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.LeadSearcher = (*DB)(nil)

// SearchLeads returns the actor's leads whose email starts with prefix.
// email_key is the lower-cased email, so one LIKE on it is case-blind on
// both backends; the prefix's wildcards are escaped.
func (db *DB) SearchLeads(ctx context.Context, prefix string, limit int) ([]*taskbox.Lead, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	prefix = strings.ToLower(taskbox.TrimText(prefix))
	if limit <= 0 || limit > taskbox.MaxLeadSuggestions {
		limit = taskbox.MaxLeadSuggestions
	}
	leads := []*taskbox.Lead{}
	if prefix == "" || strings.IndexByte(prefix, 0) >= 0 {
		return leads, nil
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+leadColumns+` FROM leads l
			WHERE l.account_id = ? AND l.email_key LIKE ? ESCAPE '\' ORDER BY l.email_key LIMIT ?`,
			actor.AccountID(), escapeLike(prefix)+"%", limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var lr leadRow
			if err := rows.Scan(lr.dest()...); err != nil {
				rows.Close()
				return err
			}
			lead, err := lr.lead()
			if err != nil {
				rows.Close()
				return err
			}
			leads = append(leads, lead)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range leads {
			if l.LeadCampaignData, err = leadCampaigns(ctx, tx, l.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return leads, err
}

// WebSessionKey returns the key that signs and seals the web inbox's session
// cookies, shared by every server of the database like the cursor key.
func (db *DB) WebSessionKey(ctx context.Context) ([]byte, error) {
	return db.loadSecret(ctx, "web_session")
}
