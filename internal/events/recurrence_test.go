package events_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// recurring creates a recurring task in ctx's account.
func (e *env) recurring(t *testing.T, rule, from string, due *string) *taskbox.Task {
	t.Helper()
	desc := "notes"
	task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Check in", Description: &desc,
		Priority: taskbox.PriorityHigh, DueDate: due, Recurrence: &taskbox.Recurrence{Rule: rule, From: from}})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func (e *env) setStatus(t *testing.T, id int64, st taskbox.Status) {
	t.Helper()
	if _, err := e.db.UpdateTask(e.ctx, id, &taskbox.TaskUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
}

// pendingTasks lists the account's pending tasks, soonest due first.
func (e *env) pendingTasks(t *testing.T) []*taskbox.Task {
	t.Helper()
	page, err := e.db.ListTasks(e.ctx, taskbox.TaskFilter{Snoozed: taskbox.SnoozedAll, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Tasks
}

func dueOf(t *taskbox.Task) string {
	if t.Due == nil {
		return "none"
	}
	return t.Due.String()
}

// A weekly rule across the end of daylight saving time keeps its local
// time (09:00 in New York: 13:00Z before, 14:00Z after); the occurrence
// copies the task; TASK_CREATED follows TASK_COMPLETED; reopening and
// completing again makes no second.
func TestRecurrence_WeeklyAcrossDSTFromDue(t *testing.T) {
	e := newEnv(t)
	ctx, _, mapID := e.account(t, "ny", "America/New_York")
	e.ctx, e.mapID = ctx, mapID
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskCompleted)
	w := e.worker(true)
	due := "2026-10-29T09:00:00" // a Thursday, in the account's zone (EDT)
	first := e.recurring(t, "FREQ=WEEKLY;BYDAY=MO,TH", "", &due)
	if dueOf(first) != "2026-10-29T13:00:00Z" || *first.Recurrence != (taskbox.Recurrence{Rule: "FREQ=WEEKLY;BYDAY=MO,TH", From: "due"}) {
		t.Fatalf("first: due %s, recurrence %+v", dueOf(first), first.Recurrence)
	}
	e.setStatus(t, first.ID, taskbox.StatusCompleted)
	tasks := e.pendingTasks(t)
	if len(tasks) != 1 || dueOf(tasks[0]) != "2026-11-02T14:00:00Z" {
		t.Fatalf("after completing: %d pending, due %s; want one, Monday 09:00 EST", len(tasks), dueOf(tasks[0]))
	}
	next := tasks[0]
	if next.Name != "Check in" || next.Description == nil || *next.Description != "notes" || next.Priority != taskbox.PriorityHigh ||
		next.LeadMapID != mapID || next.Recurrence == nil || *next.Recurrence != *first.Recurrence {
		t.Errorf("the next occurrence is not a copy: %+v", next)
	}
	e.setStatus(t, first.ID, taskbox.StatusPending)
	e.setStatus(t, first.ID, taskbox.StatusCompleted)
	if n := len(e.pendingTasks(t)); n != 1 {
		t.Fatalf("%d pending after reopening and completing again, want still 1", n)
	}
	e.setStatus(t, next.ID, taskbox.StatusCompleted)
	tasks = e.pendingTasks(t)
	if len(tasks) != 1 || dueOf(tasks[0]) != "2026-11-05T14:00:00Z" {
		t.Fatalf("the third: %d pending, due %s; want Thursday 09:00 EST", len(tasks), dueOf(tasks[0]))
	}
	e.drain(t, w)
	// Deliveries run concurrently: order them by event id (evt_N, N the
	// audit entry's id).
	ds := r.deliveries()
	sort.Slice(ds, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(ds[i].EventID, "evt_"))
		b, _ := strconv.Atoi(strings.TrimPrefix(ds[j].EventID, "evt_"))
		return a < b
	})
	var got []string
	for _, d := range ds {
		got = append(got, d.Event.Type+" "+dueOf(&d.Task))
	}
	want := []string{"TASK_CREATED 2026-10-29T13:00:00Z", "TASK_COMPLETED 2026-10-29T13:00:00Z", "TASK_CREATED 2026-11-02T14:00:00Z",
		"TASK_COMPLETED 2026-10-29T13:00:00Z", "TASK_COMPLETED 2026-11-02T14:00:00Z", "TASK_CREATED 2026-11-05T14:00:00Z"}
	if len(got) != len(want) {
		t.Fatalf("deliveries %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delivery %d = %s, want %s", i, got[i], want[i])
		}
	}
}

// from: completion counts from the completion's day, at the due time's
// clock; a rule that never yields a next time ends the series, and COUNT
// counts from the series' first due time.
func TestRecurrence_FromCompletionAndEnds(t *testing.T) {
	e := newEnv(t) // UTC; the clock is 2026-12-01T10:00:00Z
	due := "2026-12-01T09:00:00Z"
	task := e.recurring(t, "FREQ=DAILY;INTERVAL=3", "completion", &due)
	e.clock.Advance(4 * 24 * time.Hour) // completed on the 5th
	e.setStatus(t, task.ID, taskbox.StatusCompleted)
	tasks := e.pendingTasks(t)
	if len(tasks) != 1 || dueOf(tasks[0]) != "2026-12-08T09:00:00Z" {
		t.Fatalf("from completion: %d pending, due %s; want 3 days after the 5th at 09:00", len(tasks), dueOf(tasks[0]))
	}
	e.setStatus(t, tasks[0].ID, taskbox.StatusCompleted)

	// All-day, from the due date: monthly on the 31st skips the shorter months.
	day := "2027-01-31"
	monthly := e.recurring(t, "FREQ=MONTHLY;COUNT=2", "due", &day)
	e.setStatus(t, monthly.ID, taskbox.StatusCompleted)
	tasks = e.pendingTasks(t)
	if len(tasks) != 2 || dueOf(tasks[1]) != "2027-03-31" {
		t.Fatalf("monthly all-day: %d pending, last due %s; want 2027-03-31", len(tasks), dueOf(tasks[len(tasks)-1]))
	}
	// Its second occurrence was the last of COUNT=2: the series ends.
	e.setStatus(t, tasks[1].ID, taskbox.StatusCompleted)
	if n := len(e.pendingTasks(t)); n != 1 {
		t.Errorf("%d pending after the last of COUNT=2, want 1 (the daily one)", n)
	}
	until := e.recurring(t, "FREQ=WEEKLY;UNTIL=20261201T000000Z", "due", &due)
	e.setStatus(t, until.ID, taskbox.StatusCompleted)
	if n := len(e.pendingTasks(t)); n != 1 {
		t.Errorf("%d pending after a rule past its UNTIL, want 1", n)
	}
	// Without a due date, the next occurrence is due by the rule after
	// the completion.
	none := e.recurring(t, "FREQ=DAILY", "due", nil)
	e.setStatus(t, none.ID, taskbox.StatusCompleted)
	tasks = e.pendingTasks(t)
	if len(tasks) != 2 || dueOf(tasks[0]) != "2026-12-06T10:00:00Z" {
		t.Errorf("no due date: %d pending, first due %s; want a day after the completion", len(tasks), dueOf(tasks[0]))
	}
}

// The next occurrence is computed in the assignee's zone, else the
// account's: in a UTC account, a task due Sunday 16:00Z (Monday 01:00 in
// Tokyo) on FREQ=WEEKLY;BYDAY=MO comes back on the next Monday in Tokyo
// for an assignee there, and on Monday in UTC for an assignee without a
// zone or no assignee.
func TestRecurrence_InTheAssigneesZone(t *testing.T) {
	e := newEnv(t) // UTC; the clock is 2026-12-01T10:00:00Z
	admin := taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct))
	member := func(name, zone string) int64 {
		m, err := e.db.CreateMember(admin, taskbox.NewMember{Name: name, Timezone: zone})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	tokyo, nowhere := member("Ana", "Asia/Tokyo"), member("Bo", "")
	for _, c := range []struct {
		what     string
		assignee int64
		want     string
	}{
		{"an assignee in Tokyo", tokyo, "2026-12-13T16:00:00Z"}, // Monday 14 December, 01:00 in Tokyo
		{"an assignee without a zone", nowhere, "2026-12-07T16:00:00Z"},
		{"no assignee", 0, "2026-12-07T16:00:00Z"},
	} {
		due := "2026-12-06T16:00:00Z" // Sunday in UTC, Monday 01:00 in Tokyo
		task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: c.what, DueDate: &due,
			AssigneeSet: true, AssigneeID: c.assignee, Recurrence: &taskbox.Recurrence{Rule: "FREQ=WEEKLY;BYDAY=MO", From: "due"}})
		if err != nil {
			t.Fatal(err)
		}
		e.setStatus(t, task.ID, taskbox.StatusCompleted)
		var next *taskbox.Task
		for _, p := range e.pendingTasks(t) {
			if p.Name == c.what {
				next = p
			}
		}
		if next == nil || dueOf(next) != c.want {
			t.Errorf("%s: the next occurrence is %+v, want due %s", c.what, next, c.want)
			continue
		}
		if c.assignee != 0 && (next.Assignee == nil || next.Assignee.ID != c.assignee) {
			t.Errorf("%s: the next occurrence is assigned to %+v", c.what, next.Assignee)
		}
		e.setStatus(t, next.ID, taskbox.StatusCompleted) // the next one after it is not looked at
	}
}
