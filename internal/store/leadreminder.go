package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.LeadReminderService = (*DB)(nil)

// TimerLeadReminder fires a lead map's reminder (subject: the reminder).
const TimerLeadReminder = "lead_reminder"

// SetLeadReminder stores a reminder on a lead map of the actor's account
// and arms its timer, in one transaction.
func (db *DB) SetLeadReminder(ctx context.Context, c *taskbox.LeadReminderCreate) (*taskbox.LeadReminder, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe, actor.Account.Location(), db.Now().Time); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.LeadReminder
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.LeadReminder, error) {
			return setLeadReminder(ctx, tx, actor, c)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// setLeadReminder inserts the reminder and arms its lead_reminder timer.
func setLeadReminder(ctx context.Context, tx *Tx, actor *taskbox.Actor, c *taskbox.LeadReminderCreate) (*taskbox.LeadReminder, error) {
	var one int
	mapID, err := lookupLeadMap(ctx, tx, actor.AccountID(), c.LeadMapID, func(id int64) error {
		return tx.queryRow(ctx, `SELECT 1 FROM lead_maps WHERE id = ? AND account_id = ?`, id, actor.AccountID()).Scan(&one)
	})
	if err != nil {
		return nil, err
	}
	at := c.At.UnixMicro()
	out := &taskbox.LeadReminder{CreatedAt: tx.now}
	if out.ID, err = tx.insert(ctx, `INSERT INTO lead_reminders (account_id, lead_map_id, email_stats_id, message, reminder_time, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, actor.AccountID(), mapID, c.EmailStatsID, c.Message, at, tx.now.Micros()); err != nil {
		return nil, fmt.Errorf("insert lead reminder: %w", err)
	}
	return out, armTimer(ctx, tx, TimerLeadReminder, out.ID, "", actor.AccountID(), strconv.FormatInt(at, 10), at)
}

// leadReminderFrom is the rows of pending reminders with their lead maps.
const leadReminderFrom = ` FROM lead_reminders r JOIN lead_maps lm ON lm.id = r.lead_map_id
	JOIN leads l ON l.id = lm.lead_id JOIN campaigns c ON c.id = lm.campaign_id
	WHERE r.account_id = ? AND r.fired_at IS NULL`

// leadMapSnoozed is a reminder row's is_snoozed: the lead map has open
// tasks and every one of them is snoozed (the lead is out of the inbox, as
// the Out Of Office rule leaves it).
const leadMapSnoozed = `CASE WHEN EXISTS (SELECT 1 FROM tasks s WHERE s.lead_map_id = lm.id AND s.status = 'pending' AND s.snoozed_until IS NOT NULL)
	AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.lead_map_id = lm.id AND o.status = 'pending' AND o.snoozed_until IS NULL)
	THEN 1 ELSE 0 END`

// ListLeadReminders lists the actor's pending reminders, one page.
func (db *DB) ListLeadReminders(ctx context.Context, f taskbox.LeadReminderFilter) (rows []*taskbox.LeadReminderRow, total int, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.Now.IsZero() {
		f.Now = db.Now().Time
	}
	where, args := leadReminderFrom, []any{actor.AccountID()}
	if f.CampaignID != 0 {
		where += ` AND lm.campaign_id = ?`
		args = append(args, f.CampaignID)
	}
	if f.TeamMemberID != 0 {
		where += ` AND lm.team_member_id = ?`
		args = append(args, f.TeamMemberID)
	}
	if len(f.CategoryIn) > 0 {
		marks, in := inList(f.CategoryIn)
		where += ` AND lm.category_id IN (` + marks + `)`
		args = append(args, in...)
	}
	if len(f.CategoryNotIn) > 0 {
		marks, in := inList(f.CategoryNotIn)
		where += ` AND (lm.category_id IS NULL OR lm.category_id NOT IN (` + marks + `))`
		args = append(args, in...)
	}
	for _, word := range strings.Fields(f.Search) {
		p := "%" + escapeLike(word) + "%"
		where += ` AND (l.email ` + db.dialect.like() + ` ? ESCAPE '\' OR l.first_name ` + db.dialect.like() + ` ? ESCAPE '\'
			OR l.last_name ` + db.dialect.like() + ` ? ESCAPE '\' OR r.message ` + db.dialect.like() + ` ? ESCAPE '\')`
		args = append(args, p, p, p, p)
	}
	dir := "ASC"
	if f.Sort == taskbox.ReminderTimeDesc {
		dir = "DESC"
	}
	rows = []*taskbox.LeadReminderRow{}
	err = db.inRead(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
			return err
		}
		rs, err := tx.query(ctx, `SELECT r.id, r.lead_map_id, lm.lead_id, l.first_name, l.last_name, l.email, c.id, c.name,
			lm.team_member_id, r.reminder_time, r.message, lm.category_id, `+leadMapSnoozed+where+` ORDER BY r.reminder_time `+dir+`, r.id `+dir+` LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var (
				row               taskbox.LeadReminderRow
				id, mapID, leadID int64
				first, last       sql.NullString
				member, category  sql.NullInt64
				at                int64
				snoozed           int
			)
			if err := rs.Scan(&id, &mapID, &leadID, &first, &last, &row.LeadEmail, &row.CampaignID, &row.CampaignName,
				&member, &at, &row.ReminderMessage, &category, &snoozed); err != nil {
				return err
			}
			row.ReminderID, row.LeadMapID, row.LeadID = strconv.FormatInt(id, 10), strconv.FormatInt(mapID, 10), strconv.FormatInt(leadID, 10)
			row.LeadFirstName, row.LeadLastName = stringPtr(first), stringPtr(last)
			if member.Valid {
				row.TeamMemberID = &member.Int64
			}
			if category.Valid {
				row.LeadCategoryID = &category.Int64
			}
			row.IsSnoozed = snoozed == 1
			row.ReminderTime = taskbox.TimestampFromMicros(at)
			row.IsOverdue = row.ReminderTime.Before(f.Now)
			rows = append(rows, &row)
		}
		return rs.Err()
	})
	return rows, total, err
}

// leadReminderEvent is the data of a LEAD_REMINDER event.
type leadReminderEvent struct {
	ID           string            `json:"id"`
	LeadMapID    int64             `json:"email_lead_map_id"`
	LeadID       int64             `json:"lead_id"`
	LeadEmail    string            `json:"lead_email"`
	CampaignID   int64             `json:"campaign_id"`
	EmailStatsID *string           `json:"email_stats_id"`
	Message      string            `json:"message"`
	ReminderTime taskbox.Timestamp `json:"reminder_time"`
	TeamMemberID *int64            `json:"team_member_id"`
	CreatedAt    taskbox.Timestamp `json:"created_at"`
}

// fireLeadReminder sends a lead map's LEAD_REMINDER and marks the
// reminder fired. Its deliveries are ordered by the negative reminder id,
// apart from every task's.
func fireLeadReminder(ctx context.Context, tx *Tx, d *dispatch, t timer) (fireOutcome, error) {
	var (
		ev           = leadReminderEvent{ID: strconv.FormatInt(t.subjectID, 10)}
		at, created  int64
		done, member sql.NullInt64
		stats        sql.NullString
	)
	err := tx.queryRow(ctx, `SELECT r.lead_map_id, lm.lead_id, l.email, lm.campaign_id, r.email_stats_id, r.message, r.reminder_time,
		lm.team_member_id, r.created_at, r.fired_at FROM lead_reminders r JOIN lead_maps lm ON lm.id = r.lead_map_id
		JOIN leads l ON l.id = lm.lead_id WHERE r.id = ?`, t.subjectID).
		Scan(&ev.LeadMapID, &ev.LeadID, &ev.LeadEmail, &ev.CampaignID, &stats, &ev.Message, &at, &member, &created, &done)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && done.Valid) {
		return stale, nil
	} else if err != nil {
		return 0, err
	}
	ev.EmailStatsID, ev.ReminderTime, ev.CreatedAt = stringPtr(stats), taskbox.TimestampFromMicros(at), taskbox.TimestampFromMicros(created)
	if member.Valid {
		ev.TeamMemberID = &member.Int64
	}
	if _, err := tx.exec(ctx, `UPDATE lead_reminders SET fired_at = ? WHERE id = ?`, tx.now.Micros(), t.subjectID); err != nil {
		return 0, err
	}
	if err := addNotice(ctx, tx, t.accountID, member, nil, ev.LeadMapID, "Reminder for "+ev.LeadEmail+": "+ev.Message); err != nil {
		return 0, err
	}
	if err := queueReminderMail(ctx, tx, t.accountID, member, taskbox.MailLeadReminder, fmt.Sprintf("lead_reminder:%d", t.subjectID), nil,
		&taskbox.MailReminder{LeadMapID: ev.LeadMapID, LeadID: ev.LeadID, Lead: ev.LeadEmail, Message: ev.Message}); err != nil {
		return 0, err
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return 0, err
	}
	return fired, fanOut(ctx, tx, d, eventBody{ID: fmt.Sprintf("evt_lead_reminder_%d", t.subjectID), Type: taskbox.EventTypeLeadReminder,
		OccurredAt: taskbox.TimestampFromMicros(t.fireAt), AccountID: t.accountID, Data: data}, subject{leadMapID: ev.LeadMapID})
}
