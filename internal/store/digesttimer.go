package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// TimerDigest is a member's morning digest (subject: the member; the slot empty;
// armed_key: the local day it is armed for). It is one timer per member
// that never ends while the member gets a digest: each firing makes the
// day's digest (makeDigest) and moves the timer on to the next digest day
// (fireDigest returns deferred). A change of the member's settings, zone
// or email re-arms it in the change's transaction (settingsChanged).
const TimerDigest = "digest"

// armDigest arms m's digest timer for its first digest slot from the
// local day of from (today's, already past, fires at once: the day's
// digest is then made unless it was), or disarms it when m gets none.
func armDigest(ctx context.Context, tx *Tx, m *taskbox.Member, loc *time.Location, from time.Time) error {
	day, at, ok := nextDigest(m, loc, from)
	if !ok {
		return disarmTimers(ctx, tx, m.ID, TimerDigest)
	}
	return armTimer(ctx, tx, TimerDigest, m.ID, "", m.AccountID, day, at.UnixMicro())
}

// settingsChanged re-arms m's digest timer after a change of its settings,
// zone or email, in the change's transaction.
func settingsChanged(ctx context.Context, tx *Tx, m *taskbox.Member) error {
	acct, err := accountInTx(ctx, tx, m.AccountID)
	if err != nil {
		return err
	}
	return armDigest(ctx, tx, m, m.Location(acct), tx.now.Time)
}

// fireDigest makes a member's digest of the day when its hour has come,
// and moves its timer on: to tomorrow's slot once today's digest is made
// (or was, by another server), to today's hour when the timer fired early
// (the member's or the account's zone changed since it was armed).
func fireDigest(ctx context.Context, tx *Tx, _ *dispatch, t timer) (fireOutcome, error) {
	m, err := scanMember(tx.queryRow(ctx, memberSelect+` WHERE id = ? AND removed_at IS NULL`, t.subjectID))
	if errors.Is(err, sql.ErrNoRows) {
		return stale, nil
	} else if err != nil {
		return 0, err
	}
	if !m.DigestOn() {
		return stale, nil
	}
	acct, err := accountInTx(ctx, tx, m.AccountID)
	if err != nil {
		return 0, err
	}
	loc := m.Location(acct)
	now := tx.now.Time
	from := now
	if _, due := digestDue(m, loc, now); due {
		if _, err := makeDigest(ctx, tx, m, acct, now); err != nil {
			return 0, fmt.Errorf("digest of member %d: %w", m.ID, err)
		}
		l := now.In(loc)
		from = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	}
	return deferred, armDigest(ctx, tx, m, loc, from)
}

// queueReminderMail queues the mail of a fired reminder to a member (the
// task's assignee, the lead map's owner), in the firing transaction: the
// mail is sent even if the server dies right after. Nothing is queued for
// a member without an email, or when mail is off.
func queueReminderMail(ctx context.Context, tx *Tx, accountID int64, member sql.NullInt64, kind, dedupe string, due *taskbox.Due, r *taskbox.MailReminder) error {
	if !member.Valid || !tx.mailOn {
		return nil
	}
	m, err := scanMember(tx.queryRow(ctx, memberSelect+` WHERE id = ? AND account_id = ? AND removed_at IS NULL`, member.Int64, accountID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && m.Email == nil) {
		return nil
	} else if err != nil {
		return err
	}
	acct, err := accountInTx(ctx, tx, accountID)
	if err != nil {
		return err
	}
	loc := m.Location(acct)
	r.At = tx.now.Time.In(loc).Format("Mon 2 Jan 2006 15:04")
	if due != nil {
		r.TaskDue = mailDue(*due, loc)
	}
	_, err = queueMail(ctx, tx, queuedMail{accountID: accountID, memberID: m.ID, kind: kind, dedupeKey: dedupe, to: *m.Email,
		data: &taskbox.MailData{MemberID: m.ID, MemberName: m.Name, Zone: loc.String(), Reminder: r}})
	return err
}

// digestReminders reads m's reminders of the day: its tasks' armed
// reminders and the pending SmartLead reminders of the lead maps it owns,
// from now to the end of its day.
func digestReminders(ctx context.Context, tx *Tx, m *taskbox.Member, loc *time.Location, w taskbox.Window) ([]taskbox.MailReminder, error) {
	var out []taskbox.MailReminder
	rows, err := tx.query(ctx, `SELECT ti.subject_id, ti.slot, ti.fire_at FROM timers ti JOIN tasks t ON t.id = ti.subject_id
		WHERE ti.kind = ? AND ti.armed = 1 AND ti.fire_at >= ? AND ti.fire_at < ? AND t.assignee_id = ? AND t.account_id = ? AND t.status = ?
		ORDER BY ti.fire_at, ti.subject_id LIMIT ?`, TimerTaskReminder, w.Now.UnixMicro(), w.TomorrowStart.UnixMicro(), m.ID, m.AccountID,
		string(taskbox.StatusPending), maxDigestTasks)
	if err != nil {
		return nil, err
	}
	type rem struct {
		taskID, at int64
		slot       string
	}
	var rs []rem
	for rows.Next() {
		var r rem
		if err := rows.Scan(&r.taskID, &r.slot, &r.at); err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	for _, r := range rs {
		task, err := findTask(ctx, tx, m.AccountID, r.taskID, false)
		if err != nil || task.Due == nil {
			continue
		}
		out = append(out, taskbox.MailReminder{TaskID: task.ID, TaskName: task.Name, TaskDue: mailDue(*task.Due, loc), Before: r.slot,
			At: time.UnixMicro(r.at).In(loc).Format("15:04")})
	}
	lrows, err := tx.query(ctx, `SELECT r.lead_map_id, lm.lead_id, l.email, l.first_name, l.last_name, r.message, r.reminder_time
		FROM lead_reminders r JOIN lead_maps lm ON lm.id = r.lead_map_id JOIN leads l ON l.id = lm.lead_id
		WHERE r.account_id = ? AND lm.team_member_id = ? AND r.fired_at IS NULL AND r.reminder_time >= ? AND r.reminder_time < ?
		ORDER BY r.reminder_time, r.id LIMIT ?`, m.AccountID, m.ID, w.Now.UnixMicro(), w.TomorrowStart.UnixMicro(), maxDigestTasks)
	if err != nil {
		return nil, err
	}
	defer lrows.Close()
	for lrows.Next() {
		var (
			r           taskbox.MailReminder
			lead        taskbox.TaskLead
			first, last sql.NullString
			at          int64
		)
		if err := lrows.Scan(&r.LeadMapID, &r.LeadID, &lead.Email, &first, &last, &r.Message, &at); err != nil {
			return nil, err
		}
		lead.FirstName, lead.LastName = stringPtr(first), stringPtr(last)
		r.Lead, r.At = leadName(&lead), time.UnixMicro(at).In(loc).Format("15:04")
		out = append(out, r)
	}
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b taskbox.MailReminder) int { return strings.Compare(a.At, b.At) })
	return out, nil
}
