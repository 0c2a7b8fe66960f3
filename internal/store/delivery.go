package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// OutgoingDelivery is a delivery leased to this server for one attempt.
type OutgoingDelivery struct {
	ID         int64
	WebhookID  int64
	URL        string
	Secret     string
	EventID    string
	EventType  string
	Body       []byte
	RetrySince time.Time
}

// ClaimDeliveries leases up to limit deliveries that are due (by db.Now)
// for lease: no other server tries them until it ends, and if this one dies
// mid-attempt they are tried again afterwards (at least once). Only the
// oldest pending delivery of each task (or lead map) to each webhook is
// eligible, so a task's events arrive in the order of its changes; on PostgreSQL the rows
// are taken with FOR UPDATE SKIP LOCKED, so servers claim different ones.
func (db *DB) ClaimDeliveries(ctx context.Context, lease time.Duration, limit int) (out []*OutgoingDelivery, err error) {
	now := db.Now()
	var one int
	err = db.readRow(ctx, `SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ? LIMIT 1`, []any{now.Micros()}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // nothing due
	} else if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		lock := tx.dialect.skipLocked(" OF d")
		rows, err := tx.query(ctx, `SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, d.event_type, d.body, d.retry_since
			FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_at <= ? AND d.leased_until <= ?
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.status = 'pending'
				AND e.webhook_id = d.webhook_id AND e.task_id = d.task_id AND e.lead_map_id = d.lead_map_id AND e.id < d.id)
			ORDER BY d.next_at, d.id LIMIT ?`+lock, now.Micros(), now.Micros(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				d     OutgoingDelivery
				body  string
				since int64
			)
			if err := rows.Scan(&d.ID, &d.WebhookID, &d.URL, &d.Secret, &d.EventID, &d.EventType, &body, &since); err != nil {
				return err
			}
			d.Body, d.RetrySince = []byte(body), time.UnixMicro(since).UTC()
			out = append(out, &d)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, d := range out {
			if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET leased_until = ? WHERE id = ?`, now.Add(lease).UnixMicro(), d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AttemptResult is the outcome of one attempt and what follows from it.
type AttemptResult struct {
	Attempt taskbox.DeliveryAttempt
	// Status is the delivery's new state; NextAt is its next try when it
	// stays pending.
	Status string
	NextAt time.Time
}

// RecordAttempt stores an attempt and the delivery's new state, and ends
// its lease. After a success, the webhook's other pending deliveries that
// are waiting out a backoff are tried at once: the receiver is back. A
// delivery deleted meanwhile (with its webhook) is ignored.
func (db *DB) RecordAttempt(ctx context.Context, deliveryID int64, r AttemptResult) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		var next any
		if r.Status == taskbox.DeliveryPending {
			next = r.NextAt.UnixMicro()
		}
		var webhookID int64
		err := tx.queryRow(ctx, `UPDATE webhook_deliveries SET status = ?, next_at = ?, leased_until = 0 WHERE id = ? RETURNING webhook_id`,
			r.Status, next, deliveryID).Scan(&webhookID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		var code any
		if r.Attempt.StatusCode != nil {
			code = *r.Attempt.StatusCode
		}
		if _, err := tx.exec(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?)`,
			deliveryID, r.Attempt.At.Micros(), code, r.Attempt.LatencyMS, r.Attempt.Error); err != nil {
			return err
		}
		if r.Status == taskbox.DeliveryDelivered {
			// Found through webhook_deliveries_due (next_at > now: the few
			// waiting out a backoff); "webhook_id + 0" keeps both planners
			// from walking all of the webhook's pending deliveries instead,
			// at every success of a backlog being drained.
			_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_at = ? WHERE status = 'pending' AND next_at > ? AND webhook_id + 0 = ?`,
				tx.now.Micros(), tx.now.Micros(), webhookID)
		}
		return err
	})
}

// QueueDepth counts the events not yet dispatched and the deliveries
// not yet delivered.
func (db *DB) QueueDepth(ctx context.Context) (outbox, pending int64, err error) {
	if err := db.readRow(ctx, `SELECT (SELECT COUNT(*) FROM task_events WHERE outbox = 1) + (SELECT COUNT(*) FROM lead_map_events)`, nil, &outbox); err != nil {
		return 0, 0, err
	}
	err = db.readRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'`, nil, &pending)
	return outbox, pending, err
}

// DeleteOldDeliveries forgets the delivered and failed deliveries created
// before cutoff, with their attempts, at most limit at a time.
func (db *DB) DeleteOldDeliveries(ctx context.Context, cutoff time.Time, limit int) (n int64, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE status <> 'pending' AND created_at < ? ORDER BY id LIMIT ?)`, cutoff.UnixMicro(), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
