package events_test

import (
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// eventsOf returns the deliveries of one type r got, by task id.
func eventsOf(r *receiver, typ string) map[int64][]delivery {
	out := map[int64][]delivery{}
	for _, d := range r.deliveries() {
		if d.Event.Type == typ {
			out[d.Task.ID] = append(out[d.Task.ID], d)
		}
	}
	return out
}

func (e *env) snooze(t *testing.T, id int64, until *string) *taskbox.Task {
	t.Helper()
	task, err := e.db.UpdateTask(e.ctx, id, &taskbox.TaskUpdate{SnoozeSet: true, Snooze: until})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// TASK_UNSNOOZED comes once when the snooze ends (by the injected clock),
// not before; the task is back in the inbox and its counts. A snooze moved
// or ended early sends nothing for the old time.
func TestTaskUnsnoozedOnceAtItsTime(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskUnsnoozed)
	w := e.worker(true)
	task := e.task(t, e.ctx, e.mapID, "Snooze me", nil)
	moved := e.task(t, e.ctx, e.mapID, "Snooze me twice", nil)
	ended := e.task(t, e.ctx, e.mapID, "Unsnoozed by hand", nil)
	done := e.task(t, e.ctx, e.mapID, "Completed while snoozed", nil)

	inbox := func() int {
		page, err := e.db.ListTasks(e.ctx, taskbox.TaskFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Tasks)
	}
	until := "2026-12-01T12:00:00Z"
	for _, x := range []*taskbox.Task{task, moved, ended, done} {
		if got := e.snooze(t, x.ID, &until); got.SnoozedUntil == nil || got.SnoozedUntil.String() != "2026-12-01T12:00:00.000Z" {
			t.Fatalf("snoozed_until = %v", got.SnoozedUntil)
		}
	}
	if n := inbox(); n != 0 {
		t.Fatalf("%d tasks in the inbox while all are snoozed", n)
	}
	later := "2026-12-02T09:00:00Z"
	e.snooze(t, moved.ID, &later)
	e.snooze(t, ended.ID, nil)
	if _, err := e.db.UpdateTask(e.ctx, done.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}

	e.drain(t, w)
	e.clock.Advance(2*time.Hour - time.Second)
	e.drain(t, w)
	if n := len(r.deliveries()); n != 0 {
		t.Fatalf("%d deliveries a second before the snooze ends", n)
	}
	e.clock.Advance(time.Second)
	e.drain(t, w)
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	got := eventsOf(r, taskbox.EventTypeTaskUnsnoozed)
	if len(got) != 1 || len(got[task.ID]) != 1 {
		t.Fatalf("TASK_UNSNOOZED = %v, want one, for task %d", got, task.ID)
	}
	d := got[task.ID][0]
	if d.Event.OccurredAt != "2026-12-01T12:00:00.000Z" || d.Task.SnoozedUntil != nil || d.EventID != "evt_unsnooze_1_1796126400000000" {
		t.Errorf("TASK_UNSNOOZED %s at %s with snoozed_until %v", d.EventID, d.Event.OccurredAt, d.Task.SnoozedUntil)
	}
	if n := inbox(); n != 2 {
		t.Errorf("%d tasks in the inbox after the snooze ended, want 2 (the other is snoozed until tomorrow)", n)
	}
	sum, err := e.db.Summarize(e.ctx, nil, time.Time{})
	if err != nil || sum.NoDueDate != 2 || sum.Snoozed != 1 || sum.Completed != 1 {
		t.Errorf("summary %+v, %v", sum, err)
	}

	e.clock.Advance(24 * time.Hour)
	e.drain(t, w)
	e.drain(t, w)
	got = eventsOf(r, taskbox.EventTypeTaskUnsnoozed)
	if len(got) != 2 || len(got[moved.ID]) != 1 || got[moved.ID][0].Event.OccurredAt != "2026-12-02T09:00:00.000Z" {
		t.Errorf("TASK_UNSNOOZED after the moved snooze: %v", got)
	}
	if fired, err := e.db.FireTimers(e.ctx, 100); err != nil || len(fired) != 0 {
		t.Errorf("FireTimers = %v, %v: a timer is left armed", fired, err)
	}
}
