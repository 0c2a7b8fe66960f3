package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	taskbox "github.com/taskboxhq/taskbox"
	"golang.org/x/crypto/bcrypt"
)

var _ taskbox.PasswordSignIn = (*DB)(nil)

// PasswordCost is bcrypt's cost for web passwords (about 50 ms a check on
// a server core); tests lower it.
var PasswordCost = bcrypt.DefaultCost

// dummyHash is compared against when no member has the email, so that a
// wrong email costs what a wrong password does and tells nothing.
// It is made on first use: every command that opens the store would
// otherwise pay for it.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("taskbox: no such member"), PasswordCost)
	return h
})

var errSignIn = taskbox.Errorf(taskbox.EUNAUTHORIZED, "The email or the password is wrong.")

// memberActorSelect reads the actor of a member signed in to the web inbox.
const memberActorSelect = `SELECT m.id, m.name, m.role, COALESCE(m.timezone, ''), m.session_gen, m.password_hash,
	a.id, a.name, a.timezone, a.created_at
	FROM team_members m JOIN accounts a ON a.id = m.account_id`

func scanMemberActor(row *sql.Row) (*taskbox.Actor, int64, string, error) {
	actor := &taskbox.Actor{Account: &taskbox.Account{}, Web: true}
	var (
		role    string
		gen     int64
		hash    sql.NullString
		created int64
	)
	err := row.Scan(&actor.MemberID, &actor.MemberName, &role, &actor.MemberTimezone, &gen, &hash,
		&actor.Account.ID, &actor.Account.Name, &actor.Account.Timezone, &created)
	if err != nil {
		return nil, 0, "", err
	}
	actor.MemberRole = taskbox.Role(role)
	actor.Account.CreatedAt = taskbox.TimestampFromMicros(created).Time
	return actor, gen, hash.String, nil
}

// SignIn checks a member's email and password. Emails are unique among the
// server's active members, so the email names the account too.
func (db *DB) SignIn(ctx context.Context, email, password string) (*taskbox.Actor, int64, error) {
	var (
		actor *taskbox.Actor
		gen   int64
		hash  string
	)
	key := strings.ToLower(strings.TrimSpace(email))
	err := db.inStatement(ctx, func(tx *Tx) error {
		var err error
		actor, gen, hash, err = scanMemberActor(tx.queryRow(ctx, memberActorSelect+
			` WHERE m.email_key = ? AND m.removed_at IS NULL AND m.password_hash IS NOT NULL`, key))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) || key == "" || len(password) > taskbox.MaxPasswordLen {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, 0, errSignIn
	} else if err != nil {
		return nil, 0, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, 0, errSignIn
	}
	return actor, gen, nil
}

// SessionActor returns the actor of a member's web session while the
// member is active and its password unchanged since the session began.
func (db *DB) SessionActor(ctx context.Context, memberID, gen int64) (*taskbox.Actor, error) {
	var (
		actor *taskbox.Actor
		cur   int64
	)
	err := db.inStatement(ctx, func(tx *Tx) error {
		var err error
		actor, cur, _, err = scanMemberActor(tx.queryRow(ctx, memberActorSelect+` WHERE m.id = ? AND m.removed_at IS NULL`, memberID))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cur != gen) {
		return nil, taskbox.Errorf(taskbox.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	} else if err != nil {
		return nil, err
	}
	return actor, nil
}

// setupSelect finds the member of a setup token that has not expired.
const setupSelect = memberSelect + ` WHERE setup_hash = ? AND setup_expires_at > ? AND removed_at IS NULL`

var errSetupLink = taskbox.Errorf(taskbox.ENOTFOUND, "This link to choose a password is unknown, used or expired. Ask an admin for a new one (taskbox members passwd).")

// SetupMember returns the member a setup token is for.
func (db *DB) SetupMember(ctx context.Context, token string) (m *taskbox.Member, err error) {
	if token == "" || len(token) > 200 {
		return nil, errSetupLink
	}
	err = db.inStatement(ctx, func(tx *Tx) error {
		m, err = scanMember(tx.queryRow(ctx, setupSelect, hashKey(token), tx.now.Micros()))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSetupLink
	}
	return m, err
}

// SetPassword sets the password of a setup token's member: the token dies,
// and so do the member's web sessions.
func (db *DB) SetPassword(ctx context.Context, token, password string) (m *taskbox.Member, err error) {
	if msg := taskbox.CheckPassword(password); msg != "" {
		return nil, taskbox.ValidationError([]taskbox.FieldError{{Field: "password", Message: msg}})
	}
	if token == "" || len(token) > 200 {
		return nil, errSetupLink
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		m, err = scanMember(tx.queryRow(ctx, setupSelect+tx.dialect.lockRow(), hashKey(token), tx.now.Micros()))
		if errors.Is(err, sql.ErrNoRows) {
			return errSetupLink
		} else if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE team_members SET password_hash = ?, setup_hash = NULL, setup_expires_at = NULL,
			session_gen = session_gen + 1 WHERE id = ?`, string(hash), m.ID)
		m.HasPassword = true
		return err
	})
	return m, err
}

// SetBaseURL records the base URL a server started with, for the links
// the admin commands print.
func (db *DB) SetBaseURL(ctx context.Context, url string) error {
	return db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES ('base_url', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, url)
		return err
	})
}

// BaseURL returns the base URL the last server started with, "" when none has.
func (db *DB) BaseURL(ctx context.Context) (string, error) {
	var url string
	err := db.readRow(ctx, `SELECT value FROM settings WHERE name = 'base_url'`, nil, &url)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return url, err
}
