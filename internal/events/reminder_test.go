package events_test

import (
	"context"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// reminded lists the TASK_REMINDER deliveries of a task as their times.
func reminded(r *receiver, id int64) []string {
	var out []string
	for _, d := range eventsOf(r, taskbox.EventTypeTaskReminder)[id] {
		out = append(out, d.Event.OccurredAt)
	}
	return out
}

func (e *env) remindedTask(t *testing.T, name, due string, reminders ...string) *taskbox.Task {
	t.Helper()
	task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: name, DueDate: &due, Reminders: reminders})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// Reminders at P1D and PT15M before the due time fire once each, at their
// times; moving the due date after one fired re-arms them for the new
// date; completing cancels the rest.
func TestTaskRemindersFireOnceAndFollowTheDueDate(t *testing.T) {
	e := newEnv(t) // 2026-12-01T10:00:00Z
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder)
	w := e.worker(true)
	task := e.remindedTask(t, "Call", "2026-12-03T10:00:00Z", "P1D", "PT15M")
	if got := task.Reminders; len(got) != 2 || got[0] != "P1D" || got[1] != "PT15M" {
		t.Fatalf("reminders %v", got)
	}
	e.clock.Advance(24*time.Hour - time.Second) // 2026-12-02T09:59:59Z
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 0 {
		t.Fatalf("reminded early: %v", got)
	}
	e.clock.Advance(time.Second)
	e.drain(t, w)
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 1 || got[0] != "2026-12-02T10:00:00.000Z" {
		t.Fatalf("P1D: %v", got)
	}
	// The due date moves a day later: P1D fires again for the new date,
	// at 2026-12-03T10:00, and PT15M before it.
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, "2026-12-04T10:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(24 * time.Hour)
	e.drain(t, w)
	e.clock.Advance(23*time.Hour + 45*time.Minute)
	e.drain(t, w)
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	want := []string{"2026-12-02T10:00:00.000Z", "2026-12-03T10:00:00.000Z", "2026-12-04T09:45:00.000Z"}
	if got := reminded(r, task.ID); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("after moving the due date: %v, want %v", got, want)
	}

	// Completion cancels; deletion cancels; an all-day task counts from
	// 09:00 on its day in the account's zone.
	done := e.remindedTask(t, "Done before", "2026-12-10T10:00:00Z", "PT1H")
	gone := e.remindedTask(t, "Deleted before", "2026-12-10T10:00:00Z", "PT1H")
	allDay := e.remindedTask(t, "All day", "2026-12-10", "PT30M")
	if _, err := e.db.UpdateTask(e.ctx, done.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.DeleteTask(e.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	e.drain(t, w)
	if got := reminded(r, done.ID); len(got) != 0 {
		t.Errorf("a completed task reminded: %v", got)
	}
	if got := reminded(r, gone.ID); len(got) != 0 {
		t.Errorf("a deleted task reminded: %v", got)
	}
	if got := reminded(r, allDay.ID); len(got) != 1 || got[0] != "2026-12-10T08:30:00.000Z" {
		t.Errorf("all-day: %v, want 08:30Z (09:00 less 30 minutes, UTC account)", got)
	}
	if fired, err := e.db.FireTimers(e.ctx, 100); err != nil || len(fired) != 0 {
		t.Errorf("FireTimers = %v, %v: a timer is left armed", fired, err)
	}
}

// A reminder that falls while its task is snoozed fires when the snooze
// ends, once; a reminder set after its time is not sent.
func TestTaskReminderWaitsForTheSnooze(t *testing.T) {
	e := newEnv(t) // 2026-12-01T10:00:00Z
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder, taskbox.EventTypeTaskUnsnoozed)
	w := e.worker(true)
	task := e.remindedTask(t, "Snoozed over", "2026-12-01T14:00:00Z", "PT2H", "PT5H")
	until := "2026-12-01T13:00:00Z"
	e.snooze(t, task.ID, &until)
	e.clock.Advance(2 * time.Hour) // 12:00, the PT2H reminder's time, snoozed
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 0 {
		t.Fatalf("reminded while snoozed: %v", got)
	}
	e.clock.Advance(time.Hour) // 13:00: the snooze ends
	e.drain(t, w)
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 1 || got[0] != "2026-12-01T13:00:00.000Z" {
		t.Fatalf("after the snooze: %v, want one at 13:00", got)
	}
	if n := len(eventsOf(r, taskbox.EventTypeTaskUnsnoozed)[task.ID]); n != 1 {
		t.Errorf("%d TASK_UNSNOOZED", n)
	}
	e.clock.Advance(5 * time.Hour)
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 1 {
		t.Errorf("PT5H (past when set) was sent: %v", got)
	}
}

// An all-day task's reminders count from 09:00 in its assignee's zone: the
// lead map's owner's when the create names no assignee, the named
// member's otherwise, the account's for a member without a zone. The
// create reads each zone with the task (taskinsert.go), not the reminder.
func TestTaskRemindersCountInTheAssigneesZone(t *testing.T) {
	e := newEnv(t) // 2026-12-01T10:00:00Z, a UTC account
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder)
	w := e.worker(true)
	kei := e.addMailMember(t, "Kei", "kei@example.com", "Asia/Tokyo")
	lee := e.addMailMember(t, "Lee", "lee@example.com", "America/Los_Angeles")
	ann := e.addMailMember(t, "Ann", "ann@example.com", "")
	if _, err := e.db.UpdateTeamMember(e.ctx, e.mapID, kei); err != nil {
		t.Fatal(err)
	}
	due := "2026-12-10"
	create := func(name string, assignee int64, set bool) *taskbox.Task {
		t.Helper()
		task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: name, DueDate: &due,
			Reminders: []string{"PT30M"}, AssigneeSet: set, AssigneeID: assignee})
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	owners := create("The owner's", 0, false)
	lees := create("Lee's", lee, true)
	anns := create("Ann's", ann, true)
	if owners.Assignee == nil || owners.Assignee.ID != kei {
		t.Fatalf("assignee %+v, want the owner %d", owners.Assignee, kei)
	}
	e.clock.Advance(10 * 24 * time.Hour)
	e.drain(t, w)
	for _, c := range []struct {
		task *taskbox.Task
		want string
	}{
		{owners, "2026-12-09T23:30:00.000Z"}, // 09:00 in Tokyo is 00:00Z
		{lees, "2026-12-10T16:30:00.000Z"},   // 09:00 in Los Angeles is 17:00Z
		{anns, "2026-12-10T08:30:00.000Z"},   // no zone: the account's, UTC
	} {
		if got := reminded(r, c.task.ID); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: reminded %v, want %s", c.task.Name, got, c.want)
		}
	}
}

// A reminder whose time has passed when its task is created is never
// sent, also after changes that keep the due date (a rename, completing
// and reopening), while the task's other reminder fires at its time; a
// new due date arms both again.
func TestTaskReminderPassedAtCreation(t *testing.T) {
	e := newEnv(t) // 2026-12-01T10:00:00Z
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder)
	w := e.worker(true)
	task := e.remindedTask(t, "Soon", "2026-12-01T10:30:00Z", "PT1H", "PT15M") // 09:30, passed; 10:15
	for _, u := range []*taskbox.TaskUpdate{{Name: ptr("Soon, renamed")}, {Status: ptr(taskbox.StatusCompleted)}, {Status: ptr(taskbox.StatusPending)}} {
		if _, err := e.db.UpdateTask(e.ctx, task.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	e.drain(t, w)
	e.clock.Advance(20 * time.Minute) // 10:20
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 1 || got[0] != "2026-12-01T10:15:00.000Z" {
		t.Fatalf("reminders %v, want only PT15M's at 10:15", got)
	}
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, "2026-12-01T12:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour) // 12:20
	e.drain(t, w)
	want := []string{"2026-12-01T10:15:00.000Z", "2026-12-01T11:00:00.000Z", "2026-12-01T11:45:00.000Z"}
	if got := reminded(r, task.ID); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("after the new due date: %v, want %v", got, want)
	}
}

// A reminder passed when it was set is armed again when a change moves it
// ahead of the clock for the same due date: an all-day task's PT30M counts
// from 09:00 in the UTC account (08:30Z, passed at 10:00Z), and from 09:00
// in Los Angeles (16:30Z) once the task is assigned to a member there. The
// reminder that fired stays fired when the task goes back.
func TestTaskReminderPassedThenMovedAhead(t *testing.T) {
	e := newEnv(t) // UTC; 2026-12-01T10:00:00Z
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder)
	w := e.worker(true)
	admin := taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct))
	m, err := e.db.CreateMember(admin, taskbox.NewMember{Name: "Lou", Timezone: "America/Los_Angeles"})
	if err != nil {
		t.Fatal(err)
	}
	task := e.remindedTask(t, "All day", "2026-12-01", "PT30M")
	assign := func(id int64) {
		t.Helper()
		if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: id}); err != nil {
			t.Fatal(err)
		}
	}
	e.drain(t, w)
	assign(m.ID)
	e.clock.Advance(6*time.Hour + 29*time.Minute) // 16:29Z
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 0 {
		t.Fatalf("reminded early: %v", got)
	}
	e.clock.Advance(time.Minute)
	e.drain(t, w)
	assign(0)
	assign(m.ID)
	e.drain(t, w)
	if got := reminded(r, task.ID); len(got) != 1 || got[0] != "2026-12-01T16:30:00.000Z" {
		t.Fatalf("reminders %v, want one at 16:30Z", got)
	}
}
