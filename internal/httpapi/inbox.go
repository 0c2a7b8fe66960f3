package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleListTasks is the inbox: GET /api/v1/master-inbox/tasks. The answer
// is {"ok": true, "data": [tasks], "next_cursor": …}, null on the last page.
func (s *Server) handleListTasks(w http.ResponseWriter, r *http.Request) {
	f, err := parseTaskFilter(r.URL.Query(), taskbox.ActorFromContext(r.Context()).Account)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.Inbox.ListTasks(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeTasks(w, nil, page.Tasks, true, page.NextCursor)
}

// handleSummary counts the inbox's sections:
// GET …/tasks/summary?tz=&assignee=&snoozed=.
func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	loc, err := tzParam(q, taskbox.ActorFromContext(r.Context()).Account)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, msg := taskbox.ParseAssigneeFilter(q.Get("assignee"))
	if msg != "" {
		s.Error(w, r, badParam("assignee", msg))
		return
	}
	snoozed, err := snoozedParam(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sum, err := s.Inbox.SummarizeFor(r.Context(), loc, time.Time{}, a, snoozed)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, sum)
}

// badParam is the 400 for a malformed query parameter; it names the parameter.
func badParam(name, rule string) error {
	return taskbox.Errorf(taskbox.EBADREQUEST, "The %s query parameter %s.", name, rule)
}

// parseTaskFilter reads the inbox's query parameters. An empty parameter is
// taken as absent; a repeated one by its first value.
func parseTaskFilter(q url.Values, acct *taskbox.Account) (f taskbox.TaskFilter, err error) {
	if f.Location, err = tzParam(q, acct); err != nil {
		return f, err
	}
	switch f.Status = q.Get("status"); f.Status {
	case "", "pending", "completed", "all":
	default:
		return f, badParam("status", "must be pending, completed or all")
	}
	if v := q.Get("priority"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if pr := taskbox.Priority(strings.TrimSpace(p)); pr.Valid() {
				f.Priorities = append(f.Priorities, pr)
			} else {
				return f, badParam("priority", "must be a comma-separated list of LOW, MEDIUM, HIGH")
			}
		}
	}
	switch f.Due = q.Get("due"); f.Due {
	case "", taskbox.DueOverdue, taskbox.DueToday, taskbox.DueUpcoming, taskbox.DueNone:
	default:
		return f, badParam("due", "must be overdue, today, upcoming or none")
	}
	if f.DueBefore, err = timeParam(q, "due_before", f.Location); err != nil {
		return f, err
	}
	if f.DueAfter, err = timeParam(q, "due_after", f.Location); err != nil {
		return f, err
	}
	for name, dest := range map[string]*int64{"email_lead_map_id": &f.LeadMapID, "lead_id": &f.LeadID, "campaign_id": &f.CampaignID,
		"lead_category_id": &f.LeadCategoryID} {
		if v := q.Get(name); v != "" {
			if *dest, err = strconv.ParseInt(v, 10, 64); err != nil || *dest <= 0 {
				return f, badParam(name, "must be a positive integer")
			}
		}
	}
	var msg string
	if f.Assignee, msg = taskbox.ParseAssigneeFilter(q.Get("assignee")); msg != "" {
		return f, badParam("assignee", msg)
	}
	f.Query = q.Get("q")
	if f.Sort = q.Get("sort"); f.Sort != "" && !slices.Contains(taskbox.TaskSorts, f.Sort) {
		return f, badParam("sort", "must be one of "+strings.Join(taskbox.TaskSorts, ", "))
	}
	if f.Limit, err = intParam(q.Get("limit"), "limit", 20, 1, 100); err != nil {
		return f, badParam("limit", "must be an integer from 1 to 100")
	}
	if f.Snoozed, err = snoozedParam(q); err != nil {
		return f, err
	}
	f.Cursor = q.Get("cursor")
	return f, f.Validate()
}

// snoozedParam reads snoozed: true (only snoozed tasks), all, or false
// and absent (snoozed tasks left out), as a TaskFilter's Snoozed.
func snoozedParam(q url.Values) (string, error) {
	switch v := q.Get("snoozed"); v {
	case taskbox.SnoozedExclude, taskbox.SnoozedOnly, taskbox.SnoozedAll:
		return v, nil
	case "false":
		return taskbox.SnoozedExclude, nil
	}
	return "", badParam("snoozed", "must be true, false or all")
}

// tzParam reads tz, an IANA zone; absent means the account's zone.
func tzParam(q url.Values, acct *taskbox.Account) (*time.Location, error) {
	v := q.Get("tz")
	if v == "" {
		return acct.Location(), nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil || v == "Local" {
		return nil, badParam("tz", "must be an IANA time zone such as Europe/Berlin")
	}
	return loc, nil
}

// timeParam reads a due_before/due_after bound in any due_date form; a date
// means the start of that day in loc.
func timeParam(q url.Values, name string, loc *time.Location) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	d, err := taskbox.ParseDue(v, loc)
	if err != nil {
		return nil, badParam(name, taskbox.DueDateFormats)
	}
	t := d.At
	if d.AllDay {
		y, m, day := d.At.Date()
		t = time.Date(y, m, day, 0, 0, 0, 0, loc)
	}
	return &t, nil
}
