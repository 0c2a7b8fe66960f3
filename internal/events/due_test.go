package events_test

import (
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// dueEvents returns the TASK_DUE deliveries r got, by task id.
func dueEvents(r *receiver) map[int64][]delivery {
	out := map[int64][]delivery{}
	for _, d := range r.deliveries() {
		if d.Event.Type == taskbox.EventTypeTaskDue {
			out[d.Task.ID] = append(out[d.Task.ID], d)
		}
	}
	return out
}

// TASK_DUE fires once when the due time arrives (by the injected clock),
// not before, and never again.
func TestTaskDueFiresOnceAtItsTime(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskDue)
	w := e.worker(true)
	due := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	task := e.task(t, e.ctx, e.mapID, "Call at eleven", &due)

	e.drain(t, w)
	e.clock.Advance(59*time.Minute + 59*time.Second)
	e.drain(t, w)
	if n := len(dueEvents(r)); n != 0 {
		t.Fatalf("TASK_DUE fired a second early")
	}
	e.clock.Advance(time.Second)
	e.drain(t, w)
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	got := dueEvents(r)[task.ID]
	if len(got) != 1 {
		t.Fatalf("%d TASK_DUE, want 1", len(got))
	}
	if got[0].Event.OccurredAt != "2026-12-01T11:00:00.000Z" || got[0].Task.Due == nil || got[0].Task.Due.String() != due {
		t.Errorf("TASK_DUE at %s for due %v", got[0].Event.OccurredAt, got[0].Task.Due)
	}
	// A rename after it fired keeps the due date: no second TASK_DUE.
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("Called?")}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if n := len(dueEvents(r)[task.ID]); n != 1 {
		t.Errorf("%d TASK_DUE after a rename, want still 1", n)
	}
	// Moving it to another past time fires at once; moving it back to the
	// time that already fired sends nothing: a TASK_DUE is one per task and
	// due time, and its event_id names both.
	for _, d := range []string{"2026-12-01T11:30:00Z", due} {
		if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, d)}); err != nil {
			t.Fatal(err)
		}
		e.drain(t, w)
	}
	if got := dueEvents(r)[task.ID]; len(got) != 2 || got[1].Task.Due.String() != "2026-12-01T11:30:00Z" {
		t.Errorf("%d TASK_DUE after moving the due date away and back, want 2", len(got))
	}
}

// Moving the due date re-arms TASK_DUE for the new time; completing or
// deleting cancels it; a due date already past at creation fires at once.
func TestTaskDueRescheduleCompleteDeletePast(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskDue)
	w := e.worker(true)
	at := func(d time.Duration) *string { s := e.clock.Now().Add(d).Format(time.RFC3339); return &s }

	moved := e.task(t, e.ctx, e.mapID, "moved", at(time.Hour))
	completed := e.task(t, e.ctx, e.mapID, "completed", at(time.Hour))
	deleted := e.task(t, e.ctx, e.mapID, "deleted", at(time.Hour))
	past := e.task(t, e.ctx, e.mapID, "past", at(-48*time.Hour))
	e.drain(t, w)
	if got := dueEvents(r); len(got[past.ID]) != 1 || len(got) != 1 {
		t.Fatalf("a past due date did not fire at once alone: %v", got)
	}

	newDue := at(3 * time.Hour)
	if _, err := e.db.UpdateTask(e.ctx, moved.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, *newDue)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateTask(e.ctx, completed.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.DeleteTask(e.ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	e.drain(t, w)
	got := dueEvents(r)
	if len(got[moved.ID]) != 0 || len(got[completed.ID]) != 0 || len(got[deleted.ID]) != 0 {
		t.Fatalf("fired at the old time or after complete/delete: %v", got)
	}
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	got = dueEvents(r)
	if len(got[moved.ID]) != 1 || got[moved.ID][0].Task.Due.String() != *newDue {
		t.Fatalf("the moved task: %v", got[moved.ID])
	}
	// Reopening the completed task, whose due time passed meanwhile, fires
	// its TASK_DUE now: it is pending and due, and never fired.
	if _, err := e.db.UpdateTask(e.ctx, completed.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusPending)}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if n := len(dueEvents(r)[completed.ID]); n != 1 {
		t.Errorf("the reopened overdue task: %d TASK_DUE, want 1", n)
	}
	if n := len(dueEvents(r)[deleted.ID]); n != 0 {
		t.Errorf("the deleted task fired")
	}
}

// An all-day task is due at the start of its day in the account's zone.
func TestAllDayTaskDueAtMidnightInTheAccountsZone(t *testing.T) {
	e := newEnv(t)
	ctx, _, mapID := e.account(t, "tokyo", "Asia/Tokyo")
	r := newReceiver(t)
	e.subscribe(t, ctx, r, taskbox.EventTypeTaskDue)
	w := e.worker(true)
	// The clock is 2026-12-01T10:00Z = 19:00 in Tokyo; 2026-12-02 starts
	// there at 2026-12-01T15:00Z.
	task := e.task(t, ctx, mapID, "all day", ptr("2026-12-02"))
	e.clock.Advance(4*time.Hour + 59*time.Minute)
	e.drain(t, w)
	if len(dueEvents(r)) != 0 {
		t.Fatal("fired before midnight in Tokyo")
	}
	e.clock.Advance(time.Minute)
	e.drain(t, w)
	got := dueEvents(r)[task.ID]
	if len(got) != 1 || got[0].Event.OccurredAt != "2026-12-01T15:00:00.000Z" {
		t.Fatalf("TASK_DUE %v", got)
	}
}

func mustDue(t *testing.T, s string) *taskbox.Due {
	d, err := taskbox.ParseDue(s, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// A due time that has come while no webhook of the account wants TASK_DUE
// is recorded as fired without a firing: a webhook made afterwards hears of
// no due time that passed before it existed, and a due date moved after it
// was made fires as usual.
func TestTaskDuePassedWithNobodySubscribed(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	w := e.worker(true)
	past := e.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	task := e.task(t, e.ctx, e.mapID, "past, nobody listening", &past)
	if n, err := e.db.DispatchOutbox(e.ctx, 100); err != nil || n != 1 {
		t.Fatalf("DispatchOutbox = %d, %v", n, err)
	}
	if fired, err := e.db.FireTimers(e.ctx, 100); err != nil || fired[store.TimerDue] != 0 {
		t.Fatalf("FireTimers = %v, %v: the timer of a passed due time with no TASK_DUE subscriber was left armed", fired, err)
	}
	e.drain(t, w)
	if got := types(r.deliveries()); len(got) != 1 || got[0] != taskbox.EventTypeTaskCreated {
		t.Fatalf("deliveries %v, want only TASK_CREATED", got)
	}

	due := newReceiver(t)
	e.subscribe(t, e.ctx, due, taskbox.EventTypeTaskDue)
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("renamed")}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if n := len(dueEvents(due)[task.ID]); n != 0 {
		t.Fatalf("%d TASK_DUE for a due time that passed before the webhook existed", n)
	}
	moved := e.clock.Now().Add(-time.Minute).Format(time.RFC3339)
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, moved)}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if got := dueEvents(due)[task.ID]; len(got) != 1 || got[0].Task.Due.String() != moved {
		t.Fatalf("%d TASK_DUE after moving the due date with a subscriber, want 1 for %s", len(got), moved)
	}
}

// A task created with its due time passed while nobody wants TASK_DUE
// stores no timer (see setDueTimer), yet behaves as one recorded as fired:
// reopening it or taking its due date away and back sends nothing, while
// a due date moved while it was completed, or first given then, fires on
// reopening as any new due date does.
func TestTaskDuePassedAtCreationWithoutATimer(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	w := e.worker(true)
	past := e.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	reopened := e.task(t, e.ctx, e.mapID, "reopened", &past)
	movedWhileDone := e.task(t, e.ctx, e.mapID, "moved while completed", &past)
	givenWhileDone := e.task(t, e.ctx, e.mapID, "given a due date while completed", nil)
	takenAndBack := e.task(t, e.ctx, e.mapID, "due date taken away and back", &past)
	ahead := e.task(t, e.ctx, e.mapID, "moved ahead", &past)
	e.drain(t, w)

	due := newReceiver(t)
	e.subscribe(t, e.ctx, due, taskbox.EventTypeTaskDue)
	update := func(id int64, u *taskbox.TaskUpdate) {
		t.Helper()
		if _, err := e.db.UpdateTask(e.ctx, id, u); err != nil {
			t.Fatal(err)
		}
	}
	done, pending := ptr(taskbox.StatusCompleted), ptr(taskbox.StatusPending)
	earlier := e.clock.Now().Add(-2 * time.Hour).Format(time.RFC3339)
	for _, id := range []int64{reopened.ID, movedWhileDone.ID, givenWhileDone.ID} {
		update(id, &taskbox.TaskUpdate{Status: done})
	}
	update(movedWhileDone.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, earlier)})
	update(givenWhileDone.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, earlier)})
	for _, id := range []int64{reopened.ID, movedWhileDone.ID, givenWhileDone.ID} {
		update(id, &taskbox.TaskUpdate{Status: pending})
	}
	update(takenAndBack.ID, &taskbox.TaskUpdate{DueDateSet: true})
	update(takenAndBack.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, past)})
	later := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	update(ahead.ID, &taskbox.TaskUpdate{Name: ptr("renamed"), DueDateSet: true, Due: mustDue(t, later)})
	e.drain(t, w)

	got := dueEvents(due)
	for _, c := range []struct {
		task *taskbox.Task
		want string
	}{{reopened, ""}, {movedWhileDone, earlier}, {givenWhileDone, earlier}, {takenAndBack, ""}, {ahead, ""}} {
		switch {
		case c.want == "" && len(got[c.task.ID]) != 0:
			t.Errorf("%q: %d TASK_DUE, want none", c.task.Name, len(got[c.task.ID]))
		case c.want != "" && (len(got[c.task.ID]) != 1 || got[c.task.ID][0].Task.Due.String() != c.want):
			t.Errorf("%q: %d TASK_DUE, want one for %s", c.task.Name, len(got[c.task.ID]), c.want)
		}
	}
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	if got := dueEvents(due)[ahead.ID]; len(got) != 1 || got[0].Task.Due.String() != later {
		t.Errorf("the task moved ahead: %d TASK_DUE at its new time, want 1", len(got))
	}
}

// A change that no webhook of its account subscribes to stays out of the
// outbox, and its TASK_DUE timer is set by the change itself, with no
// dispatch in between; a change a webhook wants is queued for it.
func TestChangesNobodyWantsStayOutOfTheOutbox(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCompleted)
	soon := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	task := e.task(t, e.ctx, e.mapID, "created: nobody listens", &soon)
	otherCtx, _, otherMap := e.account(t, "globex", "")
	e.task(t, otherCtx, otherMap, "an account without webhooks", &soon)
	if outbox, _, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 0 {
		t.Fatalf("outbox after two creates nobody subscribes to: %d, %v; want 0", outbox, err)
	}

	e.clock.Advance(2 * time.Hour)
	if fired, err := e.db.FireTimers(e.ctx, 100); err != nil || fired[store.TimerDue] != 2 {
		t.Fatalf("FireTimers = %v, %v, want both tasks' timers, armed by the creates themselves", fired, err)
	}

	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	if outbox, _, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 1 {
		t.Fatalf("outbox after a completion the webhook subscribes to: %d, %v; want 1", outbox, err)
	}
	e.drain(t, e.worker(true))
	if got := types(r.deliveries()); len(got) != 1 || got[0] != taskbox.EventTypeTaskCompleted {
		t.Fatalf("deliveries %v, want only TASK_COMPLETED", got)
	}
}
