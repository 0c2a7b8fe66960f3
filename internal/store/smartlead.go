package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.SmartLeadService = (*DB)(nil)

// smartLeadTokenPrefix marks an integration's URL token.
const smartLeadTokenPrefix = "slh_"

// Inbound statuses.
const (
	inboundPending = "pending"
	inboundDone    = "done"
	inboundFailed  = "failed"
)

// ConnectSmartLead makes the account's SmartLead integration, or rotates
// its token (the old URL stops working when this commits), and sets or
// clears its secret_key. A new integration gets the default rules, unless
// the account has rules already.
func (db *DB) ConnectSmartLead(ctx context.Context, secretKey *string) (*taskbox.SmartLeadIntegration, error) {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	out := &taskbox.SmartLeadIntegration{Token: smartLeadTokenPrefix + hex.EncodeToString(b), Events: taskbox.SmartLeadEventTypes}
	var secret any
	if secretKey != nil && *secretKey != "" {
		secret = hashKey(*secretKey)
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO smartlead_integrations (account_id, token_hash, secret_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash,
			secret_hash = excluded.secret_hash, updated_at = excluded.updated_at`,
			actor.AccountID(), hashKey(out.Token), secret, tx.now.Micros(), tx.now.Micros()); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM smartlead_rules WHERE account_id = ?`, actor.AccountID()).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for _, r := range taskbox.DefaultRules() {
				r.Enabled = true
				if _, err := insertRule(ctx, tx, actor.AccountID(), r); err != nil {
					return err
				}
			}
		}
		out.Rules, err = listRules(ctx, tx, actor.AccountID())
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReceiveSmartLead stores one event for processing, in a transaction of
// its own that writes only the inbound row. A repeat (same dedup key) is
// not stored again (stored false).
func (db *DB) ReceiveSmartLead(ctx context.Context, token string, e *taskbox.SmartLeadEvent) (stored bool, err error) {
	if len(token) > 200 {
		return false, notFound("Integration")
	}
	var (
		accountID int64
		secret    sql.NullString
	)
	err = db.readRow(ctx, `SELECT account_id, secret_hash FROM smartlead_integrations WHERE token_hash = ?`,
		[]any{hashKey(token)}, &accountID, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound("Integration")
	} else if err != nil {
		return false, err
	}
	if secret.Valid && subtle.ConstantTimeCompare([]byte(secret.String), []byte(hashKey(e.SecretKey))) != 1 {
		return false, taskbox.Errorf(taskbox.EUNAUTHORIZED, "The payload's secret_key does not match the integration's.")
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	var email any
	if e.LeadEmail != "" {
		email = e.LeadEmail
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO smartlead_inbound (account_id, received_at, event_type, dedup_key, lead_email, payload, status)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, dedup_key) DO NOTHING`,
			accountID, tx.now.Micros(), e.EventType, e.DedupKey(), email, string(payload), inboundPending)
		if err != nil {
			return fmt.Errorf("insert inbound event: %w", err)
		}
		n, err := res.RowsAffected()
		stored = n == 1
		return err
	})
	return stored, err
}

// eventsCursorSort names the events' listing in its cursors, so that a
// cursor of another listing is refused.
const eventsCursorSort = "smartlead_events"

// ListSmartLeadEvents lists a page of the account's received events,
// newest first: limit of them (1–100) after cursor, which is "" or the
// NextCursor of the page before.
func (db *DB) ListSmartLeadEvents(ctx context.Context, limit int, cur string) (*taskbox.InboundEventPage, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	before := int64(math.MaxInt64)
	if cur != "" {
		c, err := db.decodeCursor(cur, actor.AccountID(), eventsCursorSort)
		if err != nil {
			return nil, err
		}
		before = c.ID
	}
	var out []*taskbox.InboundEvent
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, received_at, event_type, lead_email, lead_map_id, status, result, processed_at
			FROM smartlead_inbound WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, actor.AccountID(), before, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []*taskbox.InboundEvent{}
		for rows.Next() {
			var (
				e                taskbox.InboundEvent
				received         int64
				email, result    sql.NullString
				mapID, processed sql.NullInt64
			)
			if err := rows.Scan(&e.ID, &received, &e.EventType, &email, &mapID, &e.Status, &result, &processed); err != nil {
				return err
			}
			e.ReceivedAt = taskbox.TimestampFromMicros(received)
			e.LeadEmail = stringPtr(email)
			if mapID.Valid {
				e.LeadMapID = &mapID.Int64
			}
			e.ProcessedAt = timestampPtr(processed)
			e.Result = []string{}
			if result.Valid {
				if err := json.Unmarshal([]byte(result.String), &e.Result); err != nil {
					return err
				}
			}
			out = append(out, &e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &taskbox.InboundEventPage{Events: out}
	if len(out) > limit {
		page.Events = out[:limit]
		next := db.encodeCursor(cursor{Account: actor.AccountID(), Sort: eventsCursorSort, ID: out[limit-1].ID})
		page.NextCursor = &next
	}
	return page, nil
}

// SmartLeadSetup reads the state of the actor's account's integration.
func (db *DB) SmartLeadSetup(ctx context.Context) (*taskbox.SmartLeadSetup, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var (
		secret           sql.NullString
		created, updated int64
	)
	err = db.readRow(ctx, `SELECT secret_hash, created_at, updated_at FROM smartlead_integrations WHERE account_id = ?`,
		[]any{actor.AccountID()}, &secret, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return &taskbox.SmartLeadSetup{}, nil
	} else if err != nil {
		return nil, err
	}
	c, u := taskbox.TimestampFromMicros(created), taskbox.TimestampFromMicros(updated)
	return &taskbox.SmartLeadSetup{Connected: true, SecretSet: secret.Valid, CreatedAt: &c, RotatedAt: &u}, nil
}

// countByStatus reads a "SELECT status, COUNT(*) … GROUP BY status" query
// (a constant of the caller's) into a map.
func (db *DB) countByStatus(ctx context.Context, query string) (map[string]int64, error) {
	out := map[string]int64{}
	err := db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			var n int64
			if err := rows.Scan(&s, &n); err != nil {
				return err
			}
			out[s] = n
		}
		return rows.Err()
	})
	return out, err
}

// leadReplies returns the replies kept for a lead, newest first (at most
// 100).
func leadReplies(ctx context.Context, tx *Tx, accountID, leadID int64) ([]taskbox.Reply, error) {
	rows, err := tx.query(ctx, `SELECT id, lead_map_id, subject, text, replied_at, app_url FROM smartlead_replies
		WHERE account_id = ? AND lead_id = ? ORDER BY id DESC LIMIT 100`, accountID, leadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []taskbox.Reply{}
	for rows.Next() {
		r, err := scanReply(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// scanReply reads a row of id, lead_map_id, subject, text, replied_at and
// app_url of smartlead_replies.
func scanReply(rows *sql.Rows) (taskbox.Reply, error) {
	var (
		r            taskbox.Reply
		subject, app sql.NullString
		at           sql.NullInt64
	)
	if err := rows.Scan(&r.ID, &r.LeadMapID, &subject, &r.Text, &at, &app); err != nil {
		return r, err
	}
	r.Subject, r.AppURL, r.Time = stringPtr(subject), stringPtr(app), timestampPtr(at)
	return r, nil
}
