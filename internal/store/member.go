package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.MemberAdmin = (*DB)(nil)

// memberSelect reads a member; scanMember takes its columns.
const memberSelect = `SELECT id, account_id, name, email, role, timezone, created_at, removed_at,
	CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, digest, digest_hour, digest_days, default_reminders, work_start, work_end FROM team_members`

func scanMember(s scanner) (*taskbox.Member, error) {
	var (
		m           taskbox.Member
		email, zone sql.NullString
		role        string
		created     int64
		removed     sql.NullInt64
		hasPassword int
		days        string
		reminders   sql.NullString
		workStart   int
		workEnd     int
	)
	if err := s.Scan(&m.ID, &m.AccountID, &m.Name, &email, &role, &zone, &created, &removed, &hasPassword,
		&m.Digest, &m.DigestHour, &days, &reminders, &workStart, &workEnd); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(days), &m.DigestDays); err != nil {
		return nil, fmt.Errorf("member %d: digest_days: %w", m.ID, err)
	}
	m.DefaultReminders = []string{}
	if reminders.Valid {
		if err := json.Unmarshal([]byte(reminders.String), &m.DefaultReminders); err != nil {
			return nil, fmt.Errorf("member %d: default_reminders: %w", m.ID, err)
		}
	}
	m.WorkHours = taskbox.WorkHoursFromMinutes(workStart, workEnd)
	m.Email, m.Timezone, m.Role = stringPtr(email), stringPtr(zone), taskbox.Role(role)
	m.CreatedAt, m.RemovedAt, m.HasPassword = taskbox.TimestampFromMicros(created), timestampPtr(removed), hasPassword == 1
	return &m, nil
}

// emailKey is how emails are compared: without case.
func emailKey(email string) any {
	if email == "" {
		return nil
	}
	return strings.ToLower(email)
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// errEmailTaken is the 422 for an email another active member has. Emails
// are unique among the server's active members, whatever their account,
// so that a person signs in by email alone.
var errEmailTaken = taskbox.ValidationError([]taskbox.FieldError{{Field: "email", Message: "is already the email of a team member"}})

// insertMember adds a validated member to an account.
func insertMember(ctx context.Context, tx *Tx, accountID int64, n taskbox.NewMember) (*taskbox.Member, error) {
	m := &taskbox.Member{AccountID: accountID, Name: n.Name, Role: n.Role, CreatedAt: tx.now,
		Digest: taskbox.DigestDaily, DigestHour: taskbox.DefaultDigestHour, DigestDays: slices.Clone(taskbox.DefaultDigestDays),
		DefaultReminders: []string{}, WorkHours: taskbox.DefaultWorkHours}
	if n.Email != "" {
		m.Email = &n.Email
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM team_members WHERE email_key = ? AND removed_at IS NULL`, emailKey(n.Email)).Scan(&one)
		if err == nil {
			return nil, errEmailTaken
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if n.Timezone != "" {
		m.Timezone = &n.Timezone
	}
	var err error
	m.ID, err = tx.insert(ctx, `INSERT INTO team_members (account_id, name, email, email_key, role, timezone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		accountID, m.Name, nullText(n.Email), emailKey(n.Email), string(m.Role), nullText(n.Timezone), tx.now.Micros())
	if tx.dialect.uniqueViolation(err) {
		return nil, errEmailTaken
	} else if err != nil {
		return nil, fmt.Errorf("insert team member: %w", err)
	}
	return m, nil
}

// CreateMember adds a member to the actor's account (an admin's), with its
// first API key and, when it has an email, a one-time setup link's token.
func (db *DB) CreateMember(ctx context.Context, n taskbox.NewMember) (out *taskbox.CreatedMember, err error) {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		m, err := insertMember(ctx, tx, actor.AccountID(), n)
		if err != nil {
			return err
		}
		if err := settingsChanged(ctx, tx, m); err != nil {
			return err
		}
		out = &taskbox.CreatedMember{Member: *m}
		if out.Key, err = createKey(ctx, tx, m.AccountID, m.ID, "default"); err != nil {
			return err
		}
		if m.Email != nil {
			out.SetupToken, err = newSetupToken(ctx, tx, m.ID)
		}
		return err
	})
	return out, err
}

// requireAdmin returns the actor of ctx when it may manage members.
func requireAdmin(ctx context.Context) (*taskbox.Actor, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.IsAdmin() {
		return nil, taskbox.Errorf(taskbox.EFORBIDDEN, "Only an admin of the account can do this.")
	}
	return actor, nil
}

// ListMembers lists the active members of the actor's account, oldest first.
func (db *DB) ListMembers(ctx context.Context) (members []*taskbox.Member, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inStatement(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, memberSelect+` WHERE account_id = ? AND removed_at IS NULL ORDER BY id`, actor.AccountID())
		if err != nil {
			return err
		}
		defer rows.Close()
		members = []*taskbox.Member{}
		for rows.Next() {
			m, err := scanMember(rows)
			if err != nil {
				return err
			}
			members = append(members, m)
		}
		return rows.Err()
	})
	return members, err
}

// FindMemberByID returns an active member of the actor's account.
func (db *DB) FindMemberByID(ctx context.Context, id int64) (m *taskbox.Member, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inStatement(ctx, func(tx *Tx) error {
		m, err = findMember(ctx, tx, actor.AccountID(), id, false)
		return err
	})
	return m, err
}

// findMember reads an active member of an account; with lock, in a write
// transaction, it holds the member until the transaction ends.
func findMember(ctx context.Context, tx *Tx, accountID, id int64, lock bool) (*taskbox.Member, error) {
	query := memberSelect + ` WHERE id = ? AND account_id = ? AND removed_at IS NULL`
	if lock {
		query += tx.dialect.lockRow()
	}
	m, err := scanMember(tx.queryRow(ctx, query, id, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Team member")
	}
	return m, err
}

// newSetupToken makes a member's one-time setup link token, valid for
// taskbox.SetupLinkTTL; the link made before it dies.
func newSetupToken(ctx context.Context, tx *Tx, memberID int64) (string, error) {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token := hex.EncodeToString(b)
	_, err := tx.exec(ctx, `UPDATE team_members SET setup_hash = ?, setup_expires_at = ? WHERE id = ?`,
		hashKey(token), tx.now.Add(taskbox.SetupLinkTTL).UnixMicro(), memberID)
	return token, err
}

// UpdateMember changes the fields set in u of an active member of the
// actor's account. A member may change its own name and zone; an admin
// may change any member's, and roles and emails. The last admin of an
// account stays an admin.
func (db *DB) UpdateMember(ctx context.Context, id int64, u *taskbox.MemberUpdate) (m *taskbox.Member, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if u.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var keys []int64
	defer func() {
		// The member's keys carry its name and role: read them anew.
		for _, k := range keys {
			db.keys.forget(k, db.Now().Time)
		}
	}()
	err = db.inWrite(ctx, func(tx *Tx) error {
		if m, err = findMember(ctx, tx, actor.AccountID(), id, true); err != nil {
			return err
		}
		if keys, err = memberKeys(ctx, tx, id); err != nil {
			return err
		}
		if !actor.IsAdmin() && (actor.MemberID != id || u.Role != nil || u.Email != nil) {
			if actor.MemberID != id {
				return taskbox.Errorf(taskbox.EFORBIDDEN, "Only an admin of the account or the member itself can change a team member.")
			}
			return taskbox.Errorf(taskbox.EFORBIDDEN, "Only an admin of the account can change a role or an email.")
		}
		return updateMember(ctx, tx, m, u)
	})
	return m, err
}

func updateMember(ctx context.Context, tx *Tx, m *taskbox.Member, u *taskbox.MemberUpdate) error {
	if u.Name != nil {
		m.Name = *u.Name
	}
	if u.TimezoneSet {
		m.Timezone = u.Timezone
	}
	if u.Role != nil && *u.Role != m.Role {
		if m.Role == taskbox.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, m, "role", "must stay admin: the account has no other admin"); err != nil {
				return err
			}
		}
		m.Role = *u.Role
	}
	email := ""
	if m.Email != nil {
		email = *m.Email
	}
	if u.Email != nil && !strings.EqualFold(*u.Email, email) {
		if *u.Email != "" {
			var one int
			err := tx.queryRow(ctx, `SELECT 1 FROM team_members WHERE email_key = ? AND removed_at IS NULL`, emailKey(*u.Email)).Scan(&one)
			if err == nil {
				return errEmailTaken
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
	}
	if u.Email != nil {
		email = *u.Email
		m.Email = stringPtr(sql.NullString{String: email, Valid: email != ""})
	}
	applySettings(m, u)
	start, end := m.WorkHours.Minutes()
	days, _ := json.Marshal(m.DigestDays)
	_, err := tx.exec(ctx, `UPDATE team_members SET name = ?, timezone = ?, role = ?, email = ?, email_key = ?,
		digest = ?, digest_hour = ?, digest_days = ?, default_reminders = ?, work_start = ?, work_end = ? WHERE id = ?`,
		m.Name, m.Timezone, string(m.Role), nullText(email), emailKey(email),
		m.Digest, m.DigestHour, string(days), remindersJSON(m.DefaultReminders), start, end, m.ID)
	if tx.dialect.uniqueViolation(err) {
		return errEmailTaken
	} else if err != nil {
		return err
	}
	return settingsChanged(ctx, tx, m)
}

// applySettings sets the notification settings of u on m.
func applySettings(m *taskbox.Member, u *taskbox.MemberUpdate) {
	if u.Digest != nil {
		m.Digest = *u.Digest
	}
	if u.DigestHour != nil {
		m.DigestHour = *u.DigestHour
	}
	if u.DigestDays != nil {
		m.DigestDays = *u.DigestDays
	}
	if u.DefaultReminders != nil {
		m.DefaultReminders = *u.DefaultReminders
	}
	if u.WorkHours != nil {
		m.WorkHours = *u.WorkHours
	}
}

// remindersJSON is a list of reminders as stored: NULL for none.
func remindersJSON(rs []string) any {
	if len(rs) == 0 {
		return nil
	}
	b, _ := json.Marshal(rs)
	return string(b)
}

// keepAnAdmin refuses a change that would leave m's account without an
// active admin other than m.
func keepAnAdmin(ctx context.Context, tx *Tx, m *taskbox.Member, field, msg string) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members WHERE account_id = ? AND role = ? AND removed_at IS NULL AND id <> ?`,
		m.AccountID, string(taskbox.RoleAdmin), m.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return taskbox.ValidationError([]taskbox.FieldError{{Field: field, Message: msg}})
	}
	return nil
}

// RemoveMember removes an active member of the actor's account (an
// admin's): its keys are revoked and its web sessions end at once, and its
// open tasks and the lead maps it owns become unassigned. The row stays,
// so that audit trails still name it. The last admin cannot be removed.
func (db *DB) RemoveMember(ctx context.Context, id int64) error {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	var keys []int64
	err = db.inWrite(ctx, func(tx *Tx) error {
		m, err := findMember(ctx, tx, actor.AccountID(), id, true)
		if err != nil {
			return err
		}
		if m.Role == taskbox.RoleAdmin {
			if err := keepAnAdmin(ctx, tx, m, "id", "is the account's last admin, who cannot be removed"); err != nil {
				return err
			}
		}
		if keys, err = revokeMemberKeys(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE team_members SET removed_at = ?, session_gen = session_gen + 1,
			setup_hash = NULL, setup_expires_at = NULL WHERE id = ?`, tx.now.Micros(), id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE lead_maps SET team_member_id = NULL, assigned_at = NULL WHERE team_member_id = ? AND account_id = ?`,
			id, actor.AccountID()); err != nil {
			return err
		}
		tasks, err := queryTasks(ctx, tx, taskSelect+` WHERE t.assignee_id = ? AND t.account_id = ? AND t.status = ? ORDER BY t.id`+tx.dialect.lockTask(),
			id, actor.AccountID(), string(taskbox.StatusPending))
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if err := updateTask(ctx, tx, actor, t, &taskbox.TaskUpdate{AssigneeSet: true}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, k := range keys {
		db.keys.forget(k, db.Now().Time)
	}
	return err
}

// revokeMemberKeys revokes a member's keys and returns their ids.
func revokeMemberKeys(ctx context.Context, tx *Tx, memberID int64) ([]int64, error) {
	ids, err := memberKeys(ctx, tx, memberID)
	if err != nil {
		return nil, err
	}
	_, err = tx.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL`, tx.now.Micros(), memberID)
	return ids, err
}

// memberKeys returns the ids of a member's keys that are not revoked.
func memberKeys(ctx context.Context, tx *Tx, memberID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT id FROM api_keys WHERE member_id = ? AND revoked_at IS NULL`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ResetMemberPassword makes a new one-time setup link for a member with
// an email (an admin's doing) and returns its token.
func (db *DB) ResetMemberPassword(ctx context.Context, id int64) (token string, err error) {
	actor, err := requireAdmin(ctx)
	if err != nil {
		return "", err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		m, err := findMember(ctx, tx, actor.AccountID(), id, true)
		if err != nil {
			return err
		}
		if m.Email == nil {
			return taskbox.ValidationError([]taskbox.FieldError{{Field: "email",
				Message: "is required for a web password: give the member one first (members update --email)"}})
		}
		token, err = newSetupToken(ctx, tx, id)
		return err
	})
	return token, err
}

// MemberAccount returns the account of an active member, for the local
// admin commands that name a member by id alone.
func (db *DB) MemberAccount(ctx context.Context, memberID int64) (*taskbox.Account, error) {
	var accountID int64
	err := db.readRow(ctx, `SELECT account_id FROM team_members WHERE id = ? AND removed_at IS NULL`, []any{memberID}, &accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Team member")
	} else if err != nil {
		return nil, err
	}
	return db.FindAccountByID(ctx, accountID)
}
