package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.AccountService = (*DB)(nil)

// keyPrefix starts every API key, so that a leaked key is recognisable.
const keyPrefix = "tbx_"

// lastUsedEvery bounds how often a key's last use is written.
const lastUsedEvery = time.Minute

// lastUseWait bounds how long noting a key's last use waits for the
// database (the writer's queue, a lock held elsewhere).
const lastUseWait = 250 * time.Millisecond

// CreateAccount creates an account and its first API key.
func (db *DB) CreateAccount(ctx context.Context, n taskbox.NewAccount) (acct *taskbox.Account, key *taskbox.CreatedKey, err error) {
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		acct, key, err = createAccount(ctx, tx, n)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return acct, key, nil
}

func createAccount(ctx context.Context, tx *Tx, n taskbox.NewAccount) (*taskbox.Account, *taskbox.CreatedKey, error) {
	acct := &taskbox.Account{Name: n.Name, Timezone: n.Timezone, CreatedAt: tx.now.Time}
	var err error
	acct.ID, err = tx.insert(ctx, `INSERT INTO accounts (name, timezone, created_at) VALUES (?, ?, ?)`,
		acct.Name, acct.Timezone, tx.now.Micros())
	if err != nil {
		return nil, nil, fmt.Errorf("insert account: %w", err)
	}
	owner, err := insertMember(ctx, tx, acct.ID, taskbox.NewMember{Name: taskbox.OwnerName, Role: taskbox.RoleAdmin})
	if err != nil {
		return nil, nil, err
	}
	key, err := createKey(ctx, tx, acct.ID, owner.ID, "default")
	return acct, key, err
}

// FindAccountByID returns an account.
func (db *DB) FindAccountByID(ctx context.Context, id int64) (*taskbox.Account, error) {
	var a taskbox.Account
	var created int64
	err := db.readRow(ctx, `SELECT id, name, timezone, created_at FROM accounts WHERE id = ?`,
		[]any{id}, &a.ID, &a.Name, &a.Timezone, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Account")
	} else if err != nil {
		return nil, err
	}
	a.CreatedAt = time.UnixMicro(created).UTC()
	return &a, nil
}

// FindAccountByName returns the oldest account with that name.
func (db *DB) FindAccountByName(ctx context.Context, name string) (*taskbox.Account, error) {
	var a taskbox.Account
	var created int64
	err := db.readRow(ctx, `SELECT id, name, timezone, created_at FROM accounts WHERE name = ? ORDER BY id LIMIT 1`,
		[]any{name}, &a.ID, &a.Name, &a.Timezone, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Account")
	} else if err != nil {
		return nil, err
	}
	a.CreatedAt = time.UnixMicro(created).UTC()
	return &a, nil
}

// CreateKey adds a key to an account, for its oldest active admin (the
// Owner, unless it was removed).
func (db *DB) CreateKey(ctx context.Context, accountID int64, name string) (key *taskbox.CreatedKey, err error) {
	return db.CreateMemberKey(ctx, accountID, 0, name)
}

// CreateMemberKey adds a key to an account for one of its active members;
// memberID 0 means the oldest active admin.
func (db *DB) CreateMemberKey(ctx context.Context, accountID, memberID int64, name string) (key *taskbox.CreatedKey, err error) {
	name = taskbox.TrimText(name)
	if name == "" {
		name = "key"
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		var one int
		if err := tx.queryRow(ctx, `SELECT 1 FROM accounts WHERE id = ?`, accountID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return notFound("Account")
		} else if err != nil {
			return err
		}
		query, args := `SELECT id FROM team_members WHERE account_id = ? AND removed_at IS NULL AND id = ?`, []any{accountID, memberID}
		if memberID == 0 {
			query, args = `SELECT id FROM team_members WHERE account_id = ? AND removed_at IS NULL AND role = ? ORDER BY id LIMIT 1`,
				[]any{accountID, string(taskbox.RoleAdmin)}
		}
		if err := tx.queryRow(ctx, query, args...).Scan(&memberID); errors.Is(err, sql.ErrNoRows) {
			return notFound("Team member")
		} else if err != nil {
			return err
		}
		key, err = createKey(ctx, tx, accountID, memberID, name)
		return err
	})
	return key, err
}

func createKey(ctx context.Context, tx *Tx, accountID, memberID int64, name string) (*taskbox.CreatedKey, error) {
	secret := newSecret()
	k := &taskbox.CreatedKey{
		APIKey: taskbox.APIKey{AccountID: accountID, MemberID: memberID, Name: name, Prefix: secret[:len(keyPrefix)+8], CreatedAt: tx.now.Time},
		Secret: secret,
	}
	var err error
	k.ID, err = tx.insert(ctx, `INSERT INTO api_keys (account_id, member_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		accountID, memberID, name, k.Prefix, hashKey(secret), tx.now.Micros())
	if err != nil {
		return nil, fmt.Errorf("insert key: %w", err)
	}
	return k, nil
}

// ListKeys lists an account's keys, revoked ones included, without secrets.
func (db *DB) ListKeys(ctx context.Context, accountID int64) (keys []*taskbox.APIKey, err error) {
	err = db.inRead(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx,
			`SELECT id, account_id, member_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE account_id = ? ORDER BY id`, accountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		keys = []*taskbox.APIKey{}
		for rows.Next() {
			var k taskbox.APIKey
			var created int64
			var used, revoked, member sql.NullInt64
			if err := rows.Scan(&k.ID, &k.AccountID, &member, &k.Name, &k.Prefix, &created, &used, &revoked); err != nil {
				return err
			}
			k.CreatedAt = time.UnixMicro(created).UTC()
			k.LastUsedAt, k.RevokedAt, k.MemberID = timePtr(used), timePtr(revoked), member.Int64
			keys = append(keys, &k)
		}
		return rows.Err()
	})
	return keys, err
}

// RevokeKey revokes a key: the next request with it through this DB gets
// 401, and through another process within keyCacheTTL.
func (db *DB) RevokeKey(ctx context.Context, keyID int64) error {
	defer func() { db.keys.forget(keyID, db.Now().Time) }()
	return db.inWrite(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, tx.now.Micros(), keyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Key")
		}
		return nil
	})
}

// Authenticate resolves a presented key. Unknown and revoked keys get the
// same answer. A key is read from the database at most every keyCacheTTL.
func (db *DB) Authenticate(ctx context.Context, secret string) (*taskbox.Actor, error) {
	invalid := taskbox.Errorf(taskbox.EUNAUTHORIZED, "Invalid API Key")
	if len(secret) < len(keyPrefix) || len(secret) > 200 {
		return nil, invalid
	}
	hash := hashKey(secret)
	actor, used, ok := db.keys.get(hash, db.Now().Time)
	ok = ok && !db.without.NoKeyCache
	if !ok {
		var err error
		if actor, used, err = db.readKey(ctx, hash); errors.Is(err, sql.ErrNoRows) {
			return nil, invalid
		} else if err != nil {
			return nil, err
		}
	}
	now := db.Now()
	if used == 0 || now.Sub(time.UnixMicro(used)) > lastUsedEvery {
		// Best effort: a failure to note the last use must not fail the
		// request, nor hold it long: the note waits for the database at
		// most lastUseWait, so that a request that writes does not wait
		// twice DB.Timeout when a lock is held elsewhere. Noted in the
		// cache first, so that concurrent requests with the key do not all
		// write it.
		db.keys.noteUse(hash, now.Micros())
		wctx, cancel := context.WithTimeout(ctx, lastUseWait)
		_ = db.inWrite(wctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now.Micros(), actor.KeyID)
			return err
		})
		cancel()
	}
	return actor, nil
}

// readKey reads the actor of a key that is not revoked, and remembers it.
func (db *DB) readKey(ctx context.Context, hash string) (*taskbox.Actor, int64, error) {
	var (
		actor   = &taskbox.Actor{Account: &taskbox.Account{}}
		created int64
		used    sql.NullInt64
	)
	read := db.Now().Time
	var role string
	err := db.readRow(ctx, `
		SELECT k.id, k.name, k.last_used_at, a.id, a.name, a.timezone, a.created_at, m.id, m.name, m.role, COALESCE(m.timezone, '')
		FROM api_keys k JOIN accounts a ON a.id = k.account_id JOIN team_members m ON m.id = k.member_id
		WHERE k.hash = ? AND k.revoked_at IS NULL AND m.removed_at IS NULL`, []any{hash},
		&actor.KeyID, &actor.KeyName, &used, &actor.Account.ID, &actor.Account.Name, &actor.Account.Timezone, &created,
		&actor.MemberID, &actor.MemberName, &role, &actor.MemberTimezone)
	if err != nil {
		return nil, 0, err
	}
	actor.MemberRole = taskbox.Role(role)
	actor.Account.CreatedAt = time.UnixMicro(created).UTC()
	db.keys.put(hash, actor, used.Int64, read)
	return actor, used.Int64, nil
}

// newSecret returns a new API key: the prefix and 48 hex digits (192 bits).
func newSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return keyPrefix + hex.EncodeToString(b)
}

// hashKey is how a key is stored. Keys are long random strings, so a fast
// hash is enough: there is nothing to guess that a slow hash would protect.
func hashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMicro(v.Int64).UTC()
	return &t
}
