package taskbox

// Mail is what taskbox sends by email (SPEC §9): each member with an email
// gets its reminders and, when its digest is daily, a morning digest. A
// mail is queued with the data below in the transaction of what it
// reports, and rendered into text and HTML when it is sent.

// Kinds of mail.
const (
	MailDigest       = "digest"
	MailTaskReminder = "task_reminder"
	MailLeadReminder = "lead_reminder"
)

// Statuses of a queued mail.
const (
	MailPending = "pending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// MailData is the content of one mail, as queued.
type MailData struct {
	MemberID   int64  `json:"member_id"`
	MemberName string `json:"member_name"`
	// Day is the digest's local date (2026-12-07), Zone the member's zone.
	Day  string `json:"day,omitempty"`
	Zone string `json:"zone"`
	// A digest's sections.
	Overdue   []MailTask     `json:"overdue,omitempty"`
	Today     []MailTask     `json:"today,omitempty"`
	Reminders []MailReminder `json:"reminders,omitempty"`
	// A reminder mail's reminder.
	Reminder *MailReminder `json:"reminder,omitempty"`
}

// Empty reports whether a digest has nothing in it.
func (d *MailData) Empty() bool {
	return len(d.Overdue) == 0 && len(d.Today) == 0 && len(d.Reminders) == 0
}

// MailTask is a task as a mail lists it; Due is written in the member's
// zone ("Mon 7 Dec 14:00", "Mon 7 Dec" for an all-day task).
type MailTask struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Lead     string `json:"lead"`
	Due      string `json:"due"`
	Priority string `json:"priority"`
}

// MailReminder is a reminder as a mail tells it: of a task (TaskID) or
// SmartLead's on a lead map (TaskID 0, LeadMapID and Message). At is its
// time in the member's zone.
type MailReminder struct {
	TaskID    int64  `json:"task_id,omitempty"`
	TaskName  string `json:"task_name,omitempty"`
	TaskDue   string `json:"task_due,omitempty"`
	Before    string `json:"before,omitempty"` // the task reminder's duration (PT15M)
	LeadMapID int64  `json:"lead_map_id,omitempty"`
	LeadID    int64  `json:"lead_id,omitempty"`
	Lead      string `json:"lead,omitempty"`
	Message   string `json:"message,omitempty"`
	At        string `json:"at"`
}
