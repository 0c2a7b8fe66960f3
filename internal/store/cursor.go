package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// cursor is where a page of the inbox ended: the sort, and the sort key and
// id of its last task. The next page seeks past it (keyset pagination), so a
// task inserted or completed meanwhile never shifts the pages.
type cursor struct {
	Account int64  `json:"a"`
	Sort    string `json:"s"`
	Key     int64  `json:"k"`
	ID      int64  `json:"i"`
}

// encodeCursor signs c, so that a cursor the server did not issue, or one
// changed on the way, is refused.
func (db *DB) encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + db.signCursor(payload)
}

func (db *DB) decodeCursor(s string, accountID int64, sort string) (cursor, error) {
	var c cursor
	bad := taskbox.Errorf(taskbox.EBADREQUEST, "The cursor query parameter is not a cursor this server issued for this listing.")
	payload, sig, ok := strings.Cut(s, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(db.signCursor(payload))) {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Account != accountID || c.Sort != sort {
		return c, bad
	}
	return c, nil
}

func (db *DB) signCursor(payload string) string {
	m := hmac.New(sha256.New, db.cursorKey)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// loadSecret returns the named secret shared by every server of the
// database, making it on first use. Of two servers that start at once, the
// first insert wins and both read it back. Once made, it is only read: a
// command such as backup need not wait for the writer of a busy server.
func (db *DB) loadSecret(ctx context.Context, name string) ([]byte, error) {
	var value string
	err := db.inRead(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
	})
	if err == nil {
		return hex.DecodeString(value)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load secret %s: %w", name, err)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	err = db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(b)); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
	})
	if err != nil {
		return nil, fmt.Errorf("load secret %s: %w", name, err)
	}
	return hex.DecodeString(value)
}
