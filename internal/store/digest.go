package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The morning digest (SPEC §9): at its digest hour on its digest days in
// its zone, a member with an email and digest daily gets one mail with its
// overdue tasks, today's and its reminders of the day; none when there is
// nothing in it. The digests table holds one row per member and local day,
// claimed in the transaction that queues the mail, so that a day's digest
// is made once whichever server gets there first, and a server that starts
// after the hour (or a setting moved to an hour already past) still makes
// the day's if it has not been made.

// digestDayLayout is how a digest's local day is written.
const digestDayLayout = "2006-01-02"

// nextDigest returns the first digest slot of m at or after the local day
// of from: its day and the instant of its hour (in the past when from is
// already past today's hour and today is a digest day: the digest is then
// made at once, unless it was made already). ok is false when m gets no
// digest.
func nextDigest(m *taskbox.Member, loc *time.Location, from time.Time) (day string, at time.Time, ok bool) {
	if !m.DigestOn() || len(m.DigestDays) == 0 {
		return "", time.Time{}, false
	}
	l := from.In(loc)
	for i := range 8 {
		d := time.Date(l.Year(), l.Month(), l.Day()+i, m.DigestHour, 0, 0, 0, loc)
		if m.IsDigestDay(d.Weekday()) {
			return d.Format(digestDayLayout), d.UTC(), true
		}
	}
	return "", time.Time{}, false
}

// digestDue returns the local day whose digest m should have by now, if
// any: today, when it is a digest day and its hour has come.
func digestDue(m *taskbox.Member, loc *time.Location, now time.Time) (string, bool) {
	day, at, ok := nextDigest(m, loc, now)
	if !ok || at.After(now) || day != now.In(loc).Format(digestDayLayout) {
		return "", false
	}
	return day, true
}

// makeDigest makes m's digest for its local day at now, in tx: when there
// is something in it, it claims the day and queues the mail. It returns
// the queued mail's id (0: none, because the day was claimed before, is
// not a digest day or its hour has not come, or nothing is in it).
func makeDigest(ctx context.Context, tx *Tx, m *taskbox.Member, acct *taskbox.Account, now time.Time) (int64, error) {
	loc := m.Location(acct)
	day, due := digestDue(m, loc, now)
	if !due || !tx.mailOn {
		return 0, nil
	}
	// An empty digest claims nothing: no mail has gone, so a change of
	// settings to an hour already past still sends the day's (SPEC §9).
	data, err := digestContent(ctx, tx, m, loc, now)
	if err != nil || data.Empty() {
		return 0, err
	}
	var claimed int64
	err = tx.queryRow(ctx, `INSERT INTO digests (member_id, day, account_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (member_id, day) DO NOTHING RETURNING member_id`, m.ID, day, m.AccountID, tx.now.Micros()).Scan(&claimed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // made already, here or by another server
	} else if err != nil {
		return 0, fmt.Errorf("claim digest: %w", err)
	}
	data.Day = day
	id, err := queueMail(ctx, tx, queuedMail{accountID: m.AccountID, memberID: m.ID, kind: taskbox.MailDigest,
		dedupeKey: fmt.Sprintf("digest:%d:%s", m.ID, day), to: *m.Email, data: data})
	if err != nil || id == 0 {
		return 0, err
	}
	_, err = tx.exec(ctx, `UPDATE digests SET mail_id = ? WHERE member_id = ? AND day = ?`, id, m.ID, day)
	return id, err
}

// digestContent reads what m's digest at now holds: its open tasks that are
// overdue and due today, as the inbox counts them in m's zone.
func digestContent(ctx context.Context, tx *Tx, m *taskbox.Member, loc *time.Location, now time.Time) (*taskbox.MailData, error) {
	data := &taskbox.MailData{MemberID: m.ID, MemberName: m.Name, Zone: loc.String()}
	w := taskbox.NewWindow(now, loc)
	var err error
	if data.Reminders, err = digestReminders(ctx, tx, m, loc, w); err != nil {
		return nil, err
	}
	for _, section := range []struct {
		due  string
		into *[]taskbox.MailTask
	}{{taskbox.DueOverdue, &data.Overdue}, {taskbox.DueToday, &data.Today}} {
		cond, args := dueCondition(section.due, w)
		tasks, err := queryTasks(ctx, tx, taskSelect+` WHERE t.account_id = ? AND t.assignee_id = ? AND t.status = ? AND `+cond+
			` ORDER BY t.due_sort, t.id LIMIT ?`, append(append([]any{m.AccountID, m.ID, string(taskbox.StatusPending)}, args...), maxDigestTasks)...)
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			*section.into = append(*section.into, mailTask(t, loc))
		}
	}
	return data, nil
}

// maxDigestTasks bounds each section of a digest: a mail of a thousand
// tasks helps nobody, and its link to the inbox shows the rest.
const maxDigestTasks = 50

// mailTask is a task as a mail lists it, its due time in loc.
func mailTask(t *taskbox.Task, loc *time.Location) taskbox.MailTask {
	mt := taskbox.MailTask{ID: t.ID, Name: t.Name, Priority: string(t.Priority)}
	if t.Lead != nil {
		mt.Lead = leadName(t.Lead)
	}
	if t.Due != nil {
		mt.Due = mailDue(*t.Due, loc)
	}
	return mt
}

// mailDue writes a due date for a mail: "Mon 7 Dec 14:00" in loc, or the
// date alone for an all-day task.
func mailDue(d taskbox.Due, loc *time.Location) string {
	if d.AllDay {
		return d.At.Format("Mon 2 Jan 2006")
	}
	return d.At.In(loc).Format("Mon 2 Jan 2006 15:04")
}

// leadName is a lead's name, else its email.
func leadName(l *taskbox.TaskLead) string {
	var parts []string
	for _, p := range []*string{l.FirstName, l.LastName} {
		if p != nil && strings.TrimSpace(*p) != "" {
			parts = append(parts, strings.TrimSpace(*p))
		}
	}
	if len(parts) == 0 {
		return l.Email
	}
	return strings.Join(parts, " ")
}

// RunDigest makes a member's digest for its local day at now, when it is
// due and not made yet, and returns the queued mail's id (0: none): what
// the digest timer does when it fires (fireDigest), for tests and tools.
func (db *DB) RunDigest(ctx context.Context, memberID int64, now time.Time) (id int64, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		id = 0
		m, err := scanMember(tx.queryRow(ctx, memberSelect+` WHERE id = ? AND removed_at IS NULL`, memberID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		acct, err := accountInTx(ctx, tx, m.AccountID)
		if err != nil {
			return err
		}
		id, err = makeDigest(ctx, tx, m, acct, now)
		return err
	})
	return id, err
}

// accountInTx reads an account in tx.
func accountInTx(ctx context.Context, tx *Tx, id int64) (*taskbox.Account, error) {
	var a taskbox.Account
	var created int64
	err := tx.queryRow(ctx, `SELECT id, name, timezone, created_at FROM accounts WHERE id = ?`, id).Scan(&a.ID, &a.Name, &a.Timezone, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Account")
	} else if err != nil {
		return nil, err
	}
	a.CreatedAt = time.UnixMicro(created).UTC()
	return &a, nil
}
