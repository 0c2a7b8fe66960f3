package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.WebhookService = (*DB)(nil)

// webhookSecretPrefix starts every signing secret.
const webhookSecretPrefix = "whsec_"

// CreateWebhook subscribes the actor's account to some event types. The
// answer carries the signing secret; no other answer does.
func (db *DB) CreateWebhook(ctx context.Context, c *taskbox.WebhookCreate) (*taskbox.Webhook, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.Webhook
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Webhook, error) {
			if err := db.underWebhookCap(ctx, tx, actor.AccountID()); err != nil {
				return nil, err
			}
			return createWebhook(ctx, tx, actor.AccountID(), c)
		})
		return err
	})
	return out, err
}

// underWebhookCap refuses a new webhook when the account has MaxWebhooks.
// The account's row is locked first (on PostgreSQL; SQLite has one
// writer), so that concurrent creates count one after the other and the
// cap holds.
func (db *DB) underWebhookCap(ctx context.Context, tx *Tx, accountID int64) error {
	max := db.MaxWebhooks
	if max <= 0 {
		max = taskbox.DefaultMaxWebhooks
	}
	var id int64
	if err := tx.queryRow(ctx, `SELECT id FROM accounts WHERE id = ?`+db.dialect.lockRow(), accountID).Scan(&id); err != nil {
		return fmt.Errorf("lock account %d: %w", accountID, err)
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM webhooks WHERE account_id = ?`, accountID).Scan(&n); err != nil {
		return fmt.Errorf("count webhooks: %w", err)
	}
	if n >= max {
		return taskbox.WebhookCapError(max)
	}
	return nil
}

func createWebhook(ctx context.Context, tx *Tx, accountID int64, c *taskbox.WebhookCreate) (*taskbox.Webhook, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	w := &taskbox.Webhook{URL: c.URL, Events: append([]string{}, c.Events...), Secret: webhookSecretPrefix + hex.EncodeToString(b), CreatedAt: tx.now}
	events, err := json.Marshal(w.Events)
	if err != nil {
		return nil, err
	}
	tx.hookEvents = nil // the batch's later changes see the new webhook
	w.ID, err = tx.insert(ctx, `INSERT INTO webhooks (account_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)`,
		accountID, w.URL, string(events), w.Secret, tx.now.Micros())
	if err != nil {
		return nil, fmt.Errorf("insert webhook: %w", err)
	}
	return w, nil
}

const webhookSelect = `SELECT id, url, events, created_at FROM webhooks`

// ListWebhooks returns the account's webhooks, oldest first, without secrets.
func (db *DB) ListWebhooks(ctx context.Context) (hooks []*taskbox.Webhook, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, webhookSelect+` WHERE account_id = ? ORDER BY id`, actor.AccountID())
		if err != nil {
			return err
		}
		defer rows.Close()
		hooks = []*taskbox.Webhook{}
		for rows.Next() {
			w, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			hooks = append(hooks, w)
		}
		return rows.Err()
	})
	return hooks, err
}

// FindWebhookByID returns one webhook of the account, without its secret.
func (db *DB) FindWebhookByID(ctx context.Context, id int64) (w *taskbox.Webhook, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		w, err = findWebhook(ctx, tx, actor.AccountID(), id)
		return err
	})
	return w, err
}

func findWebhook(ctx context.Context, tx *Tx, accountID, id int64) (*taskbox.Webhook, error) {
	w, err := scanWebhook(tx.queryRow(ctx, webhookSelect+` WHERE id = ? AND account_id = ?`, id, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Webhook")
	}
	return w, err
}

func scanWebhook(s scanner) (*taskbox.Webhook, error) {
	var (
		w       taskbox.Webhook
		events  string
		created int64
	)
	if err := s.Scan(&w.ID, &w.URL, &events, &created); err != nil {
		return nil, err
	}
	w.CreatedAt = taskbox.TimestampFromMicros(created)
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, fmt.Errorf("webhook %d events: %w", w.ID, err)
	}
	return &w, nil
}

// DeleteWebhook removes a webhook with its deliveries and their attempts
// (ON DELETE CASCADE in both schemas): nothing more is sent.
func (db *DB) DeleteWebhook(ctx context.Context, id int64) error {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, func(tx *Tx) error {
		tx.hookEvents = nil
		res, err := tx.exec(ctx, `DELETE FROM webhooks WHERE id = ? AND account_id = ?`, id, actor.AccountID())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Webhook")
		}
		return nil
	})
}

// maxDeliveriesListed bounds the deliveries log of one webhook.
const maxDeliveriesListed = 100

const deliverySelect = `SELECT id, webhook_id, event_id, event_type, task_id, lead_map_id, status, next_at, created_at FROM webhook_deliveries`

// ListDeliveries returns the webhook's latest deliveries, newest first, each
// with its attempts.
func (db *DB) ListDeliveries(ctx context.Context, webhookID int64) (ds []*taskbox.WebhookDelivery, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		if _, err := findWebhook(ctx, tx, actor.AccountID(), webhookID); err != nil {
			return err
		}
		ds, err = queryDeliveries(ctx, tx, deliverySelect+` WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`, webhookID, maxDeliveriesListed)
		if err != nil {
			return err
		}
		return loadAttempts(ctx, tx, ds)
	})
	return ds, err
}

func queryDeliveries(ctx context.Context, tx *Tx, query string, args ...any) ([]*taskbox.WebhookDelivery, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ds := []*taskbox.WebhookDelivery{}
	for rows.Next() {
		var (
			d       = taskbox.WebhookDelivery{Attempts: []taskbox.DeliveryAttempt{}}
			next    sql.NullInt64
			created int64
		)
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.EventType, &d.TaskID, &d.LeadMapID, &d.Status, &next, &created); err != nil {
			return nil, err
		}
		d.CreatedAt, d.NextRetryAt = taskbox.TimestampFromMicros(created), timestampPtr(next)
		ds = append(ds, &d)
	}
	return ds, rows.Err()
}

// loadAttempts fills in the attempts of each delivery, oldest first.
func loadAttempts(ctx context.Context, tx *Tx, ds []*taskbox.WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[int64]*taskbox.WebhookDelivery, len(ds))
	ids := make([]int64, len(ds))
	for i, d := range ds {
		byID[d.ID], ids[i] = d, d.ID
	}
	marks, args := inList(ids)
	rows, err := tx.query(ctx, `SELECT delivery_id, at, status_code, latency_ms, error FROM webhook_attempts
		WHERE delivery_id IN (`+marks+`) ORDER BY id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, at int64
			a      taskbox.DeliveryAttempt
			code   sql.NullInt64
			msg    sql.NullString
		)
		if err := rows.Scan(&id, &at, &code, &a.LatencyMS, &msg); err != nil {
			return err
		}
		a.At, a.Error = taskbox.TimestampFromMicros(at), stringPtr(msg)
		if code.Valid {
			c := int(code.Int64)
			a.StatusCode = &c
		}
		byID[id].Attempts = append(byID[id].Attempts, a)
	}
	return rows.Err()
}

// Redeliver queues a delivery's event again now, with its event_id, and
// gives it a fresh retry window.
func (db *DB) Redeliver(ctx context.Context, webhookID, deliveryID int64) (d *taskbox.WebhookDelivery, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		if _, err := findWebhook(ctx, tx, actor.AccountID(), webhookID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, next_at = ?, retry_since = ?, leased_until = 0
			WHERE id = ? AND webhook_id = ?`, taskbox.DeliveryPending, tx.now.Micros(), tx.now.Micros(), deliveryID, webhookID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Delivery")
		}
		ds, err := queryDeliveries(ctx, tx, deliverySelect+` WHERE id = ?`, deliveryID)
		if err != nil {
			return err
		}
		d = ds[0]
		return loadAttempts(ctx, tx, ds)
	})
	return d, err
}
