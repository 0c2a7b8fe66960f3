package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.WebSessionService = (*DB)(nil)

// EndWebSession records a signed-out session by the SHA-256 of its id, and
// forgets the records whose cookies have idled out since.
func (db *DB) EndWebSession(ctx context.Context, id string, until time.Time) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM ended_sessions WHERE expires_at < ?`, tx.now.Micros()); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO ended_sessions (id_hash, expires_at) VALUES (?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET expires_at = excluded.expires_at`, hashKey(id), until.UnixMicro())
		return err
	})
}

// WebSessionEnded reports whether the session with this id was signed out.
func (db *DB) WebSessionEnded(ctx context.Context, id string) (ended bool, err error) {
	err = db.inStatement(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM ended_sessions WHERE id_hash = ?`, hashKey(id)).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		ended = err == nil
		return err
	})
	return ended, err
}
