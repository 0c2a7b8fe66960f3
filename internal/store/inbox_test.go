package store_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// windowOf lists, for each due window, the names of the tasks in it, as
// ListTasks sees them at now in loc, and checks Summarize agrees.
func windowOf(t *testing.T, db *store.DB, f *fixture, now time.Time, loc *time.Location) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	for _, due := range []string{taskbox.DueOverdue, taskbox.DueToday, taskbox.DueUpcoming, taskbox.DueNone} {
		page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Due: due, Now: now, Location: loc, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Tasks {
			got[due] = append(got[due], task.Name)
			if w := taskbox.NewWindow(now, loc).Classify(task.Due); w != due {
				t.Errorf("task %q listed as %s but Classify says %s", task.Name, due, w)
			}
		}
	}
	sum, err := db.Summarize(f.ctx, loc, now)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Overdue != len(got["overdue"]) || sum.Today != len(got["today"]) || sum.Upcoming != len(got["upcoming"]) || sum.NoDueDate != len(got["none"]) {
		t.Errorf("summary %+v does not match the lists %v", sum, got)
	}
	return got
}

func TestDueWindows_ZoneBoundary(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "zones", "UTC", 1)
	f.task(t, db, "late tonight UTC", ptr("2025-06-10T23:30:00Z"), "")
	f.task(t, db, "this morning", ptr("2025-06-10T08:00:00Z"), "")
	f.task(t, db, "all day 11th", ptr("2025-06-11"), "")
	f.task(t, db, "all day 10th", ptr("2025-06-10"), "")
	f.task(t, db, "all day 9th", ptr("2025-06-09"), "")
	f.task(t, db, "no date", nil, "")
	now := mustTime(t, "2025-06-10T20:00:00Z")

	utc := windowOf(t, db, f, now, time.UTC)
	want := map[string][]string{
		"overdue":  {"all day 9th", "this morning"},
		"today":    {"all day 10th", "late tonight UTC"},
		"upcoming": {"all day 11th"},
		"none":     {"no date"},
	}
	assertWindows(t, "UTC", utc, want)

	// In Tokyo it is already 05:00 on the 11th: 23:30 UTC is 08:30 there
	// today, and the all-day task of the 10th has ended.
	tokyo := windowOf(t, db, f, now, mustZone(t, "Asia/Tokyo"))
	assertWindows(t, "Tokyo", tokyo, map[string][]string{
		"overdue":  {"all day 9th", "all day 10th", "this morning"},
		"today":    {"late tonight UTC", "all day 11th"},
		"upcoming": nil,
		"none":     {"no date"},
	})

	// Earlier that day, at 12:00 UTC (21:00 in Tokyo), 23:30 UTC is
	// "today" in UTC and "tomorrow" (upcoming) in Tokyo.
	noon := mustTime(t, "2025-06-10T12:00:00Z")
	if got := windowOf(t, db, f, noon, time.UTC); !contains(got["today"], "late tonight UTC") {
		t.Errorf("at noon UTC, 23:30 UTC should be today in UTC: %v", got)
	}
	if got := windowOf(t, db, f, noon, mustZone(t, "Asia/Tokyo")); !contains(got["upcoming"], "late tonight UTC") {
		t.Errorf("at 21:00 in Tokyo, 23:30 UTC (08:30 next day) should be upcoming: %v", got)
	}
}

func TestDueWindows_DaylightSaving(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "dst", "America/New_York", 1)
	// 2025-03-09 is 23 hours long in New York: midnight EST is 05:00Z,
	// the next midnight (EDT) is 04:00Z on the 10th.
	f.task(t, db, "23:30 EDT on the 9th", ptr("2025-03-10T03:30:00Z"), "")
	f.task(t, db, "00:30 EDT on the 10th", ptr("2025-03-10T04:30:00Z"), "")
	f.task(t, db, "local 10:00 on the 9th", ptr("2025-03-09T10:00:00"), "") // no offset: the account's zone, EDT
	now := mustTime(t, "2025-03-09T06:00:00Z")                              // 01:00 EST
	got := windowOf(t, db, f, now, mustZone(t, "America/New_York"))
	assertWindows(t, "New York", got, map[string][]string{
		"today":    {"local 10:00 on the 9th", "23:30 EDT on the 9th"},
		"upcoming": {"00:30 EDT on the 10th"},
	})
	page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Now: now, Sort: "due_date"})
	if err != nil {
		t.Fatal(err)
	}
	if d := page.Tasks[0].Due.String(); d != "2025-03-09T14:00:00Z" {
		t.Errorf("10:00 without offset in New York on 2025-03-09 (EDT) = %s, want 2025-03-09T14:00:00Z", d)
	}
}

func assertWindows(t *testing.T, label string, got, want map[string][]string) {
	t.Helper()
	for _, w := range []string{"overdue", "today", "upcoming", "none"} {
		if fmt.Sprint(got[w]) != fmt.Sprint(want[w]) {
			t.Errorf("%s %s = %v, want %v", label, w, got[w], want[w])
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestPagination_ConcurrentWrites walks every sort page by page while
// another goroutine creates and completes tasks: no task is seen twice, and
// every task that matched throughout is seen.
func TestPagination_ConcurrentWrites(t *testing.T) {
	for _, sort := range taskbox.TaskSorts {
		t.Run(sort, func(t *testing.T) {
			db := newTestDB(t)
			f := newFixture(t, db, "pages", "UTC", 3)
			stable := map[int64]bool{}
			var toComplete []int64
			for i := 0; i < 60; i++ {
				var due *string
				if i%4 != 0 {
					due = ptr(fmt.Sprintf("2025-07-%02dT%02d:00:00Z", 1+i%5, i%24))
				}
				if i%7 == 0 {
					due = ptr(fmt.Sprintf("2025-07-%02d", 1+i%5))
				}
				task := f.task(t, db, fmt.Sprintf("task %d", i), due, []taskbox.Priority{"LOW", "MEDIUM", "HIGH"}[i%3])
				if i%5 == 0 {
					toComplete = append(toComplete, task.ID)
				} else {
					stable[task.ID] = true
				}
			}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, id := range toComplete {
					if _, err := db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
						t.Error(err)
					}
					f.task(t, db, fmt.Sprintf("new %d", i), ptr("2025-07-03"), "HIGH")
				}
			}()
			seen := map[int64]bool{}
			cursor := ""
			for pages := 0; ; pages++ {
				page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Sort: sort, Limit: 7, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, task := range page.Tasks {
					if seen[task.ID] {
						t.Fatalf("task %d seen twice", task.ID)
					}
					seen[task.ID] = true
				}
				if page.NextCursor == nil {
					break
				}
				cursor = *page.NextCursor
				if pages > 100 {
					t.Fatal("pagination does not end")
				}
			}
			wg.Wait()
			for id := range stable {
				if !seen[id] {
					t.Errorf("task %d matched throughout but was never seen", id)
				}
			}
		})
	}
}

func TestListTasks_OrderAndFilters(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "filters", "UTC", 2)
	a := f.task(t, db, "Call about pricing", ptr("2025-01-02T10:00:00Z"), "HIGH")
	b := f.task(t, db, "Send 100% discount_code", ptr("2025-01-01"), "LOW")
	c := f.task(t, db, "no date", nil, "MEDIUM")
	d, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[1], Name: "other lead", Description: ptr("pricing sheet"), DueDate: ptr("2025-01-03T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(fl taskbox.TaskFilter) []int64 {
		t.Helper()
		fl.Limit = 100
		page, err := db.ListTasks(f.ctx, fl)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, task := range page.Tasks {
			out = append(out, task.ID)
		}
		return out
	}
	cases := []struct {
		name string
		f    taskbox.TaskFilter
		want []int64
	}{
		{"default: soonest first, no date last", taskbox.TaskFilter{}, []int64{b.ID, a.ID, d.ID, c.ID}},
		{"-due_date reverses", taskbox.TaskFilter{Sort: "-due_date"}, []int64{c.ID, d.ID, a.ID, b.ID}},
		{"priority", taskbox.TaskFilter{Sort: "priority"}, []int64{b.ID, c.ID, d.ID, a.ID}},
		{"-priority", taskbox.TaskFilter{Sort: "-priority"}, []int64{a.ID, d.ID, c.ID, b.ID}},
		{"created_at", taskbox.TaskFilter{Sort: "created_at"}, []int64{a.ID, b.ID, c.ID, d.ID}},
		{"-created_at", taskbox.TaskFilter{Sort: "-created_at"}, []int64{d.ID, c.ID, b.ID, a.ID}},
		{"priority any of", taskbox.TaskFilter{Priorities: []taskbox.Priority{"HIGH", "LOW"}}, []int64{b.ID, a.ID}},
		{"q in name or description", taskbox.TaskFilter{Query: "pricing"}, []int64{a.ID, d.ID}},
		{"q words all match", taskbox.TaskFilter{Query: "call PRICING"}, []int64{a.ID}},
		{"q wildcards are literal", taskbox.TaskFilter{Query: "100%"}, []int64{b.ID}},
		{"q underscore literal", taskbox.TaskFilter{Query: "g_s"}, nil},
		{"lead map", taskbox.TaskFilter{LeadMapID: f.mapIDs[1]}, []int64{d.ID}},
		{"lead", taskbox.TaskFilter{LeadID: d.LeadID}, []int64{d.ID}},
		{"campaign", taskbox.TaskFilter{CampaignID: f.campaign.ID}, []int64{b.ID, a.ID, d.ID, c.ID}},
		{"due_before", taskbox.TaskFilter{DueBefore: ptr(mustTime(t, "2025-01-02T10:00:00Z"))}, []int64{b.ID}},
		{"due_after", taskbox.TaskFilter{DueAfter: ptr(mustTime(t, "2025-01-02T10:00:00Z"))}, []int64{a.ID, d.ID}},
		{"completed", taskbox.TaskFilter{Status: "completed"}, nil},
	}
	for _, tc := range cases {
		if got := ids(tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := db.UpdateTask(f.ctx, a.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	if got := ids(taskbox.TaskFilter{Status: "completed"}); fmt.Sprint(got) != fmt.Sprint([]int64{a.ID}) {
		t.Errorf("completed = %v", got)
	}
	if got := ids(taskbox.TaskFilter{Status: "all"}); len(got) != 4 {
		t.Errorf("all = %v", got)
	}
}

func TestCursor_Refused(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "cursor", "UTC", 1)
	g := newFixture(t, db, "other", "UTC", 1)
	for i := 0; i < 3; i++ {
		f.task(t, db, "t", nil, "")
	}
	page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Limit: 1})
	if err != nil || page.NextCursor == nil {
		t.Fatal(err, page)
	}
	c := *page.NextCursor
	for name, tc := range map[string]struct {
		fx     *fixture
		sort   string
		cursor string
	}{
		"tampered":      {f, "", c[:len(c)-2] + "AA"},
		"garbage":       {f, "", "not-a-cursor"},
		"other sort":    {f, "priority", c},
		"other account": {g, "", c},
	} {
		_, err := db.ListTasks(tc.fx.ctx, taskbox.TaskFilter{Sort: tc.sort, Cursor: tc.cursor})
		if taskbox.ErrorCode(err) != taskbox.EBADREQUEST {
			t.Errorf("%s cursor: err = %v, want BAD_REQUEST", name, err)
		}
	}
}

// TestSummary_MatchesEveryTask changes tasks at random over two months and
// checks, in several zones, that the summary equals a count of every task
// classified one by one.
func TestSummary_MatchesEveryTask(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "summary", "UTC", 1)
	now := mustTime(t, "2025-03-09T06:30:00Z")
	rng := rand.New(rand.NewPCG(7, 7))
	randomDue := func() *string {
		switch rng.IntN(5) {
		case 0:
			return nil
		case 1:
			return ptr(now.AddDate(0, 0, rng.IntN(60)-30).Format(time.DateOnly))
		}
		return ptr(now.Add(time.Duration(rng.IntN(60*24*60)-30*24*60) * time.Minute).Format(time.RFC3339))
	}
	var ids []int64
	for i := 0; i < 300; i++ {
		ids = append(ids, f.task(t, db, fmt.Sprintf("t%d", i), randomDue(), "").ID)
	}
	// Tasks due around now, in the partial days at the windows' edges,
	// which the summary counts in the tasks index, not in the day counts:
	// a third of them end up snoozed too (below).
	for i := 0; i < 36; i++ {
		due := now.Add(time.Duration(i-18) * 20 * time.Minute).Format(time.RFC3339)
		if i%6 == 0 {
			due = now.AddDate(0, 0, i/6-3).Format(time.DateOnly)
		}
		f.task(t, db, fmt.Sprintf("near%d", i), &due, "")
	}
	for i := 0; i < 200; i++ {
		id := ids[rng.IntN(len(ids))]
		var err error
		switch rng.IntN(4) {
		case 0:
			_, err = db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
		case 1:
			_, err = db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusPending)})
		case 2:
			_, err = db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{DueDateSet: true, DueDate: randomDue()})
		case 3:
			err = db.DeleteTask(f.ctx, id)
		}
		if err != nil && taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
			t.Fatal(err)
		}
	}
	list := func(status string) []*taskbox.Task {
		var all []*taskbox.Task
		for cursor := ""; ; {
			page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Status: status, Snoozed: taskbox.SnoozedAll, Limit: 100, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page.Tasks...)
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		return all
	}
	// a third of the pending tasks are snoozed
	until := time.Now().Add(48 * time.Hour)
	for i, task := range list(string(taskbox.StatusPending)) {
		if i%3 == 0 {
			if _, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{SnoozeSet: true, SnoozedUntil: &until}); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := list("all")
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"} {
		loc := mustZone(t, zone)
		for _, mode := range []string{taskbox.SnoozedExclude, taskbox.SnoozedOnly, taskbox.SnoozedAll} {
			var want taskbox.Summary
			for _, task := range all {
				if task.SnoozedUntil != nil {
					want.Snoozed++
				}
				if (mode == taskbox.SnoozedExclude && task.SnoozedUntil != nil) || (mode == taskbox.SnoozedOnly && task.SnoozedUntil == nil) {
					continue
				}
				if task.Status == taskbox.StatusCompleted {
					want.Completed++
					continue
				}
				switch taskbox.NewWindow(now, loc).Classify(task.Due) {
				case taskbox.DueOverdue:
					want.Overdue++
				case taskbox.DueToday:
					want.Today++
				case taskbox.DueUpcoming:
					want.Upcoming++
				default:
					want.NoDueDate++
				}
			}
			if want.Snoozed == 0 || want.Overdue == 0 || want.Upcoming == 0 {
				t.Fatalf("%s %q: too few tasks to tell: %+v", zone, mode, want)
			}
			if mode == taskbox.SnoozedExclude {
				got, err := db.Summarize(f.ctx, loc, now)
				if err != nil {
					t.Fatal(err)
				}
				if *got != want {
					t.Errorf("%s: summary %+v, counted %+v", zone, *got, want)
				}
			}
			// the day counts (any assignee) and the tasks themselves
			// (CountSections) agree with the count
			got, err := db.SummarizeFor(f.ctx, loc, now, taskbox.AssigneeFilter{}, mode)
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("%s snoozed=%q: summary %+v, counted %+v", zone, mode, *got, want)
			}
			got, err = db.CountSections(f.ctx, taskbox.TaskFilter{Location: loc, Now: now, Snoozed: mode})
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("%s snoozed=%q: CountSections %+v, counted %+v", zone, mode, *got, want)
			}
		}
	}
}
