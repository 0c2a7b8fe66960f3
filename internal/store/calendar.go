package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// calendarTokenPrefix starts every calendar feed token.
const calendarTokenPrefix = "cal_"

// maxFeedTasks bounds the tasks of one calendar feed.
const maxFeedTasks = 5000

// NewCalendarToken makes the account's calendar feed token, replacing the
// one it had: the old token stops working when this commits. Only the
// token's SHA-256 is stored, as for API keys, but for the answer an
// Idempotency-Key (idem, may be nil) keeps for its replays.
func (db *DB) NewCalendarToken(ctx context.Context, idem *taskbox.Idempotency) (token string, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	fresh := calendarTokenPrefix + hex.EncodeToString(b)
	err = db.inWrite(ctx, func(tx *Tx) error {
		token, err = idempotent(ctx, tx, actor.AccountID(), idem, func() (string, error) {
			_, err := tx.exec(ctx, `INSERT INTO calendar_tokens (account_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
				actor.AccountID(), hashKey(fresh), tx.now.Micros())
			return fresh, err
		})
		return err
	})
	return token, err
}

// CalendarFeed returns the account that owns a feed token and its pending
// tasks that have a due date, soonest first. An unknown or replaced token
// is ENOTFOUND.
func (db *DB) CalendarFeed(ctx context.Context, token string) (acct *taskbox.Account, tasks []*taskbox.Task, err error) {
	notFound := notFound("Calendar")
	if len(token) < len(calendarTokenPrefix) || len(token) > 200 {
		return nil, nil, notFound
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		acct = &taskbox.Account{}
		var created int64
		err := tx.queryRow(ctx, `SELECT a.id, a.name, a.timezone, a.created_at FROM calendar_tokens c
			JOIN accounts a ON a.id = c.account_id WHERE c.token_hash = ?`, hashKey(token)).
			Scan(&acct.ID, &acct.Name, &acct.Timezone, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		} else if err != nil {
			return err
		}
		acct.CreatedAt = time.UnixMicro(created).UTC()
		tasks, err = queryTasks(ctx, tx, taskSelect+` WHERE t.account_id = ? AND t.status = ? AND t.due_sort < ?
			ORDER BY t.due_sort, t.id LIMIT ?`, acct.ID, string(taskbox.StatusPending), int64(noDueSort), maxFeedTasks)
		return err
	})
	return acct, tasks, err
}
