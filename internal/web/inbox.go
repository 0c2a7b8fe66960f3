package web

import (
	"context"
	"errors"
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

// completedSection is the Completed view's one list, what was done last on top.
var completedSection = sectionDef{"completed", "Completed", "No task has been completed yet."}

// maxShown bounds the rows one section shows after "Show more": forty
// clicks of 25. Past it, search or filter.
const maxShown = 1000

type sectionDef struct{ Key, Title, Empty string }

// inboxData is the inbox page.
type inboxData struct {
	Completed      bool
	Snoozed        bool // the Snoozed view
	Filter         filter
	Campaigns      []*taskbox.Campaign
	Members        []*taskbox.Member   // for the assignee filter
	Views          []viewLink          // My tasks, the team's
	Categories     []*taskbox.Category // the lead categories, for the filter
	Sections       []sectionView
	CompletedCount int  // in the Views bar: under the filters when some are on
	SnoozedCount   int  // in the Views bar, likewise
	Empty          bool // the account has no task at all (of this assignee)
	NoMatch        bool // filters are on and nothing matches
	AllDone        bool // no open task, but some completed
	Add            taskForm
	Return         string // this page's URL, where forms come back to
	ViewOpen       string // the Open, Completed and Snoozed views with these filters
	ViewDone       string
	ViewSnoozed    string
	ViewFocus      string // focus mode under these filters
	ClearFilters   string
	Origin         string // for the curl example
	Zone           string
}

// sectionView is one section: its rows and the link that shows more.
type sectionView struct {
	sectionDef
	Count int
	Rows  []rowView
	More  string
}

// rowView is a task as a row shows it.
type rowView struct {
	*taskbox.Task
	DueISO     string
	DueText    string
	Overdue    bool
	Done       bool
	Form       string // the form the row's controls post with
	Selectable bool   // the row has a checkbox for bulk actions
	Selected   bool
	Next       int64 // the row to focus when this one leaves the list
	// SnoozedText is when the task's snooze ends, in the visitor's zone;
	// MinSnooze the earliest time the row's picker offers.
	SnoozedText, SnoozedISO, MinSnooze string
	// CSRF and Return, when set, give the row its own snooze and
	// unsnooze forms.
	CSRF, Return string
	Reply        *replySnippet // the lead map's latest SmartLead reply, if any
}

// filter is the inbox's state as the query string gives it: the filters,
// and how the page looks (rows shown per section, ticked rows), so that a
// change made without JavaScript comes back to the page as it was.
type filter struct {
	Q          string
	Priorities map[string]bool
	CampaignID int64
	CategoryID int64 // the lead map's category (lead_category_id)
	Completed  bool
	// Assignee is whose tasks: "me", "none" (unassigned), "all" (the
	// team's) or a member's id. A member signed in with its password
	// starts on "me" (My tasks); a session of an API key on "all". It is
	// a view more than a filter: Active leaves it out, Clear filters keeps it.
	Assignee string
	// def is the actor's default Assignee, which the page's URL leaves out.
	def      string
	Snoozed  bool           // the Snoozed view
	Shown    map[string]int // section key → rows shown, when more than a page
	Selected map[int64]bool // ticked rows
}

// viewLink is one of the inbox's assignee views.
type viewLink struct {
	Label, Href string
	Current     bool
}

// defaultAssignee is whose tasks the inbox shows unless told: a member
// signed in as a person sees its own, a key's session the team's, as it
// always has.
func defaultAssignee(a *taskbox.Actor) string {
	if a.KeyID == 0 && a.MemberID != 0 {
		return "me"
	}
	return "all"
}

func readFilter(q url.Values, actor *taskbox.Actor) filter {
	f := filter{Q: strings.TrimSpace(q.Get("q")), Priorities: map[string]bool{}, Completed: q.Get("view") == "completed",
		Snoozed: q.Get("view") == "snoozed", Assignee: defaultAssignee(actor), def: defaultAssignee(actor),
		Shown: map[string]int{}, Selected: map[int64]bool{}}
	switch a := q.Get("assignee"); a {
	case "me", "none", "all":
		f.Assignee = a
	default:
		if id, err := strconv.ParseInt(a, 10, 64); err == nil && id > 0 {
			f.Assignee = a
		}
	}
	for _, p := range q["priority"] {
		if pr := taskbox.Priority(p); pr.Valid() {
			f.Priorities[p] = true
		}
	}
	f.CampaignID, _ = strconv.ParseInt(q.Get("campaign"), 10, 64)
	f.CategoryID, _ = strconv.ParseInt(q.Get("category"), 10, 64)
	for _, sec := range append(sections[:len(sections):len(sections)], completedSection, snoozedSection) {
		if n, err := strconv.Atoi(q.Get("show_" + sec.Key)); err == nil && n > 0 {
			f.Shown[sec.Key] = min(n, maxShown)
		}
	}
	for _, raw := range q["sel"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			f.Selected[id] = true
		}
	}
	return f
}

// Active reports whether any filter narrows the inbox.
func (f filter) Active() bool {
	return f.Q != "" || len(f.Priorities) > 0 || f.CampaignID != 0 || f.CategoryID > 0
}

// More counts the filters behind the Filters control (search aside).
func (f filter) More() int {
	n := len(f.Priorities)
	if f.CampaignID != 0 {
		n++
	}
	if f.CategoryID > 0 {
		n++
	}
	return n
}

// view is the view the filter shows: "", "completed" or "snoozed".
func (f filter) view() string {
	switch {
	case f.Completed:
		return completedSection.Key
	case f.Snoozed:
		return snoozedSection.Key
	}
	return ""
}

// query is the filters as a query string, in the view asked for ("" is
// the Open view).
func (f filter) query(view string) url.Values {
	q := url.Values{}
	if view != "" {
		q.Set("view", view)
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
	if f.Assignee != "" && f.Assignee != f.def {
		q.Set("assignee", f.Assignee)
	}
	if f.CategoryID > 0 {
		q.Set("category", strconv.FormatInt(f.CategoryID, 10))
	}
	return q
}

// assigneeFilter is the filter's assignee as the inbox service takes it.
func (f filter) assigneeFilter() taskbox.AssigneeFilter {
	if f.Assignee == "all" || f.Assignee == "" {
		return taskbox.AssigneeFilter{}
	}
	a, _ := taskbox.ParseAssigneeFilter(f.Assignee)
	return a
}

// state is the page's URL: the filters and the rows shown per section
// (ticked rows are added by the post that comes back, see withSelection).
func (f filter) state() url.Values {
	q := f.query(f.view())
	for _, sec := range append(sections[:len(sections):len(sections)], completedSection, snoozedSection) {
		if n := f.Shown[sec.Key]; n > 0 {
			q.Set("show_"+sec.Key, strconv.Itoa(n))
		}
	}
	return q
}

func pageURL(q url.Values) string {
	if enc := q.Encode(); enc != "" {
		return "/?" + enc
	}
	return "/"
}

func (f filter) taskFilter(v *visit, due string) taskbox.TaskFilter {
	tf := taskbox.TaskFilter{Status: string(taskbox.StatusPending), Due: due, CampaignID: f.CampaignID, Query: f.Q,
		Location: v.Zone, Now: v.Now, Assignee: f.assigneeFilter()}
	if f.CategoryID > 0 {
		tf.LeadCategoryID = f.CategoryID
	}
	if due == completedSection.Key {
		tf.Status, tf.Due, tf.Sort = string(taskbox.StatusCompleted), "", "-completed_at"
	}
	if due == snoozedSection.Key {
		tf.Due, tf.Snoozed = "", taskbox.SnoozedOnly
	}
	for _, p := range []taskbox.Priority{taskbox.PriorityHigh, taskbox.PriorityMedium, taskbox.PriorityLow} {
		if f.Priorities[string(p)] {
			tf.Priorities = append(tf.Priorities, p)
		}
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
		s.renderSignIn(w, r, http.StatusOK, signInData{Return: "/"})
		return
	}
	add := taskForm{Prefix: "add", Values: s.takeDraft(w, r)}
	if len(add.Values) > 0 {
		add.Open, add.Message = true, "Your session had expired. Here is what you typed: check it and add the task again."
	}
	s.renderInbox(w, r, v, http.StatusOK, r.URL.Query(), add)
}

// renderInbox renders the inbox for the query q, with the add form as given.
func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, v *visit, status int, q url.Values, add taskForm) {
	f := readFilter(q, v.Actor)
	if err := f.taskFilter(v, "").Validate(); err != nil {
		s.renderError(w, r, http.StatusUnprocessableEntity, searchRefusal(err))
		return
	}
	add.Prefix = "add"
	d := inboxData{Completed: f.Completed, Snoozed: f.Snoozed, Filter: f, Add: add, Zone: v.Zone.String(), Origin: origin(r),
		Return: pageURL(f.state()), ViewOpen: pageURL(f.query("")), ViewDone: pageURL(f.query(completedSection.Key)),
		ViewSnoozed:  pageURL(f.query(snoozedSection.Key)),
		ViewFocus:    "/focus" + strings.TrimPrefix(pageURL(f.query("")), "/"),
		ClearFilters: pageURL(filter{Assignee: f.Assignee, def: f.def}.query(f.view()))}
	ctx := r.Context()
	var err error
	if d.Campaigns, err = s.Campaigns.ListCampaigns(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Members, err = s.Members.ListMembers(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Categories, err = s.Categories.ListCategories(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	// the sections' counts are of the chosen assignee's tasks
	sm, err := s.Inbox.SummarizeFor(ctx, v.Zone, v.Now, f.assigneeFilter(), taskbox.SnoozedExclude)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Views = views(f)
	d.Empty = sm.Overdue+sm.Today+sm.Upcoming+sm.NoDueDate+sm.Completed+sm.Snoozed == 0
	if d.Empty {
		d.Add.Open = true
	}
	// under filters the counts are exact: every section's at once
	counts := sm
	if f.Active() {
		if counts, err = s.Counter.CountSections(ctx, f.taskFilter(v, "")); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d.CompletedCount = count(counts, completedSection.Key)
	d.SnoozedCount = count(counts, snoozedSection.Key)
	list := sections
	if f.Completed {
		list = []sectionDef{completedSection}
	} else if f.Snoozed {
		list = []sectionDef{snoozedSection}
	}
	window := taskbox.NewWindow(v.Now, v.Zone)
	total := 0
	for _, sec := range list {
		sv, err := s.section(ctx, f, v, sec, counts, window)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		total += sv.Count
		d.Sections = append(d.Sections, sv)
	}
	if err := s.addReplySnippets(ctx, d.Sections); err != nil {
		s.fail(w, r, err)
		return
	}
	d.NoMatch = f.Active() && total == 0
	d.AllDone = !f.Active() && !f.Completed && !f.Snoozed && total == 0 && sm.Completed > 0
	title := "Open tasks"
	if f.Completed {
		title = "Completed tasks"
	} else if f.Snoozed {
		title = "Snoozed tasks"
	}
	s.render(w, status, "inbox", layoutData{Title: title, CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: d.Return, Notices: s.notices(r)})
}

// views are the links of the inbox's assignee views, the member's own
// tasks and the team's, each with the page's other filters and its
// Open/Completed/Snoozed view.
func views(f filter) []viewLink {
	link := func(label, assignee string) viewLink {
		q := f.query(f.view())
		q.Set("assignee", assignee) // even the default: the link says which it is
		return viewLink{Label: label, Href: pageURL(q), Current: f.Assignee == assignee}
	}
	return []viewLink{link("My tasks", "me"), link("Team", "all")}
}

// searchRefusal says why a search was refused, in the page's words.
func searchRefusal(err error) string {
	var e *taskbox.Error
	if errors.As(err, &e) && len(e.Details) == 1 && e.Details[0].Field == "q" {
		return "The search is too long: it " + e.Details[0].Message + ". Shorten it and search again."
	}
	return taskbox.ErrorMessage(err)
}

// section reads one section: its count, its rows (as many as shown) and
// the link that shows a page more.
func (s *Server) section(ctx context.Context, f filter, v *visit, sec sectionDef, counts *taskbox.Summary, window taskbox.Window) (sectionView, error) {
	sv := sectionView{sectionDef: sec}
	if f.Active() {
		sv.Empty = "No task here matches the filters."
	}
	sv.Count = count(counts, sec.Key)
	shown := max(f.Shown[sec.Key], s.PageSize)
	tasks, err := s.listTasks(ctx, f.taskFilter(v, sec.Key), shown+1)
	if err != nil {
		return sv, err
	}
	if len(tasks) > shown {
		mq := f.state()
		mq.Set("show_"+sec.Key, strconv.Itoa(min(shown+s.PageSize, maxShown)))
		sv.More = pageURL(mq) + "#task-" + strconv.FormatInt(tasks[shown].ID, 10)
		tasks = tasks[:shown]
	}
	for _, t := range tasks {
		row := newRow(t, window)
		row.Form, row.Selectable, row.Selected = "bulk", !f.Completed, f.Selected[t.ID]
		row.CSRF, row.Return = v.CSRF, pageURL(f.state())
		sv.Rows = append(sv.Rows, row)
	}
	linkNeighbours(sv.Rows)
	return sv, nil
}

// count is a section's number of tasks in a summary: the inbox's, or the
// exact counts under the filters (CountSections).
func count(sm *taskbox.Summary, key string) int {
	return map[string]int{taskbox.DueOverdue: sm.Overdue, taskbox.DueToday: sm.Today, taskbox.DueUpcoming: sm.Upcoming,
		taskbox.DueNone: sm.NoDueDate, completedSection.Key: sm.Completed, snoozedSection.Key: sm.Snoozed}[key]
}

// listTasks reads up to n tasks of a filter, a page of at most 100 at a time.
func (s *Server) listTasks(ctx context.Context, tf taskbox.TaskFilter, n int) ([]*taskbox.Task, error) {
	var out []*taskbox.Task
	for len(out) < n {
		tf.Limit = min(100, n-len(out))
		page, err := s.Inbox.ListTasks(ctx, tf)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Tasks...)
		if page.NextCursor == nil {
			break
		}
		tf.Cursor = *page.NextCursor
	}
	return out, nil
}

// linkNeighbours tells each row which row takes the focus when it leaves.
func linkNeighbours(rows []rowView) {
	for i := range rows {
		if i+1 < len(rows) {
			rows[i].Next = rows[i+1].ID
		} else if i > 0 {
			rows[i].Next = rows[i-1].ID
		}
	}
}

func newRow(t *taskbox.Task, w taskbox.Window) rowView {
	row := rowView{Task: t, DueText: dueLabel(t.Due, t.Status, w), Done: t.Status == taskbox.StatusCompleted,
		MinSnooze: w.Now.In(w.TodayStart.Location()).Format("2006-01-02T15:04")}
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

// origin is the scheme and host the page was asked for, for the curl example.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
