package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The client implements the domain's services over HTTP.
var (
	_ taskbox.TaskService     = (*Client)(nil)
	_ taskbox.InboxService    = (*Client)(nil)
	_ taskbox.CampaignService = (*Client)(nil)
	_ taskbox.LeadService     = (*Client)(nil)
	_ taskbox.WebhookService  = (*Client)(nil)
	_ taskbox.CalendarService = (*Client)(nil)
)

// taskBody is the wire form of a create-task body.
type taskBody struct {
	LeadMapID   int64               `json:"email_lead_map_id"`
	Name        string              `json:"name"`
	Description *string             `json:"description,omitempty"`
	Priority    taskbox.Priority    `json:"priority,omitempty"`
	DueDate     *string             `json:"due_date,omitempty"`
	AssigneeID  any                 `json:"assignee_id,omitempty"` // an id, or null; absent: the lead map's owner
	Recurrence  *taskbox.Recurrence `json:"recurrence,omitempty"`
	Reminders   []string            `json:"reminders,omitempty"`
}

func newTaskBody(c *taskbox.TaskCreate) taskBody {
	b := taskBody{LeadMapID: c.LeadMapID, Name: c.Name, Description: c.Description, Priority: c.Priority, DueDate: c.DueDate,
		Recurrence: recurrenceBody(c.Recurrence), Reminders: c.Reminders}
	if c.AssigneeSet {
		b.AssigneeID = assigneeValue(c.AssigneeID)
	}
	if b.DueDate == nil && c.Due != nil {
		s := c.Due.String()
		b.DueDate = &s
	}
	return b
}

// recurrenceBody is r as sent: an empty From means the server's default.
func recurrenceBody(r *taskbox.Recurrence) *taskbox.Recurrence {
	if r == nil || r.From != "" {
		return r
	}
	return &taskbox.Recurrence{Rule: r.Rule, From: taskbox.RecurFromDue}
}

// CreateTask is POST /api/v1/master-inbox/create-task. The due date is
// c.DueDate as written (a date-time without an offset is taken in the
// account's time zone by the server), else c.Due. When c.Idempotency names
// a key it is sent, else a random one; its Replayed is set from the answer.
func (cl *Client) CreateTask(ctx context.Context, c *taskbox.TaskCreate) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/master-inbox/create-task", body: newTaskBody(c),
		idem: idemKey(c.Idempotency), replayed: replayedOf(c.Idempotency)}, &out)
	return out.Data, err
}

func replayedOf(i *taskbox.Idempotency) *bool {
	if i == nil {
		return nil
	}
	return &i.Replayed
}

// FindTaskByID is GET /api/v1/master-inbox/tasks/{id}.
func (cl *Client) FindTaskByID(ctx context.Context, id int64) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/master-inbox/tasks/%d", id)}, &out)
	return out.Data, err
}

// ListTasks is one page of the inbox, GET /api/v1/master-inbox/tasks. The
// server's clock decides the due windows: f.Now is not sent.
func (cl *Client) ListTasks(ctx context.Context, f taskbox.TaskFilter) (*taskbox.TaskPage, error) {
	var out data[[]*taskbox.Task]
	if err := cl.do(ctx, call{method: "GET", path: "/api/v1/master-inbox/tasks", query: filterQuery(f)}, &out); err != nil {
		return nil, err
	}
	return &taskbox.TaskPage{Tasks: out.Data, NextCursor: out.NextCursor}, nil
}

// AllTasks iterates over every task f selects, page after page, from
// f.Cursor (usually empty) to the last page. An error ends the iteration
// after it is yielded.
func (cl *Client) AllTasks(ctx context.Context, f taskbox.TaskFilter) iter.Seq2[*taskbox.Task, error] {
	return func(yield func(*taskbox.Task, error) bool) {
		for {
			page, err := cl.ListTasks(ctx, f)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, t := range page.Tasks {
				if !yield(t, nil) {
					return
				}
			}
			if page.NextCursor == nil || *page.NextCursor == "" {
				return
			}
			f.Cursor = *page.NextCursor
		}
	}
}

// filterQuery writes f as the inbox's query parameters.
func filterQuery(f taskbox.TaskFilter) url.Values {
	q := url.Values{}
	set := func(name, v string) {
		if v != "" {
			q.Set(name, v)
		}
	}
	set("status", f.Status)
	ps := make([]string, len(f.Priorities))
	for i, p := range f.Priorities {
		ps[i] = string(p)
	}
	set("priority", strings.Join(ps, ","))
	set("due", f.Due)
	if f.DueBefore != nil {
		set("due_before", f.DueBefore.Format(time.RFC3339Nano))
	}
	if f.DueAfter != nil {
		set("due_after", f.DueAfter.Format(time.RFC3339Nano))
	}
	for name, id := range map[string]int64{"email_lead_map_id": f.LeadMapID, "lead_id": f.LeadID, "campaign_id": f.CampaignID,
		"lead_category_id": f.LeadCategoryID} {
		if id != 0 {
			set(name, strconv.FormatInt(id, 10))
		}
	}
	set("assignee", f.Assignee.String())
	set("q", f.Query)
	set("sort", f.Sort)
	if f.Limit != 0 {
		set("limit", strconv.Itoa(f.Limit))
	}
	set("cursor", f.Cursor)
	set("snoozed", f.Snoozed)
	set("tz", zoneName(f.Location))
	return q
}

// zoneName is the IANA name of loc, "" for none (the account's zone).
// time.Local has no name the server could load, so it is not sent.
func zoneName(loc *time.Location) string {
	if loc == nil || loc == time.Local || loc.String() == "Local" {
		return ""
	}
	return loc.String()
}

// Summarize is GET /api/v1/master-inbox/tasks/summary: the counts of the
// inbox's sections in loc (nil: the account's zone). The server's clock is
// "now"; the now argument is not sent.
func (cl *Client) Summarize(ctx context.Context, loc *time.Location, now time.Time) (*taskbox.Summary, error) {
	q := url.Values{}
	if tz := zoneName(loc); tz != "" {
		q.Set("tz", tz)
	}
	var out data[*taskbox.Summary]
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/master-inbox/tasks/summary", query: q}, &out)
	return out.Data, err
}

// SummarizeFor is Summarize of the tasks an assignee filter selects
// (…/summary?assignee=&snoozed=).
func (cl *Client) SummarizeFor(ctx context.Context, loc *time.Location, now time.Time, a taskbox.AssigneeFilter, snoozed string) (*taskbox.Summary, error) {
	q := url.Values{}
	if tz := zoneName(loc); tz != "" {
		q.Set("tz", tz)
	}
	if v := a.String(); v != "" {
		q.Set("assignee", v)
	}
	if snoozed != "" {
		q.Set("snoozed", snoozed)
	}
	var out data[*taskbox.Summary]
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/master-inbox/tasks/summary", query: q}, &out)
	return out.Data, err
}

// assigneeValue is an assignee_id as the wire carries it: null for none.
func assigneeValue(id int64) any {
	if id == 0 {
		return json.RawMessage("null")
	}
	return id
}

// updateBody writes a TaskUpdate as its PATCH body: only the fields set,
// null where description or due_date are cleared.
func updateBody(u *taskbox.TaskUpdate) map[string]any {
	b := map[string]any{}
	if u.Name != nil {
		b["name"] = *u.Name
	}
	if u.DescriptionSet {
		b["description"] = u.Description
	}
	if u.Priority != nil {
		b["priority"] = *u.Priority
	}
	if u.DueDateSet {
		switch {
		case u.DueDate != nil:
			b["due_date"] = *u.DueDate
		case u.Due != nil:
			b["due_date"] = u.Due.String()
		default:
			b["due_date"] = nil
		}
	}
	if u.Status != nil {
		b["status"] = *u.Status
	}
	if u.AssigneeSet {
		b["assignee_id"] = assigneeValue(u.AssigneeID)
	}
	if u.SnoozeSet {
		switch {
		case u.Snooze != nil:
			b["snoozed_until"] = *u.Snooze
		case u.SnoozedUntil != nil:
			b["snoozed_until"] = u.SnoozedUntil.UTC().Format(time.RFC3339Nano)
		default:
			b["snoozed_until"] = nil
		}
	}
	if u.RecurrenceSet {
		b["recurrence"] = recurrenceBody(u.Recurrence)
	}
	if u.RemindersSet {
		b["reminders"] = u.Reminders
		if u.Reminders == nil {
			b["reminders"] = []string{}
		}
	}
	return b
}

// UpdateTask is PATCH /api/v1/master-inbox/tasks/{id}.
func (cl *Client) UpdateTask(ctx context.Context, id int64, u *taskbox.TaskUpdate) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "PATCH", path: idPath("/api/v1/master-inbox/tasks/%d", id), body: updateBody(u), policy: unsafe}, &out)
	return out.Data, err
}

// CompleteTask is POST /api/v1/master-inbox/tasks/{id}/complete.
func (cl *Client) CompleteTask(ctx context.Context, id int64) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/master-inbox/tasks/%d/complete", id), policy: unsafe}, &out)
	return out.Data, err
}

// ReopenTask is POST /api/v1/master-inbox/tasks/{id}/reopen.
func (cl *Client) ReopenTask(ctx context.Context, id int64) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/master-inbox/tasks/%d/reopen", id), policy: unsafe}, &out)
	return out.Data, err
}

// SnoozeTask is POST /api/v1/master-inbox/tasks/{id}/snooze: until is a
// date-time, or a date (09:00 that day in the zone of the key's member,
// else the account's).
func (cl *Client) SnoozeTask(ctx context.Context, id int64, until string) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/master-inbox/tasks/%d/snooze", id),
		body: map[string]string{"until": until}, policy: unsafe}, &out)
	return out.Data, err
}

// UnsnoozeTask is POST /api/v1/master-inbox/tasks/{id}/unsnooze.
func (cl *Client) UnsnoozeTask(ctx context.Context, id int64) (*taskbox.Task, error) {
	var out data[*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/master-inbox/tasks/%d/unsnooze", id), policy: unsafe}, &out)
	return out.Data, err
}

// DeleteTask is DELETE /api/v1/master-inbox/tasks/{id}.
func (cl *Client) DeleteTask(ctx context.Context, id int64) error {
	return cl.do(ctx, call{method: "DELETE", path: idPath("/api/v1/master-inbox/tasks/%d", id), policy: unsafe}, nil)
}

// ListTaskEvents is GET /api/v1/master-inbox/tasks/{id}/events: the task's
// audit trail, oldest first.
func (cl *Client) ListTaskEvents(ctx context.Context, id int64) ([]*taskbox.TaskEvent, error) {
	var out data[[]*taskbox.TaskEvent]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/master-inbox/tasks/%d/events", id)}, &out)
	return out.Data, err
}

// BulkCreateTasks is POST /api/v1/master-inbox/tasks/bulk-create: all of cs
// or none. idem names the Idempotency-Key (nil: a random one).
func (cl *Client) BulkCreateTasks(ctx context.Context, cs []*taskbox.TaskCreate, idem *taskbox.Idempotency) ([]*taskbox.Task, error) {
	bodies := make([]taskBody, len(cs))
	for i, c := range cs {
		bodies[i] = newTaskBody(c)
	}
	var out data[[]*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/master-inbox/tasks/bulk-create",
		body: map[string]any{"tasks": bodies}, idem: idemKey(idem), replayed: replayedOf(idem)}, &out)
	return out.Data, err
}

// BulkUpdateTasks is POST /api/v1/master-inbox/tasks/bulk-update: the same
// status, priority, due date or snooze on every task of b.IDs, or on none.
func (cl *Client) BulkUpdateTasks(ctx context.Context, b *taskbox.BulkUpdate) ([]*taskbox.Task, error) {
	set := updateBody(&taskbox.TaskUpdate{Priority: b.Set.Priority, DueDateSet: b.Set.DueDateSet,
		DueDate: b.Set.DueDate, Due: b.Set.Due, Status: b.Set.Status, AssigneeSet: b.Set.AssigneeSet, AssigneeID: b.Set.AssigneeID,
		SnoozeSet: b.Set.SnoozeSet, Snooze: b.Set.Snooze, SnoozedUntil: b.Set.SnoozedUntil})
	ids := b.IDs
	if ids == nil {
		ids = []int64{}
	}
	var out data[[]*taskbox.Task]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/master-inbox/tasks/bulk-update",
		body: map[string]any{"ids": ids, "set": set}, policy: unsafe}, &out)
	return out.Data, err
}

// ListLeadTasks is SmartLead's GET /api/v1/crm/leads/tasks/{lead_id}.
func (cl *Client) ListLeadTasks(ctx context.Context, leadID int64) ([]*taskbox.Task, error) {
	var out data[[]*taskbox.Task]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/crm/leads/tasks/%d", leadID)}, &out)
	return out.Data, err
}
