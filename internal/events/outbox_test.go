package events_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/store"
)

// ofTask returns the event types of the deliveries r got for task id.
func ofTask(r *receiver, id int64) []string {
	var out []string
	for _, d := range r.deliveries() {
		if d.Task.ID == id {
			out = append(out, d.Event.Type)
		}
	}
	return out
}

// failure returns the one failed outbox row.
func (e *env) failure(t *testing.T) store.OutboxFailure {
	t.Helper()
	fs, err := e.db.OutboxFailures(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("%d failed outbox rows, want 1: %+v", len(fs), fs)
	}
	return fs[0]
}

// rename renames a task of e's account.
func (e *env) rename(t *testing.T, id int64, name string) {
	t.Helper()
	if _, err := e.db.UpdateTask(e.ctx, id, &taskbox.TaskUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
}

// One task change that cannot be dispatched (its stored task is not JSON)
// holds back only its own task's later changes, its TASK_DUE included:
// every other task's and account's changes go out at once. It is tried
// again after growing waits (by the injected clock), then parked and
// counted in the metrics; a retry while it is still broken parks it again
// at once, and a retry after it is repaired sends its task's events in
// order.
func TestPoisonedChangeIsParkedAndHoldsOnlyItsTask(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r)
	ctx2, _, map2 := e.account(t, "globex", "")
	r2 := newReceiver(t)
	e.subscribe(t, ctx2, r2)
	w := e.worker(true)
	w.Metrics = events.NewMetrics(prometheus.NewRegistry())
	parked := func() float64 { return testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("parked")) }

	due := e.clock.Now().Add(time.Minute).Format(time.RFC3339)
	bad := e.task(t, e.ctx, e.mapID, "Poisoned", &due)
	e.tdb.Exec(t, fmt.Sprintf(`UPDATE task_events SET task = '{"id": not json' WHERE task_id = %d`, bad.ID))
	e.rename(t, bad.ID, "Poisoned, renamed")
	good := e.task(t, e.ctx, e.mapID, "Healthy", nil)
	other := e.task(t, ctx2, map2, "Another account's", nil)
	e.drain(t, w)

	if got := ofTask(r, good.ID); !slices.Equal(got, []string{"TASK_CREATED"}) {
		t.Errorf("the healthy task's deliveries: %v, want its TASK_CREATED", got)
	}
	if got := ofTask(r2, other.ID); !slices.Equal(got, []string{"TASK_CREATED"}) {
		t.Errorf("the other account's deliveries: %v, want its TASK_CREATED", got)
	}
	if got := ofTask(r, bad.ID); len(got) != 0 {
		t.Fatalf("the poisoned task's deliveries: %v, want none", got)
	}
	f := e.failure(t)
	if f.TaskID != bad.ID || f.AccountID != e.acct.ID || f.EventType != taskbox.EventTypeTaskCreated || f.Tries != 1 ||
		f.ParkedAt != nil || f.NextAt == nil || !f.NextAt.Equal(e.clock.Now().Add(store.OutboxFirstWait)) || f.Waiting != 1 ||
		!strings.HasPrefix(f.Error, "the task stored with the change is not JSON: invalid character") {
		t.Errorf("failure %+v (next try %v), want try 1 of the TASK_CREATED, next in %v, its rename waiting", f, f.NextAt, store.OutboxFirstWait)
	}

	// Tried again only when its wait is over, which doubles; the other
	// tasks' changes go on meanwhile.
	e.clock.Advance(store.OutboxFirstWait - time.Second)
	e.drain(t, w)
	if f := e.failure(t); f.Tries != 1 {
		t.Fatalf("tried again %v early: %d tries", time.Second, f.Tries)
	}
	e.clock.Advance(time.Second)
	for try := 2; try <= store.OutboxTries; try++ {
		e.rename(t, good.ID, fmt.Sprintf("Healthy v%d", try))
		e.drain(t, w)
		f := e.failure(t)
		if f.Tries != try {
			t.Fatalf("%d tries after wait %d, want %d", f.Tries, try-1, try)
		}
		if try < store.OutboxTries {
			if want := e.clock.Now().Add(store.OutboxFirstWait << (try - 1)); f.NextAt == nil || !f.NextAt.Equal(want) {
				t.Fatalf("try %d: next at %v, want %v", try, f.NextAt, want)
			}
			e.clock.Advance(store.OutboxFirstWait << (try - 1))
		} else if f.ParkedAt == nil || f.NextAt != nil {
			t.Fatalf("not parked after %d tries: %+v", try, f)
		}
	}
	if n := len(ofTask(r, good.ID)); n != store.OutboxTries {
		t.Errorf("the healthy task got %d events while the other one failed, want %d", n, store.OutboxTries)
	}
	if v := testutil.ToFloat64(w.Metrics.OutboxFailures); v != store.OutboxTries {
		t.Errorf("taskbox_outbox_failures_total %v, want %d", v, store.OutboxTries)
	}
	if v := testutil.ToFloat64(w.Metrics.OutboxParked); v != 1 {
		t.Errorf("taskbox_outbox_parked_total %v, want 1", v)
	}
	if parked() != 1 {
		t.Errorf("parked queue depth %v, want 1", parked())
	}

	// Parked, it waits however long, and its task's TASK_DUE (due since
	// long ago) waits behind it.
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	if got := ofTask(r, bad.ID); len(got) != 0 {
		t.Fatalf("a parked task's deliveries: %v, want none", got)
	}
	if outbox, _, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 2 {
		t.Errorf("outbox depth %d (%v), want the parked change and the one behind it", outbox, err)
	}

	// A retry of the change still broken: one try, parked again at once.
	if err := e.db.RetryOutbox(e.ctx, f.EventID); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if f := e.failure(t); f.Tries != store.OutboxTries+1 || f.ParkedAt == nil {
		t.Fatalf("after a retry of the broken change: %+v, want parked after one more try", f)
	}

	// Repaired and retried: the task's events go out, in its order.
	e.tdb.Exec(t, fmt.Sprintf(`UPDATE task_events SET task = (SELECT l.task FROM task_events l WHERE l.task_id = %[1]d AND l.type = '%[2]s')
		WHERE task_id = %[1]d AND type = '%[3]s'`, bad.ID, taskbox.EventUpdated, taskbox.EventCreated))
	if err := e.db.RetryOutbox(e.ctx, f.EventID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute) // the gauge is read again
	e.drain(t, w)
	if got, want := ofTask(r, bad.ID), []string{"TASK_CREATED", "TASK_UPDATED", "TASK_DUE"}; !slices.Equal(got, want) {
		t.Errorf("the repaired task's deliveries: %v, want %v", got, want)
	}
	if fs, err := e.db.OutboxFailures(e.ctx); err != nil || len(fs) != 0 {
		t.Errorf("failed rows after the repair: %+v (%v), want none", fs, err)
	}
	if outbox, _, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 0 || parked() != 0 {
		t.Errorf("outbox depth %d (%v), parked %v after the repair, want 0", outbox, err, parked())
	}
}

// A dropped change is never sent, stays in the task's audit trail, and
// lets the later changes of its task go out. A task event with no stored
// task fails as one that is not JSON does; retry and drop of a row that
// has not failed are NOT_FOUND.
func TestDroppedChangeLetsItsTaskGoOn(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskUpdated)
	w := e.worker(true)
	task := e.task(t, e.ctx, e.mapID, "Lost its JSON", nil)
	e.tdb.Exec(t, fmt.Sprintf(`UPDATE task_events SET task = NULL WHERE task_id = %d`, task.ID))
	e.rename(t, task.ID, "Renamed")
	e.drain(t, w)
	if got := ofTask(r, task.ID); len(got) != 0 {
		t.Fatalf("deliveries %v before the drop, want none", got)
	}
	f := e.failure(t)
	if f.Tries != 1 || f.ParkedAt != nil || f.Waiting != 1 {
		t.Errorf("failure %+v, want a first try waiting for its second", f)
	}

	if err := e.db.DropOutbox(e.ctx, f.EventID); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if got := ofTask(r, task.ID); !slices.Equal(got, []string{"TASK_UPDATED"}) {
		t.Errorf("deliveries %v after the drop, want the rename's alone", got)
	}
	if evs, err := e.db.ListTaskEvents(e.ctx, task.ID); err != nil || len(evs) != 2 {
		t.Errorf("audit trail of %d entries (%v), want both changes", len(evs), err)
	}
	if outbox, _, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 0 {
		t.Errorf("outbox depth %d (%v), want 0", outbox, err)
	}
	for name, op := range map[string]func(int64) error{
		"drop":  func(id int64) error { return e.db.DropOutbox(e.ctx, id) },
		"retry": func(id int64) error { return e.db.RetryOutbox(e.ctx, id) },
	} {
		for _, id := range []int64{f.EventID, f.EventID + 1, 424242} { // dropped, dispatched, none
			err := op(id)
			if taskbox.ErrorCode(err) != taskbox.ENOTFOUND || taskbox.ErrorMessage(err) != fmt.Sprintf("No failed outbox row has id %d: taskbox outbox list shows them.", id) {
				t.Errorf("%s %d: %v, want NOT_FOUND", name, id, err)
			}
		}
	}
}
