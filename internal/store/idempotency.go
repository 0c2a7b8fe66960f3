package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

// idempotent runs create at most once per account and Idempotency-Key, in the
// caller's transaction. It first claims the key: the insert conflicts on the
// primary key when the key is in use, so of two concurrent requests one
// claims it and the other, once the first commits, finds the claim and
// replays its response. A claim older than the TTL is taken over. When
// create fails, the transaction rolls back and the claim with it.
func idempotent[T any](ctx context.Context, tx *Tx, accountID int64, idem *taskbox.Idempotency, create func() (T, error)) (T, error) {
	var zero T
	if idem == nil || idem.Key == "" {
		return create()
	}
	cutoff := tx.now.Add(-taskbox.IdempotencyTTL).UnixMicro()
	res, err := tx.exec(ctx, `
		INSERT INTO idempotency_keys (account_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, key) DO UPDATE
		SET request_hash = excluded.request_hash, response = NULL, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < ?`,
		accountID, idem.Key, idem.RequestHash, tx.now.Micros(), cutoff)
	if err != nil {
		return zero, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return zero, err
	} else if n == 0 {
		return replay[T](ctx, tx, accountID, idem)
	}
	v, err := create()
	if err != nil {
		return zero, err
	}
	var b []byte
	if t, ok := any(v).(*taskbox.Task); ok {
		b = t.AppendJSON(nil, true) // json.Marshal's bytes, without reflection
	} else if b, err = json.Marshal(v); err != nil {
		return zero, err
	}
	if _, err := tx.exec(ctx, `UPDATE idempotency_keys SET response = ? WHERE account_id = ? AND key = ?`,
		string(b), accountID, idem.Key); err != nil {
		return zero, fmt.Errorf("record idempotent response: %w", err)
	}
	return v, nil
}

// replay returns the response recorded for a claimed key, or ECONFLICT when
// the key was used with another request.
func replay[T any](ctx context.Context, tx *Tx, accountID int64, idem *taskbox.Idempotency) (T, error) {
	var (
		v    T
		hash string
		resp sql.NullString
	)
	err := tx.queryRow(ctx, `SELECT request_hash, response FROM idempotency_keys WHERE account_id = ? AND key = ?`,
		accountID, idem.Key).Scan(&hash, &resp)
	if errors.Is(err, sql.ErrNoRows) {
		return v, taskbox.Errorf(taskbox.ECONFLICT, "A request with this Idempotency-Key is in progress; retry it.")
	} else if err != nil {
		return v, err
	}
	if hash != idem.RequestHash || !resp.Valid {
		return v, taskbox.Errorf(taskbox.ECONFLICT, "This Idempotency-Key was already used with a different request.")
	}
	if err := json.Unmarshal([]byte(resp.String), &v); err != nil {
		return v, fmt.Errorf("decode idempotent response: %w", err)
	}
	idem.Replayed = true
	return v, nil
}

// DeleteExpiredIdempotencyKeys forgets keys older than the TTL.
func (db *DB) DeleteExpiredIdempotencyKeys(ctx context.Context) (int64, error) {
	var n int64
	err := db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
			tx.now.Add(-taskbox.IdempotencyTTL).UnixMicro())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
