package taskbox

import (
	"context"
	"time"
)

// EventTypeLeadReminder: a reminder set on a lead map (SmartLead's
// set-reminder) came.
const EventTypeLeadReminder = "LEAD_REMINDER"

// MaxReminderMessageLen bounds a lead reminder's message, in characters.
const MaxReminderMessageLen = 10000

// ReminderTimeRule is the sentence a 422 on reminder_time carries.
const ReminderTimeRule = "must be an ISO 8601 date-time with Z or an offset (2025-12-15T09:00:00Z), " +
	"or without an offset (taken in the account's time zone), in the future"

// LeadReminderCreate is the body of SmartLead's set-reminder.
type LeadReminderCreate struct {
	LeadMapID    int64
	EmailStatsID *string
	Message      string
	ReminderTime string // raw; Validate parses it into At
	At           time.Time
	// Idempotency, when set, makes a retry with the same key answer the
	// first reminder instead of setting a second.
	Idempotency *Idempotency
}

// Validate checks the body; now is the server's clock.
func (c *LeadReminderCreate) Validate(fe *FieldErrors, loc *time.Location, now time.Time) {
	if !fe.Has("email_lead_map_id") && c.LeadMapID <= 0 {
		fe.Add("email_lead_map_id", "must be an integer greater than 0")
	}
	if !fe.Has("message") {
		c.Message = TrimText(c.Message)
		switch {
		case c.Message == "":
			fe.Add("message", "must not be blank")
		case RuneLen(c.Message) > MaxReminderMessageLen:
			fe.Add("message", "must be at most 10000 characters")
		case hasNUL(c.Message):
			fe.Add("message", "must not contain NUL characters")
		}
	}
	if c.EmailStatsID != nil && len(*c.EmailStatsID) > 255 {
		fe.Add("email_stats_id", "must be at most 255 characters")
	}
	if !fe.Has("reminder_time") {
		d, err := ParseDue(c.ReminderTime, loc)
		if err != nil || d.AllDay || !d.At.After(now) {
			fe.Add("reminder_time", ReminderTimeRule)
		} else {
			c.At = d.At.Truncate(time.Microsecond)
		}
	}
}

// LeadReminder is a reminder on a lead map, as set-reminder answers it.
type LeadReminder struct {
	ID        int64
	CreatedAt Timestamp
}

// Reminder list sorts.
const (
	ReminderTimeAsc  = "REMINDER_TIME_ASC"
	ReminderTimeDesc = "REMINDER_TIME_DESC"
)

// LeadReminderFilter is the body of SmartLead's reminders list.
type LeadReminderFilter struct {
	Offset, Limit int
	Search        string
	CampaignID    int64
	TeamMemberID  int64
	CategoryIn    []int64
	CategoryNotIn []int64
	Sort          string // ReminderTimeAsc (default) or ReminderTimeDesc
	Now           time.Time
}

// LeadReminderRow is one pending reminder as SmartLead's inbox lists it:
// its row fields that taskbox has, then the reminder's. Ids SmartLead
// sends as strings are strings.
type LeadReminderRow struct {
	LeadMapID       string    `json:"email_lead_map_id"`
	LeadID          string    `json:"email_lead_id"`
	LeadFirstName   *string   `json:"lead_first_name"`
	LeadLastName    *string   `json:"lead_last_name"`
	LeadEmail       string    `json:"lead_email"`
	CampaignID      int64     `json:"email_campaign_id"`
	CampaignName    string    `json:"email_campaign_name"`
	LeadCategoryID  *int64    `json:"lead_category_id"`
	TeamMemberID    *int64    `json:"team_member_id"`
	IsSnoozed       bool      `json:"is_snoozed"`
	ReminderID      string    `json:"reminder_id"`
	ReminderTime    Timestamp `json:"reminder_time"`
	ReminderMessage string    `json:"reminder_message"`
	IsOverdue       bool      `json:"is_overdue"`
}

// LeadReminderService sets and lists the reminders of the actor's lead maps.
type LeadReminderService interface {
	SetLeadReminder(ctx context.Context, c *LeadReminderCreate) (*LeadReminder, error)
	ListLeadReminders(ctx context.Context, f LeadReminderFilter) (rows []*LeadReminderRow, total int, err error)
}
