package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// sections of the pending inbox, in the order they show.
var sections = []sectionDef{
	{taskbox.DueOverdue, "Overdue", "Nothing is overdue."}, {taskbox.DueToday, "Today", "Nothing is due today."},
	{taskbox.DueUpcoming, "Upcoming", "Nothing is coming up."}, {taskbox.DueNone, "No due date", "Every open task has a due date."},
}

// completedSection is the Completed view's one list.
var completedSection = sectionDef{"completed", "Completed", "No task has been completed yet."}

type sectionDef struct{ Key, Title, Empty string }

// inboxData is the inbox page.
type inboxData struct {
	Notices   []*taskbox.Notice
	Completed bool
	Snoozed   bool
	Filter    filter
	Campaigns []*taskbox.Campaign
	// Categories are the lead categories, for the filter.
	Categories []*taskbox.Category
	Sections   []sectionView
	Summary    *taskbox.Summary
	Empty      bool // the account has no task at all
	Add        taskForm
	Return     string // this page's URL, where forms come back to
	Origin     string // for the curl example
	Zone       string
}

// sectionView is one section: its tasks of this page and the next page's link.
type sectionView struct {
	sectionDef
	Count string
	Rows  []rowView
	More  string
	Paged bool // this view is a later page of the section
}

// rowView is a task as a row shows it.
type rowView struct {
	*taskbox.Task
	DueISO  string
	DueText string
	Overdue bool
	// SnoozedText is when the task's snooze ends, in the visitor's zone;
	// MinSnooze the earliest time the row's picker offers.
	SnoozedText, SnoozedISO, MinSnooze string
}

// filter is the inbox's filters as the query string gives them.
type filter struct {
	Q          string
	Priorities map[string]bool
	CampaignID int64
	CategoryID int64 // the lead map's category (lead_category_id)
	Section    string
	Cursor     string
	Completed  bool
	Snoozed    bool // the Snoozed view
}

func readFilter(q url.Values) filter {
	f := filter{Q: strings.TrimSpace(q.Get("q")), Priorities: map[string]bool{}, Cursor: q.Get("cursor"),
		Completed: q.Get("view") == "completed", Snoozed: q.Get("view") == "snoozed"}
	for _, p := range q["priority"] {
		if pr := taskbox.Priority(p); pr.Valid() {
			f.Priorities[p] = true
		}
	}
	f.CampaignID, _ = strconv.ParseInt(q.Get("campaign"), 10, 64)
	f.CategoryID, _ = strconv.ParseInt(q.Get("category"), 10, 64)
	for _, s := range sections {
		if q.Get("section") == s.Key {
			f.Section = s.Key
		}
	}
	return f
}

// Active reports whether any filter narrows the inbox.
func (f filter) Active() bool {
	return f.Q != "" || len(f.Priorities) > 0 || f.CampaignID != 0 || f.CategoryID > 0
}

// query is the filter as a query string, without section and cursor.
func (f filter) query() url.Values {
	q := url.Values{}
	if f.Completed {
		q.Set("view", "completed")
	}
	if f.Snoozed {
		q.Set("view", "snoozed")
	}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	for _, p := range []taskbox.Priority{taskbox.PriorityHigh, taskbox.PriorityMedium, taskbox.PriorityLow} {
		if f.Priorities[string(p)] {
			q.Add("priority", string(p))
		}
	}
	if f.CampaignID != 0 {
		q.Set("campaign", strconv.FormatInt(f.CampaignID, 10))
	}
	if f.CategoryID > 0 {
		q.Set("category", strconv.FormatInt(f.CategoryID, 10))
	}
	return q
}

func (f filter) taskFilter(v *visit, due string, limit int) taskbox.TaskFilter {
	tf := taskbox.TaskFilter{Status: string(taskbox.StatusPending), Due: due, CampaignID: f.CampaignID, Query: f.Q,
		Limit: limit, Location: v.Zone, Now: v.Now}
	if f.CategoryID > 0 {
		tf.LeadCategoryID = f.CategoryID
	}
	if f.Completed {
		tf.Status, tf.Due, tf.Sort = string(taskbox.StatusCompleted), "", "-created_at"
	}
	if f.Snoozed {
		tf.Due, tf.Snoozed = "", taskbox.SnoozedOnly
	}
	for p := range f.Priorities {
		tf.Priorities = append(tf.Priorities, taskbox.Priority(p))
	}
	return tf
}

// handleInbox is "/": the inbox for a signed-in person, else sign-in.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	v, err := s.authenticate(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	} else if v == nil {
		s.renderSignIn(w, r, http.StatusOK, signInData{Return: "/", Draft: readDraft(r.URL.Query())})
		return
	}
	add := taskForm{Prefix: "add", Values: readDraft(r.URL.Query())}
	if len(add.Values) > 0 {
		add.Open, add.Message = true, "Your session had expired. Here is what you typed: check it and add the task again."
	}
	s.renderInbox(w, r, v, http.StatusOK, r.URL.Query(), add)
}

// renderInbox renders the inbox for the query q, with the add form as given.
func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, v *visit, status int, q url.Values, add taskForm) {
	f := readFilter(q)
	add.Prefix = "add"
	d := inboxData{Completed: f.Completed, Snoozed: f.Snoozed, Filter: f, Add: add, Zone: v.Zone.String(), Origin: origin(r)}
	d.Return = "/"
	if enc := stripDraft(q).Encode(); enc != "" {
		d.Return = "/?" + enc
	}
	var err error
	if d.Campaigns, err = s.Campaigns.ListCampaigns(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.Notices != nil {
		if d.Notices, err = s.Notices.ListNotices(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Categories, err = s.Categories.ListCategories(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Summary, err = s.Inbox.Summarize(r.Context(), v.Zone, v.Now); err != nil {
		s.fail(w, r, err)
		return
	}
	sm := d.Summary
	d.Empty = sm.Overdue+sm.Today+sm.Upcoming+sm.NoDueDate+sm.Completed+sm.Snoozed == 0
	if d.Empty {
		d.Add.Open = true
	}
	list := sections
	if f.Completed {
		list = []sectionDef{completedSection}
	} else if f.Snoozed {
		list = []sectionDef{snoozedSection}
	} else if f.Section != "" {
		for _, sec := range sections {
			if sec.Key == f.Section {
				list = []sectionDef{sec}
			}
		}
	}
	window := taskbox.NewWindow(v.Now, v.Zone)
	for _, sec := range list {
		tf := f.taskFilter(v, sec.Key, s.PageSize)
		if f.Section == sec.Key || f.Completed || f.Snoozed {
			tf.Cursor = f.Cursor
		}
		page, err := s.Inbox.ListTasks(r.Context(), tf)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sv := sectionView{sectionDef: sec, Paged: tf.Cursor != ""}
		for _, t := range page.Tasks {
			sv.Rows = append(sv.Rows, newRow(t, window))
		}
		if page.NextCursor != nil {
			mq := f.query()
			if !f.Completed && !f.Snoozed {
				mq.Set("section", sec.Key)
			}
			mq.Set("cursor", *page.NextCursor)
			sv.More = "/?" + mq.Encode()
		}
		sv.Count = sectionCount(sm, sec.Key, f, len(sv.Rows), sv.More != "")
		d.Sections = append(d.Sections, sv)
	}
	title := "Inbox"
	if f.Completed {
		title = "Completed"
	} else if f.Snoozed {
		title = "Snoozed"
	}
	s.render(w, status, "inbox", layoutData{Title: title, CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: d.Return})
}

// sectionCount is the section's count from the summary; with a filter on,
// it is the number shown, "+" when there are more pages.
func sectionCount(sm *taskbox.Summary, key string, f filter, shown int, more bool) string {
	if f.Active() {
		if more {
			return strconv.Itoa(shown) + "+"
		}
		return strconv.Itoa(shown)
	}
	n := map[string]int{taskbox.DueOverdue: sm.Overdue, taskbox.DueToday: sm.Today, taskbox.DueUpcoming: sm.Upcoming,
		taskbox.DueNone: sm.NoDueDate, "completed": sm.Completed, "snoozed": sm.Snoozed}[key]
	return strconv.Itoa(n)
}

func newRow(t *taskbox.Task, w taskbox.Window) rowView {
	row := rowView{Task: t, DueText: dueLabel(t.Due, t.Status, w), MinSnooze: w.Now.In(w.TodayStart.Location()).Format("2006-01-02T15:04")}
	if t.SnoozedUntil != nil {
		row.SnoozedISO = t.SnoozedUntil.String()
		row.SnoozedText = "Snoozed until " + t.SnoozedUntil.In(w.TodayStart.Location()).Format("Mon 2 Jan 15:04")
	}
	if t.Due != nil {
		row.DueISO = t.Due.String()
		row.Overdue = t.Status == taskbox.StatusPending && w.Classify(t.Due) == taskbox.DueOverdue
	}
	return row
}

// stripDraft drops the draft_ parameters from a page's query.
func stripDraft(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if !strings.HasPrefix(k, "draft_") {
			out[k] = vs
		}
	}
	return out
}

// origin is the scheme and host the page was asked for, for the curl example.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
