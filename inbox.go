package taskbox

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Due windows of the inbox, relative to a time zone.
const (
	DueOverdue  = "overdue"
	DueToday    = "today"
	DueUpcoming = "upcoming"
	DueNone     = "none"
)

// Task list sorts. A leading "-" reverses the whole order.
// completed_at orders by completion time (tasks not completed count as
// completed at time zero): "-completed_at" puts what was just done on top.
var TaskSorts = []string{"due_date", "-due_date", "priority", "-priority", "created_at", "-created_at", "completed_at", "-completed_at"}

// Bounds of a search (TaskFilter.Query). Each word is one more condition,
// and the databases bound a query's parameters; each word is a LIKE
// pattern, which SQLite refuses past 50,000 bytes ("LIKE or GLOB pattern
// too complex"): 500 characters escaped stay under 4,010 bytes.
const (
	MaxSearchWords = 20
	MaxSearchLen   = 500 // characters
)

// TaskFilter selects and orders tasks of the inbox. The zero value of a
// field means "any".
type TaskFilter struct {
	Status     string     // "pending" (default), "completed" or "all"
	Priorities []Priority // any of
	Due        string     // DueOverdue, DueToday, DueUpcoming, DueNone
	DueBefore  *time.Time // due strictly before
	DueAfter   *time.Time // due at or after
	LeadMapID  int64
	LeadID     int64
	CampaignID int64
	Assignee   AssigneeFilter
	// LeadCategoryID selects the tasks whose lead map has that category.
	LeadCategoryID int64
	Query          string // words, each in the name, the description or the lead's email, names or company
	Sort           string // one of TaskSorts; "" means due_date
	Limit          int    // 1–100
	Cursor         string // from TaskPage.NextCursor
	Snoozed        string // SnoozedExclude (default), SnoozedOnly or SnoozedAll
	Location       *time.Location
	Now            time.Time // "now" for the due windows; zero means the clock
}

// AssigneeFilter selects tasks by assignee: those of any of the members
// IDs, with Me the actor's member's too, and with None the unassigned ones
// too. The zero value means any.
type AssigneeFilter struct {
	IDs  []int64
	Me   bool
	None bool
}

// Any reports whether the filter lets every task through.
func (a AssigneeFilter) Any() bool { return len(a.IDs) == 0 && !a.None && !a.Me }

// Resolve returns the filter with Me replaced by the actor's member (a
// filter the command line, which has none, gives matches nothing for it).
func (a AssigneeFilter) Resolve(actor *Actor) AssigneeFilter {
	if a.Me {
		a.IDs = append(append([]int64{}, a.IDs...), actor.MemberID)
		a.Me = false
	}
	return a
}

// String writes the filter as the assignee query parameter.
func (a AssigneeFilter) String() string {
	var parts []string
	if a.Me {
		parts = append(parts, "me")
	}
	if a.None {
		parts = append(parts, "none")
	}
	for _, id := range a.IDs {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	return strings.Join(parts, ",")
}

// MaxAssigneeFilter bounds the members one filter names.
const MaxAssigneeFilter = 100

// ParseAssigneeFilter reads assignee=me|none|ID[,ID…]. The message says
// what is wrong with a value that is none of those.
func ParseAssigneeFilter(v string) (AssigneeFilter, string) {
	var a AssigneeFilter
	if v == "" {
		return a, ""
	}
	parts := strings.Split(v, ",")
	if len(parts) > MaxAssigneeFilter {
		return a, "must name at most 100 members"
	}
	for _, p := range parts {
		switch p = strings.TrimSpace(p); p {
		case "me":
			a.Me = true
		case "none":
			a.None = true
		default:
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil || id <= 0 || !isDigits(p) {
				return AssigneeFilter{}, "must be me, none or team member ids, separated by commas"
			}
			a.IDs = append(a.IDs, id)
		}
	}
	return a, ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Validate checks what the filter's type does not bound: the search's words
// and length. It is the one place of these caps: the store checks every
// filter with it, whichever surface (API, web, command line) made it, and a
// search that breaks them is a 422 naming q.
func (f TaskFilter) Validate() error {
	var fe FieldErrors
	switch {
	case RuneLen(f.Query) > MaxSearchLen:
		fe.Add("q", "must be at most "+itoa(MaxSearchLen)+" characters")
	case len(strings.Fields(f.Query)) > MaxSearchWords:
		fe.Add("q", "must hold at most "+itoa(MaxSearchWords)+" words")
	}
	return fe.Err()
}

// TaskPage is one page of the inbox.
type TaskPage struct {
	Tasks      []*Task
	NextCursor *string // nil on the last page
}

// Window is the calendar around now in a time zone: where "today" starts and
// ends, and which calendar date it is.
type Window struct {
	Now           time.Time
	TodayStart    time.Time // midnight of today in the zone
	TomorrowStart time.Time // midnight of the next day (23, 24 or 25 hours later)
	TodayDate     time.Time // today's date at midnight UTC: how all-day tasks are stored
}

// NewWindow computes the window of now in loc.
func NewWindow(now time.Time, loc *time.Location) Window {
	if loc == nil {
		loc = time.UTC
	}
	l := now.In(loc)
	y, m, d := l.Date()
	return Window{
		Now:           now,
		TodayStart:    time.Date(y, m, d, 0, 0, 0, 0, loc),
		TomorrowStart: time.Date(y, m, d+1, 0, 0, 0, 0, loc),
		TodayDate:     time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
	}
}

// Classify says in which window of w a pending task's due date falls.
func (w Window) Classify(d *Due) string {
	switch {
	case d == nil:
		return DueNone
	case d.AllDay && d.At.Before(w.TodayDate), !d.AllDay && d.At.Before(w.Now):
		return DueOverdue
	case d.AllDay && d.At.Equal(w.TodayDate), !d.AllDay && d.At.Before(w.TomorrowStart):
		return DueToday
	}
	return DueUpcoming
}

// Summary counts the inbox's sections.
type Summary struct {
	Overdue   int `json:"overdue"`
	Today     int `json:"today"`
	Upcoming  int `json:"upcoming"`
	NoDueDate int `json:"no_due_date"`
	Completed int `json:"completed"`
	Snoozed   int `json:"snoozed"`
}

// TaskUpdate is a PATCH: only the fields set change. Description and due
// date distinguish "absent" (…Set false) from null (…Set true, value nil).
type TaskUpdate struct {
	Name           *string
	DescriptionSet bool
	Description    *string
	Priority       *Priority
	DueDateSet     bool
	DueDate        *string // raw; Validate parses it into Due
	Due            *Due
	Status         *Status
	// AssigneeSet says assignee_id was given: AssigneeID, or none when 0.
	AssigneeSet bool
	AssigneeID  int64
	// SnoozeSet: snoozed_until is present (null: unsnooze). Snooze is its
	// raw text, SnoozeField its name in the body ("until" for …/snooze);
	// Validate parses it into SnoozedUntil. Whether it is in the future
	// is the store's to check, by its clock.
	SnoozeSet    bool
	Snooze       *string
	SnoozeField  string
	SnoozedUntil *time.Time
	// SnoozeZone is where a snooze to a date means 09:00: the member's
	// zone (Actor.Location); nil: the zone Validate is given.
	SnoozeZone    *time.Location
	RecurrenceSet bool
	Recurrence    *Recurrence // nil with RecurrenceSet: no longer recurring
	RemindersSet  bool
	Reminders     []string
}

// Validate normalises and checks the fields present, like TaskCreate.
func (u *TaskUpdate) Validate(fe *FieldErrors, loc *time.Location, prefix string) {
	if u.Name != nil && !fe.Has(prefix+"name") {
		*u.Name = TrimText(*u.Name)
		checkName(fe, prefix+"name", *u.Name)
	}
	if u.Description != nil {
		checkDescription(fe, prefix+"description", *u.Description)
	}
	if u.Priority != nil && !u.Priority.Valid() {
		fe.Add(prefix+"priority", PriorityRule)
	}
	if u.DueDate != nil && !fe.Has(prefix+"due_date") {
		if d, msg := ParseDueInput(*u.DueDate, loc); msg != "" {
			fe.Add(prefix+"due_date", msg)
		} else {
			u.Due = &d
		}
	}
	if u.Status != nil && *u.Status != StatusPending && *u.Status != StatusCompleted {
		fe.Add(prefix+"status", "must be pending or completed")
	}
	if u.Snooze != nil && !fe.Has(prefix+u.snoozeField()) {
		zone := loc
		if u.SnoozeZone != nil {
			zone = u.SnoozeZone
		}
		if t, err := ParseSnoozeUntil(*u.Snooze, loc, zone); err != nil {
			fe.Add(prefix+u.snoozeField(), SnoozeUntilRule)
		} else {
			u.SnoozedUntil = &t
		}
	}
	if u.Recurrence != nil && !fe.Has(prefix+"recurrence") {
		u.Recurrence.Validate(fe, prefix+"recurrence")
	}
	if u.RemindersSet && !fe.Has(prefix+"reminders") {
		ValidateReminders(fe, prefix+"reminders", u.Reminders)
	}
}

// SnoozeFieldName names the snooze's time in the body.
func (u *TaskUpdate) SnoozeFieldName() string { return u.snoozeField() }

func (u *TaskUpdate) snoozeField() string {
	if u.SnoozeField == "" {
		return "snoozed_until"
	}
	return u.SnoozeField
}

// CheckSnooze records in fe a snooze that does not end after now.
func (u *TaskUpdate) CheckSnooze(fe *FieldErrors, now time.Time, prefix string) {
	if u.SnoozedUntil != nil && !u.SnoozedUntil.After(now) && !fe.Has(prefix+u.snoozeField()) {
		fe.Add(prefix+u.snoozeField(), SnoozeUntilRule)
	}
}

// Empty reports whether the update changes nothing.
func (u *TaskUpdate) Empty() bool {
	return u.Name == nil && !u.DescriptionSet && u.Priority == nil && !u.DueDateSet && u.Status == nil && !u.AssigneeSet &&
		!u.SnoozeSet && !u.RecurrenceSet && !u.RemindersSet
}

// TaskEvent is one entry of a task's audit trail.
type TaskEvent struct {
	ID      int64             `json:"id"`
	Type    string            `json:"type"` // created, updated, completed, reopened, deleted, assigned
	Actor   ActorRef          `json:"actor"`
	At      Timestamp         `json:"at"`
	Changes map[string]Change `json:"changes"`
}

// Audit event types.
const (
	EventCreated   = "created"
	EventUpdated   = "updated"
	EventCompleted = "completed"
	EventReopened  = "reopened"
	EventDeleted   = "deleted"
	// EventAssigned is a change of assignee, its own entry (and webhook
	// event) with changes {"assignee": {"old": member|null, "new": member|null}}.
	EventAssigned = "assigned"
)

// Change is a field's value before and after a change.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// ActorRef names who made a change, as the audit trail records it: how
// (type) and with what (id and name of the key, or of the member for
// "member"), and the member it was (null in entries written before members
// existed, and for the command line).
type ActorRef struct {
	Type   string     `json:"type"` // "api_key", "web" (signed in with a key), "member" (with a password), "cli" or "rule" (a SmartLead rule)
	ID     int64      `json:"id"`
	Name   string     `json:"name"`
	Member *MemberRef `json:"member"`
}

// Ref returns how the actor is recorded: a web user is named by the key
// they signed in with, or as the member when they signed in with a password.
func (a *Actor) Ref() ActorRef {
	switch {
	case a.RuleID != 0:
		return ActorRef{Type: "rule", ID: a.RuleID, Name: a.KeyName}
	case a.Local:
		return ActorRef{Type: "cli", Name: a.KeyName}
	case a.Web && a.KeyID == 0:
		return ActorRef{Type: "member", ID: a.MemberID, Name: a.MemberName, Member: a.Member()}
	case a.Web:
		return ActorRef{Type: "web", ID: a.KeyID, Name: a.KeyName, Member: a.Member()}
	}
	return ActorRef{Type: "api_key", ID: a.KeyID, Name: a.KeyName, Member: a.Member()}
}

// BulkUpdate sets the same fields on many tasks, all or none.
type BulkUpdate struct {
	IDs []int64
	Set TaskUpdate
}

// MaxBulk is the most tasks one bulk request may hold.
const MaxBulk = 1000

// InboxService reads the inbox of the actor's account: its queries (the
// changes are TaskService's).
type InboxService interface {
	ListTasks(ctx context.Context, f TaskFilter) (*TaskPage, error)
	Summarize(ctx context.Context, loc *time.Location, now time.Time) (*Summary, error)
	// SummarizeFor is Summarize of the tasks an assignee filter selects;
	// snoozed (a TaskFilter's Snoozed) says which tasks the sections count:
	// SnoozedExclude leaves snoozed tasks out, as Summarize does,
	// SnoozedOnly counts only them, SnoozedAll all. Snoozed counts the
	// snoozed tasks whatever the mode.
	SummarizeFor(ctx context.Context, loc *time.Location, now time.Time, a AssigneeFilter, snoozed string) (*Summary, error)
	ListTaskEvents(ctx context.Context, id int64) ([]*TaskEvent, error)
	ListLeadTasks(ctx context.Context, leadID int64) ([]*Task, error)
}

// TaskCounter counts the tasks a filter selects, whatever their number
// (Limit, Cursor and Sort are ignored): the web inbox's exact counts under
// filters.
type TaskCounter interface {
	CountTasks(ctx context.Context, f TaskFilter) (int, error)
	// CountSections counts the inbox's sections (Overdue, Today, Upcoming,
	// No due date, Completed) of the tasks f selects, its Status and Due
	// aside, at once; f.Snoozed as SummarizeFor's snoozed.
	CountSections(ctx context.Context, f TaskFilter) (*Summary, error)
}
