package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// Mails are queued in mail_deliveries in the transaction of what they
// report (queueMail) and sent by the event worker (package events), which
// claims them as it claims webhook deliveries and retries them with the
// same policy.

// queuedMail is a mail to queue.
type queuedMail struct {
	accountID, memberID int64
	kind, dedupeKey, to string
	data                *taskbox.MailData
}

// queueMail queues a mail in tx and returns its id; a mail whose dedupe
// key was queued before is not queued again (id 0).
func queueMail(ctx context.Context, tx *Tx, m queuedMail) (int64, error) {
	data, err := json.Marshal(m.data)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO mail_deliveries (account_id, member_id, kind, dedupe_key, to_addr, data, status, next_at, retry_since, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		m.accountID, m.memberID, m.kind, m.dedupeKey, m.to, string(data), taskbox.MailPending, tx.now.Micros(), tx.now.Micros(), tx.now.Micros()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return id, nil
}

// OutgoingMail is a claimed mail, for the worker to send.
type OutgoingMail struct {
	ID         int64
	AccountID  int64
	MemberID   int64
	Kind       string
	To         string
	Data       taskbox.MailData
	RetrySince time.Time
	Tries      int
}

// ClaimMails claims up to limit pending mails whose time has come, for
// lease: no other server sends them until it ends, and a server that dies
// mid-attempt leaves them to be sent again after it. On PostgreSQL the
// rows are taken with FOR UPDATE SKIP LOCKED.
func (db *DB) ClaimMails(ctx context.Context, lease time.Duration, limit int) (out []*OutgoingMail, err error) {
	now := db.Now()
	var one int
	err = db.readRow(ctx, `SELECT 1 FROM mail_deliveries WHERE status = 'pending' AND next_at <= ? AND leased_until <= ? LIMIT 1`,
		[]any{now.Micros(), now.Micros()}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		out = nil // fn may run again (see groupCommit)
		rows, err := tx.query(ctx, `SELECT id, account_id, member_id, kind, to_addr, data, retry_since, tries FROM mail_deliveries
			WHERE status = 'pending' AND next_at <= ? AND leased_until <= ? ORDER BY next_at, id LIMIT ?`+tx.dialect.skipLocked(""),
			now.Micros(), now.Micros(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				m     OutgoingMail
				data  string
				since int64
			)
			if err := rows.Scan(&m.ID, &m.AccountID, &m.MemberID, &m.Kind, &m.To, &data, &since, &m.Tries); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
				rows.Close()
				return fmt.Errorf("mail %d: %w", m.ID, err)
			}
			m.RetrySince = time.UnixMicro(since).UTC()
			out = append(out, &m)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.exec(ctx, `UPDATE mail_deliveries SET leased_until = ? WHERE id = ?`, now.Add(lease).UnixMicro(), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// MailResult is the outcome of one attempt to send a mail: Status sent,
// pending (tried again at NextAt) or failed; Error says why it failed.
type MailResult struct {
	Status string
	NextAt time.Time
	Error  string
}

// RecordMailAttempt stores the outcome of an attempt and ends the mail's
// lease. After a success, the other mails waiting out a backoff are tried
// at once: the mail server is back.
func (db *DB) RecordMailAttempt(ctx context.Context, id int64, r MailResult) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		var next, sent, lastErr any
		switch r.Status {
		case taskbox.MailPending:
			next = r.NextAt.UnixMicro()
		case taskbox.MailSent:
			sent = tx.now.Micros()
		}
		if r.Error != "" {
			lastErr = r.Error
		}
		tries := 0
		if r.Status != taskbox.MailSent {
			tries = 1
		}
		if _, err := tx.exec(ctx, `UPDATE mail_deliveries SET status = ?, next_at = ?, leased_until = 0, sent_at = ?,
			tries = tries + ?, last_error = COALESCE(?, last_error) WHERE id = ?`, r.Status, next, sent, tries, lastErr, id); err != nil {
			return err
		}
		if r.Status == taskbox.MailSent {
			_, err := tx.exec(ctx, `UPDATE mail_deliveries SET next_at = ? WHERE status = 'pending' AND next_at > ?`, tx.now.Micros(), tx.now.Micros())
			return err
		}
		return nil
	})
}

// MailCounts counts the queued mails by status, for operators and tests.
func (db *DB) MailCounts(ctx context.Context) (map[string]int64, error) {
	return db.countByStatus(ctx, `SELECT status, COUNT(*) FROM mail_deliveries GROUP BY status`)
}

// MailKey is the server secret that signs the unsubscribe links of mails:
// made once and stored, so that every server of the database agrees.
func (db *DB) MailKey(ctx context.Context) ([]byte, error) {
	return db.loadSecret(ctx, "mail_unsubscribe")
}

// StopDigest turns a member's digest off, for an unsubscribe link (which
// carries no actor: the link's signature is its authority). It returns
// the member; a removed or unknown member is ENOTFOUND.
func (db *DB) StopDigest(ctx context.Context, memberID int64) (m *taskbox.Member, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		m, err = scanMember(tx.queryRow(ctx, memberSelect+` WHERE id = ? AND removed_at IS NULL`+tx.dialect.lockRow(), memberID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Team member")
		} else if err != nil {
			return err
		}
		off := taskbox.DigestOff
		return updateMember(ctx, tx, m, &taskbox.MemberUpdate{Digest: &off})
	})
	return m, err
}

// DeleteOldMails forgets up to limit sent and failed mails queued before
// cutoff, and the digest days of before it: the queue does not grow
// without end.
func (db *DB) DeleteOldMails(ctx context.Context, cutoff time.Time, limit int) (n int64, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM mail_deliveries WHERE id IN (SELECT id FROM mail_deliveries
			WHERE status <> 'pending' AND created_at < ? ORDER BY id LIMIT ?)`, cutoff.UnixMicro(), limit)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM digests WHERE created_at < ?`, cutoff.UnixMicro())
		return err
	})
	return n, err
}
