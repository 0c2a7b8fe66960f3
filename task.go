package taskbox

import (
	"context"
	"time"
)

// Priority of a task. The wire values are exactly these words.
type Priority string

const (
	PriorityLow    Priority = "LOW"
	PriorityMedium Priority = "MEDIUM"
	PriorityHigh   Priority = "HIGH"
)

// Valid reports whether p is one of the three priorities.
func (p Priority) Valid() bool {
	return p == PriorityLow || p == PriorityMedium || p == PriorityHigh
}

// Rank orders priorities: LOW 1, MEDIUM 2, HIGH 3.
func (p Priority) Rank() int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityHigh:
		return 3
	}
	return 2
}

// PriorityFromRank is the inverse of Rank.
func PriorityFromRank(r int) Priority {
	switch r {
	case 1:
		return PriorityLow
	case 3:
		return PriorityHigh
	}
	return PriorityMedium
}

// PriorityRule is the sentence a 422 on priority carries.
const PriorityRule = "must be one of LOW, MEDIUM, HIGH"

// Status of a task.
type Status string

const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
)

// Limits of a task's text fields, in characters.
const (
	MaxTaskNameLen        = 255
	MaxTaskDescriptionLen = 10000
)

// Task is a follow-up for one lead in one campaign (a lead map). The first
// seven JSON fields are those of SmartLead's create-task answer, in its order.
type Task struct {
	ID          int64         `json:"id"`
	LeadMapID   int64         `json:"email_lead_map_id"`
	Name        string        `json:"name"`
	Description *string       `json:"description"`
	Priority    Priority      `json:"priority"`
	Due         *Due          `json:"due_date"`
	CreatedAt   Timestamp     `json:"created_at"`
	Status      Status        `json:"status"`
	UpdatedAt   Timestamp     `json:"updated_at"`
	CompletedAt *Timestamp    `json:"completed_at"`
	CampaignID  int64         `json:"campaign_id"`
	LeadID      int64         `json:"lead_id"`
	CompletedBy *ActorRef     `json:"completed_by"`
	Lead        *TaskLead     `json:"lead"`
	Campaign    *TaskCampaign `json:"campaign"`
	Assignee    *MemberRef    `json:"assignee"`
	// LeadCategory is the category of the task's lead map, nil for none.
	LeadCategory *LeadCategory `json:"lead_category"`
	// SnoozedUntil hides the task from the inbox until then (see snooze.go).
	SnoozedUntil *Timestamp `json:"snoozed_until"`
	// Recurrence makes completing the task create its next occurrence.
	Recurrence *Recurrence `json:"recurrence"`
	// Reminders are ISO 8601 durations before the due time (see reminder.go).
	Reminders []string `json:"reminders"`
}

// TaskLead is the lead a task is for, as the inbox shows it.
type TaskLead struct {
	ID          int64   `json:"id"`
	Email       string  `json:"email"`
	FirstName   *string `json:"first_name"`
	LastName    *string `json:"last_name"`
	CompanyName *string `json:"company_name"`
}

// TaskCampaign is the campaign a task's lead map is in.
type TaskCampaign struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TaskCreate is the body of create-task after decoding. DueDate holds the raw
// due_date; Validate parses it into Due.
type TaskCreate struct {
	LeadMapID   int64
	Name        string
	Description *string
	Priority    Priority // "" means MEDIUM
	DueDate     *string
	Due         *Due
	Recurrence  *Recurrence
	Reminders   []string // nil: none
	// AssigneeSet says assignee_id was given: AssigneeID, or none when 0
	// (null). Without it the task takes its lead map's owner.
	AssigneeSet bool
	AssigneeID  int64
	Idempotency *Idempotency
}

// Validate normalises the fields (trims the name, defaults the priority,
// parses the due date in loc) and records every rule the body breaks in fe.
// Fields that already have an error in fe (a type error from decoding) are
// not checked again. prefix names the fields of one entry of a bulk body.
func (c *TaskCreate) Validate(fe *FieldErrors, loc *time.Location, prefix string) {
	if !fe.Has(prefix+"email_lead_map_id") && c.LeadMapID <= 0 {
		fe.Add(prefix+"email_lead_map_id", "must be an integer greater than 0")
	}
	if !fe.Has(prefix + "name") {
		c.Name = TrimText(c.Name)
		checkName(fe, prefix+"name", c.Name)
	}
	if c.Description != nil {
		checkDescription(fe, prefix+"description", *c.Description)
	}
	if c.Priority == "" {
		c.Priority = PriorityMedium
	} else if !c.Priority.Valid() {
		fe.Add(prefix+"priority", PriorityRule)
	}
	if c.DueDate != nil && !fe.Has(prefix+"due_date") {
		if d, msg := ParseDueInput(*c.DueDate, loc); msg != "" {
			fe.Add(prefix+"due_date", msg)
		} else {
			c.Due = &d
		}
	}
	if c.Recurrence != nil && !fe.Has(prefix+"recurrence") {
		c.Recurrence.Validate(fe, prefix+"recurrence")
	}
	if !fe.Has(prefix + "reminders") {
		ValidateReminders(fe, prefix+"reminders", c.Reminders)
	}
}

func checkDescription(fe *FieldErrors, field, s string) {
	if RuneLen(s) > MaxTaskDescriptionLen {
		fe.Add(field, "must be at most 10000 characters")
	} else if hasNUL(s) {
		fe.Add(field, "must not contain NUL characters")
	}
}

// TaskService changes the tasks of the actor's account, one or many at a
// time, and finds one by its id (the inbox's queries are InboxService's).
type TaskService interface {
	CreateTask(ctx context.Context, c *TaskCreate) (*Task, error)
	FindTaskByID(ctx context.Context, id int64) (*Task, error)
	UpdateTask(ctx context.Context, id int64, u *TaskUpdate) (*Task, error)
	DeleteTask(ctx context.Context, id int64) error
	BulkCreateTasks(ctx context.Context, cs []*TaskCreate, idem *Idempotency) ([]*Task, error)
	BulkUpdateTasks(ctx context.Context, b *BulkUpdate) ([]*Task, error)
}

// TaskBulkDeleter deletes many tasks of the actor's account, all or none.
// It is apart from TaskService because the API has no bulk delete, so the
// Go client cannot offer it.
type TaskBulkDeleter interface {
	DeleteTasks(ctx context.Context, ids []int64) error
}
