package store

import (
	"context"
	"math"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

var (
	_ taskbox.InboxService    = (*DB)(nil)
	_ taskbox.TaskCounter     = (*DB)(nil)
	_ taskbox.TaskBulkDeleter = (*DB)(nil)
)

// sortColumns maps a sort (without its "-") to the column it seeks on.
var sortColumns = map[string]string{"due_date": "t.due_sort", "priority": "t.priority", "created_at": "t.created_at",
	"completed_at": "COALESCE(t.completed_at, 0)"}

// ListTasks returns one page of the actor's inbox. Pages are keyset pages:
// each seeks past the (sort key, id) of the previous page's last task, so
// page 1,000 costs what page 1 costs.
func (db *DB) ListTasks(ctx context.Context, f taskbox.TaskFilter) (*taskbox.TaskPage, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Location == nil {
		f.Location = actor.Account.Location()
	}
	if f.Now.IsZero() {
		f.Now = db.Now().Time
	}
	if f.Sort == "" {
		f.Sort = "due_date"
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	desc := strings.HasPrefix(f.Sort, "-")
	column, ok := sortColumns[strings.TrimPrefix(f.Sort, "-")]
	if !ok {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The sort query parameter must be one of %s.", strings.Join(taskbox.TaskSorts, ", "))
	}
	f.Assignee = f.Assignee.Resolve(actor)
	plan, err := db.planSearch(ctx, f.Query)
	if err != nil {
		return nil, err
	}
	plan.walk = true
	where, args := taskConditions(db.dialect, actor.AccountID(), f, plan)
	if f.Cursor != "" {
		c, err := db.decodeCursor(f.Cursor, actor.AccountID(), f.Sort)
		if err != nil {
			return nil, err
		}
		op := ">"
		if desc {
			op = "<"
		}
		// A row-value comparison, which both databases seek to in the index.
		where = append(where, "("+column+", t.id) "+op+" (?, ?)")
		args = append(args, c.Key, c.ID)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	query := taskSelect + " WHERE " + strings.Join(where, " AND ") +
		" ORDER BY " + column + " " + dir + ", t.id " + dir + " LIMIT ?"
	args = append(args, f.Limit+1)
	page := &taskbox.TaskPage{}
	in := db.inGeneric
	if strings.TrimSpace(f.Query) != "" {
		in = db.inStatement // its words' selectivity decides its plan
	}
	err = in(ctx, func(tx *Tx) error {
		page.Tasks, err = queryTasks(ctx, tx, query, args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(page.Tasks) > f.Limit {
		page.Tasks = page.Tasks[:f.Limit]
		last := page.Tasks[f.Limit-1]
		next := db.encodeCursor(cursor{Account: actor.AccountID(), Sort: f.Sort, Key: sortKey(last, f.Sort), ID: last.ID})
		page.NextCursor = &next
	}
	return page, nil
}

// sortKey is the stored sort key of a task.
func sortKey(t *taskbox.Task, sort string) int64 {
	switch strings.TrimPrefix(sort, "-") {
	case "priority":
		return int64(t.Priority.Rank())
	case "created_at":
		return t.CreatedAt.Micros()
	case "completed_at":
		if t.CompletedAt == nil {
			return 0
		}
		return t.CompletedAt.Micros()
	}
	_, due, _ := dueColumns(t.Due)
	return due
}

// taskConditions turns a filter into WHERE conditions and their arguments.
// plan says how to search the words of f.Query (dialect.planSearch).
func taskConditions(d dialect, accountID int64, f taskbox.TaskFilter, plan searchPlan) ([]string, []any) {
	where := []string{"t.account_id = ?"}
	args := []any{accountID}
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	switch f.Status {
	case "", string(taskbox.StatusPending):
		add("t.status = ?", string(taskbox.StatusPending))
	case string(taskbox.StatusCompleted):
		add("t.status = ?", string(taskbox.StatusCompleted))
	default: // all
		add("t.status IN (?, ?)", string(taskbox.StatusPending), string(taskbox.StatusCompleted))
	}
	switch f.Snoozed {
	case taskbox.SnoozedOnly:
		add("t.snoozed_until IS NOT NULL")
	case taskbox.SnoozedAll:
	default:
		add("t.snoozed_until IS NULL")
	}
	if len(f.Priorities) > 0 {
		ranks := make([]any, len(f.Priorities))
		for i, p := range f.Priorities {
			ranks[i] = p.Rank()
		}
		marks, in := inList(ranks)
		add("t.priority IN ("+marks+")", in...)
	}
	if f.Due != "" {
		cond, a := dueCondition(f.Due, taskbox.NewWindow(f.Now, f.Location))
		add(cond, a...)
	}
	if f.DueBefore != nil {
		add("t.due_sort < ?", f.DueBefore.UnixMicro())
	}
	if f.DueAfter != nil {
		add("t.due_sort >= ? AND t.due_sort < ?", f.DueAfter.UnixMicro(), int64(noDueSort))
	}
	if f.LeadMapID != 0 {
		add("t.lead_map_id = ?", f.LeadMapID)
	}
	if f.LeadID != 0 {
		add("t.lead_id = ?", f.LeadID)
	}
	if f.CampaignID != 0 {
		// with the condition of tasks_count_campaign (migration 00014),
		// true of every task: that index holds a campaign's tasks by
		// status and due time, so the planner may use it (migration 00025
		// dropped the one on the campaign alone)
		add("t.campaign_id = ? AND t.due_all_day >= 0", f.CampaignID)
	}
	if !f.Assignee.Any() {
		cond, a := assigneeCondition(f.Assignee)
		add(cond, a...)
	}
	if f.LeadCategoryID != 0 {
		add("lm.category_id = ?", f.LeadCategoryID)
	}
	if words := strings.Fields(f.Query); len(words) > 0 {
		cond, a := d.searchWords(words, plan)
		add(cond, a...)
	}
	return where, args
}

// assigneeCondition selects the tasks of an assignee filter.
func assigneeCondition(a taskbox.AssigneeFilter) (string, []any) {
	var conds []string
	var args []any
	if len(a.IDs) > 0 {
		marks, in := inList(a.IDs)
		conds = append(conds, "t.assignee_id IN ("+marks+")")
		args = append(args, in...)
	}
	if a.None {
		conds = append(conds, "t.assignee_id IS NULL")
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// dueCondition selects a due window. A timed task is overdue once its
// instant has passed; an all-day task (stored at midnight UTC of its date)
// only once its date is before today's date in the zone. Each condition
// starts with a range on due_sort, so the inbox index narrows the scan.
func dueCondition(due string, w taskbox.Window) (string, []any) {
	now, today, tomorrow := w.Now.UnixMicro(), w.TodayDate.UnixMicro(), w.TomorrowStart.UnixMicro()
	switch due {
	case taskbox.DueOverdue:
		return "t.due_sort < ? AND ((t.due_all_day = 0 AND t.due_sort < ?) OR (t.due_all_day = 1 AND t.due_sort < ?))",
			[]any{max(now, today), now, today}
	case taskbox.DueToday:
		return "t.due_sort >= ? AND t.due_sort < ? AND ((t.due_all_day = 0 AND t.due_sort >= ? AND t.due_sort < ?) OR (t.due_all_day = 1 AND t.due_sort = ?))",
			[]any{min(now, today), max(tomorrow, today+1), now, tomorrow, today}
	case taskbox.DueUpcoming:
		return "t.due_sort >= ? AND t.due_sort < ? AND ((t.due_all_day = 0 AND t.due_sort >= ?) OR (t.due_all_day = 1 AND t.due_sort > ?))",
			[]any{min(tomorrow, today+1), int64(noDueSort), tomorrow, today}
	default: // taskbox.DueNone
		return "t.due_sort = ?", []any{int64(noDueSort)}
	}
}

// escapeLike escapes LIKE's wildcards so that a search word matches itself.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Summarize counts the actor's inbox sections in loc at now; snoozed
// tasks are in none of them, only in Snoozed.
func (db *DB) Summarize(ctx context.Context, loc *time.Location, now time.Time) (*taskbox.Summary, error) {
	return db.summarize(ctx, loc, now, taskbox.SnoozedExclude)
}

// summarize counts the actor's inbox sections in loc at now from the day
// counts, whose snoozed tasks are under statusSnoozed: the sections count
// the pending ones, the snoozed ones or both as snoozed says (a
// TaskFilter's Snoozed); Snoozed counts the snoozed ones. A window's timed
// tasks are all its tasks less the all-day ones in its range, and its
// all-day tasks are counted over their own range (see dayCounter).
func (db *DB) summarize(ctx context.Context, loc *time.Location, now time.Time, snoozed string) (*taskbox.Summary, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = actor.Account.Location()
	}
	if now.IsZero() {
		now = db.Now().Time
	}
	w := taskbox.NewWindow(now, loc)
	t, today, tomorrow := w.Now.UnixMicro(), w.TodayDate.UnixMicro(), w.TomorrowStart.UnixMicro()
	windows := []struct {
		timed, allDay [2]int64 // [from, to) of due_sort
	}{
		{[2]int64{math.MinInt64, t}, [2]int64{math.MinInt64, today}},
		{[2]int64{t, tomorrow}, [2]int64{today, today + 1}},
		{[2]int64{tomorrow, noDueSort}, [2]int64{today + 1, noDueSort}},
	}
	// the statuses the sections count; a completed task is never snoozed
	statuses := []taskbox.Status{taskbox.StatusPending}
	completed := true
	switch snoozed {
	case taskbox.SnoozedOnly:
		statuses, completed = []taskbox.Status{statusSnoozed}, false
	case taskbox.SnoozedAll:
		statuses = append(statuses, statusSnoozed)
	}
	var sections [6]sum // Overdue, Today, Upcoming, NoDueDate, Completed, Snoozed
	for _, status := range statuses {
		c := dayCounter{db.dialect, actor.AccountID(), string(status)}
		for i, win := range windows {
			c.count(&sections[i], 1, false, win.timed[0], win.timed[1])
			c.count(&sections[i], -1, true, win.timed[0], win.timed[1])
			c.count(&sections[i], 1, true, win.allDay[0], win.allDay[1])
		}
		noDue := dayOf(noDueSort)
		c.days(&sections[3], 1, false, noDue, noDue+1)
	}
	if completed {
		dayCounter{db.dialect, actor.AccountID(), string(taskbox.StatusCompleted)}.days(&sections[4], 1, false, math.MinInt64, math.MaxInt64)
	}
	dayCounter{db.dialect, actor.AccountID(), string(statusSnoozed)}.days(&sections[5], 1, false, math.MinInt64, math.MaxInt64)
	cols := make([]string, len(sections))
	var args []any
	for i := range sections {
		cols[i] = sections[i].sql()
		args = append(args, sections[i].args...)
	}
	s := &taskbox.Summary{}
	// One statement of ranges of the inbox indexes, whatever their bounds:
	// planned once (see inGeneric).
	err = db.inGeneric(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, "SELECT "+strings.Join(cols, ", "), args...).Scan(
			&s.Overdue, &s.Today, &s.Upcoming, &s.NoDueDate, &s.Completed, &s.Snoozed)
	})
	return s, err
}

// SummarizeFor counts the inbox sections of the tasks an assignee filter
// selects, snoozed as summarize's. The day counts are kept per account,
// not per assignee, so it counts the tasks themselves (CountSections): a
// team member's tasks are few beside the account's.
func (db *DB) SummarizeFor(ctx context.Context, loc *time.Location, now time.Time, a taskbox.AssigneeFilter, snoozed string) (*taskbox.Summary, error) {
	if a.Any() {
		return db.summarize(ctx, loc, now, snoozed)
	}
	return db.CountSections(ctx, taskbox.TaskFilter{Location: loc, Now: now, Assignee: a, Snoozed: snoozed})
}

// CountSections counts the inbox sections (Overdue, Today, Upcoming, No due
// date, Completed, Snoozed) of the tasks f selects, its Status, Due, Sort,
// Limit and Cursor aside: the web inbox's exact counts under filters. The
// sections count the tasks f.Snoozed selects (summarize's snoozed);
// Snoozed counts the snoozed tasks whatever it is. It is one
// statement that reads each selected task once, in the index that its
// filters seek (tasks_count_priority, tasks_count_campaign, the assignee's,
// or the search's matches), rather than a count per section.
func (db *DB) CountSections(ctx context.Context, f taskbox.TaskFilter) (*taskbox.Summary, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if f.Location == nil {
		f.Location = actor.Account.Location()
	}
	if f.Now.IsZero() {
		f.Now = db.Now().Time
	}
	f.Assignee = f.Assignee.Resolve(actor)
	// the sections' condition on snoozed_until: taskConditions's for f.Snoozed
	snooze := " AND t.snoozed_until IS NULL"
	switch f.Snoozed {
	case taskbox.SnoozedOnly:
		snooze = " AND t.snoozed_until IS NOT NULL"
	case taskbox.SnoozedAll:
		snooze = ""
	}
	f.Status, f.Due, f.Snoozed = "all", "", taskbox.SnoozedAll
	plan, err := db.planSearch(ctx, f.Query)
	if err != nil {
		return nil, err
	}
	w := taskbox.NewWindow(f.Now, f.Location)
	var sums []string
	var args []any
	for _, due := range []string{taskbox.DueOverdue, taskbox.DueToday, taskbox.DueUpcoming, taskbox.DueNone} {
		cond, a := dueCondition(due, w)
		sums = append(sums, "COALESCE(SUM(CASE WHEN t.status = ?"+snooze+" AND "+cond+" THEN 1 ELSE 0 END), 0)")
		args = append(append(args, string(taskbox.StatusPending)), a...)
	}
	sums = append(sums, "COALESCE(SUM(CASE WHEN t.status = ?"+snooze+" THEN 1 ELSE 0 END), 0)",
		"COALESCE(SUM(CASE WHEN t.status = ? AND t.snoozed_until IS NOT NULL THEN 1 ELSE 0 END), 0)")
	args = append(args, string(taskbox.StatusCompleted), string(taskbox.StatusPending))
	where, whereArgs := taskConditions(db.dialect, actor.AccountID(), f, plan)
	if len(f.Priorities) > 0 && f.CampaignID == 0 {
		// the condition of the partial index tasks_count_priority
		// (migration 00014), true of every task (taskConditions states
		// tasks_count_campaign's)
		where = append(where, "t.due_all_day >= 0")
	}
	from := "tasks t"
	if f.LeadCategoryID != 0 {
		from += " JOIN lead_maps lm ON lm.id = t.lead_map_id"
	}
	query := "SELECT " + strings.Join(sums, ", ") + " FROM " + from + " WHERE " + strings.Join(where, " AND ")
	s := &taskbox.Summary{}
	err = db.inStatement(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, query, append(args, whereArgs...)...).Scan(&s.Overdue, &s.Today, &s.Upcoming, &s.NoDueDate, &s.Completed, &s.Snoozed)
	})
	return s, err
}

// CountTasks counts the tasks of the actor's account that f selects, all
// pages together. It reads the same conditions as ListTasks, so the inbox
// indexes (and the search index) serve it.
func (db *DB) CountTasks(ctx context.Context, f taskbox.TaskFilter) (int, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	if f.Location == nil {
		f.Location = actor.Account.Location()
	}
	if f.Now.IsZero() {
		f.Now = db.Now().Time
	}
	f.Assignee = f.Assignee.Resolve(actor)
	plan, err := db.planSearch(ctx, f.Query)
	if err != nil {
		return 0, err
	}
	where, args := taskConditions(db.dialect, actor.AccountID(), f, plan)
	var n int
	err = db.inStatement(ctx, func(tx *Tx) error {
		from := "tasks t"
		if f.LeadCategoryID != 0 {
			from += " JOIN lead_maps lm ON lm.id = t.lead_map_id"
		}
		return tx.queryRow(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+strings.Join(where, " AND "), args...).Scan(&n)
	})
	return n, err
}

// planSearch asks the dialect how to search the words of a query; no
// words, no question.
func (db *DB) planSearch(ctx context.Context, query string) (plan searchPlan, err error) {
	words := strings.Fields(query)
	if len(words) == 0 {
		return plan, nil
	}
	err = db.inStatement(ctx, func(tx *Tx) error {
		plan, err = db.dialect.planSearch(ctx, tx, words)
		return err
	})
	return plan, err
}
