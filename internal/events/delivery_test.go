package events_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
)

// Every change of a task reaches a subscribed receiver, signed, in the
// order of the changes, with the task as it was after each change.
func TestEveryChangeIsDeliveredSignedInOrder(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r)
	w := e.worker(true)

	task := e.task(t, e.ctx, e.mapID, "Send the pricing sheet", nil)
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("Send the pricing sheet v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusPending)}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.DeleteTask(e.ctx, task.ID); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)

	got := r.deliveries()
	want := []string{"TASK_CREATED", "TASK_UPDATED", "TASK_COMPLETED", "TASK_REOPENED", "TASK_DELETED"}
	if !slices.Equal(types(got), want) {
		t.Fatalf("event types %v, want %v", types(got), want)
	}
	ids := map[string]bool{}
	for i, d := range got {
		if d.Event.AccountID != e.acct.ID || d.Task.ID != task.ID {
			t.Errorf("delivery %d: account %d task %d, want %d and %d", i, d.Event.AccountID, d.Task.ID, e.acct.ID, task.ID)
		}
		if !strings.HasSuffix(d.Event.OccurredAt, "Z") || len(d.Event.OccurredAt) != len("2026-12-01T10:00:00.000Z") {
			t.Errorf("occurred_at %q", d.Event.OccurredAt)
		}
		if ids[d.EventID] {
			t.Errorf("event_id %s twice", d.EventID)
		}
		ids[d.EventID] = true
	}
	if got[1].Task.Name != "Send the pricing sheet v2" || got[2].Task.Status != taskbox.StatusCompleted || got[3].Task.Status != taskbox.StatusPending {
		t.Errorf("the data is not the task after each change: %s / %s / %s", got[1].Body, got[2].Body, got[3].Body)
	}
	if got[0].Task.Lead == nil || got[0].Task.Lead.Email != "acme@example.com" || got[0].Task.Campaign == nil {
		t.Errorf("the task lacks its lead and campaign: %s", got[0].Body)
	}
	// Everything dispatched and delivered: nothing queued.
	if outbox, pending, err := e.db.QueueDepth(context.Background()); err != nil || outbox != 0 || pending != 0 {
		t.Errorf("queue depth %d outbox, %d deliveries (%v), want none", outbox, pending, err)
	}
}

// A webhook gets only the event types it subscribed to, and bulk changes
// make one event per task.
func TestSubscriptionFiltersEventTypes(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCompleted)
	w := e.worker(true)
	tasks, err := e.db.BulkCreateTasks(e.ctx, []*taskbox.TaskCreate{{LeadMapID: e.mapID, Name: "a"}, {LeadMapID: e.mapID, Name: "b"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.BulkUpdateTasks(e.ctx, &taskbox.BulkUpdate{IDs: []int64{tasks[0].ID, tasks[1].ID},
		Set: taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	got := r.deliveries()
	if !slices.Equal(types(got), []string{"TASK_COMPLETED", "TASK_COMPLETED"}) {
		t.Fatalf("types %v, want two TASK_COMPLETED", types(got))
	}
	// Different tasks go out concurrently: no order between them.
	if ids := []int64{got[0].Task.ID, got[1].Task.ID}; !slices.Contains(ids, tasks[0].ID) || !slices.Contains(ids, tasks[1].ID) {
		t.Errorf("tasks %v; want %d and %d", ids, tasks[0].ID, tasks[1].ID)
	}
}

// A receiver that answers 500 and then 200 gets the event twice with one
// event_id, and the deliveries log shows both attempts.
func TestRetryAfter500KeepsTheEventID(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t, 500)
	hook := e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	reg := prometheus.NewRegistry()
	w := e.worker(true)
	w.Metrics = events.NewMetrics(reg)
	task := e.task(t, e.ctx, e.mapID, "Call them Thursday", nil)

	e.drain(t, w)
	if r.count() != 1 {
		t.Fatalf("%d POSTs before the retry is due, want 1", r.count())
	}
	ds, err := e.db.ListDeliveries(e.ctx, hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Status != taskbox.DeliveryPending || ds[0].NextRetryAt == nil || len(ds[0].Attempts) != 1 {
		t.Fatalf("after the 500: %+v", ds)
	}
	a := ds[0].Attempts[0]
	if a.StatusCode == nil || *a.StatusCode != 500 || a.Error == nil || !strings.Contains(*a.Error, "500") {
		t.Errorf("first attempt %+v", a)
	}
	wait := ds[0].NextRetryAt.Sub(e.clock.Now().Time)
	if wait < 3*time.Second || wait > 7*time.Second {
		t.Errorf("first retry in %s, want about 5s with jitter", wait)
	}

	e.clock.Advance(wait + time.Millisecond)
	e.drain(t, w)
	got := r.deliveries()
	if len(got) != 2 || got[0].EventID != got[1].EventID || got[0].Task.ID != task.ID {
		t.Fatalf("deliveries %d with event ids %v, want the same event twice", len(got), []string{got[0].EventID, got[len(got)-1].EventID})
	}
	if string(got[0].Body) != string(got[1].Body) {
		t.Errorf("the retry's body differs:\n%s\n%s", got[0].Body, got[1].Body)
	}
	ds, _ = e.db.ListDeliveries(e.ctx, hook.ID)
	if ds[0].Status != taskbox.DeliveryDelivered || ds[0].NextRetryAt != nil || len(ds[0].Attempts) != 2 || *ds[0].Attempts[1].StatusCode != 200 {
		t.Errorf("after the 200: %+v", ds[0])
	}
	if v := testutil.ToFloat64(w.Metrics.Delivered); v != 1 {
		t.Errorf("deliveries metric %v, want 1", v)
	}
	if v := testutil.ToFloat64(w.Metrics.Retries); v != 1 {
		t.Errorf("retries metric %v, want 1", v)
	}
	if v := testutil.ToFloat64(w.Metrics.Attempts.WithLabelValues("http_error")); v != 1 {
		t.Errorf("http_error attempts %v, want 1", v)
	}
	if n, err := testutil.GatherAndCount(reg, "taskbox_webhook_deliveries_total", "taskbox_webhook_failures_total"); err != nil || n != 2 {
		t.Errorf("registered collectors %d (%v)", n, err)
	}
}

// A receiver that never answers 2xx is retried with growing waits for 24
// hours; then the delivery is failed, visible, and can be sent again with
// its event_id.
func TestRetriesForADayThenFailedAndRedeliverable(t *testing.T) {
	e := newEnv(t)
	statuses := make([]int, 1000)
	for i := range statuses {
		statuses[i] = 503
	}
	r := newReceiver(t, statuses...)
	hook := e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	w := e.worker(true)
	e.task(t, e.ctx, e.mapID, "Chase the contract", nil)
	start := e.clock.Now().Time

	var waits []time.Duration
	for i := 0; i < 500; i++ {
		e.drain(t, w)
		ds, err := e.db.ListDeliveries(e.ctx, hook.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ds[0].Status == taskbox.DeliveryFailed {
			break
		}
		wait := ds[0].NextRetryAt.Sub(e.clock.Now().Time)
		waits = append(waits, wait)
		e.clock.Advance(wait)
	}
	ds, _ := e.db.ListDeliveries(e.ctx, hook.ID)
	d := ds[0]
	if d.Status != taskbox.DeliveryFailed {
		t.Fatalf("status %s after %d attempts", d.Status, len(d.Attempts))
	}
	last := d.Attempts[len(d.Attempts)-1].At.Time
	if span := last.Sub(start); span < 24*time.Hour || span > 25*time.Hour {
		t.Errorf("retried for %s, want 24 hours (%d attempts)", span, len(d.Attempts))
	}
	if waits[3] <= waits[0] || waits[6] <= waits[3] {
		t.Errorf("waits do not grow: %v", waits[:8])
	}
	for _, wait := range waits {
		if wait > 15*time.Minute*5/4 {
			t.Errorf("a wait of %s exceeds the cap", wait)
		}
	}
	if v := testutil.ToFloat64(w.Metrics.Failed); v != 1 {
		t.Errorf("failures metric %v, want 1", v)
	}

	// Re-sent: pending again at once, same event, and delivered.
	r.mu.Lock()
	r.statuses = nil
	r.mu.Unlock()
	red, err := e.db.Redeliver(e.ctx, hook.ID, d.ID)
	if err != nil || red.Status != taskbox.DeliveryPending || red.EventID != d.EventID {
		t.Fatalf("Redeliver: %+v, %v", red, err)
	}
	e.drain(t, w)
	got := r.deliveries()
	if got[len(got)-1].EventID != d.EventID {
		t.Errorf("re-sent event_id %s, want %s", got[len(got)-1].EventID, d.EventID)
	}
	ds, _ = e.db.ListDeliveries(e.ctx, hook.ID)
	if ds[0].Status != taskbox.DeliveryDelivered {
		t.Errorf("after the re-send: %s", ds[0].Status)
	}
}

// While a task's first event waits out a retry, its later events wait
// behind it, and then follow it in order.
func TestLaterEventsOfATaskWaitBehindARetry(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t, 500)
	e.subscribe(t, e.ctx, r)
	w := e.worker(true)
	a := e.task(t, e.ctx, e.mapID, "a", nil)
	e.drain(t, w) // a's TASK_CREATED fails once
	if _, err := e.db.UpdateTask(e.ctx, a.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if r.count() != 1 {
		t.Fatalf("TASK_COMPLETED overtook the TASK_CREATED that waits for its retry: %v", types(r.deliveries()))
	}
	e.clock.Advance(10 * time.Second)
	e.drain(t, w)
	if got := types(r.deliveries()); !slices.Equal(got, []string{"TASK_CREATED", "TASK_CREATED", "TASK_COMPLETED"}) {
		t.Fatalf("after the retry: %v", got)
	}
}

// Another task's events are not held up by one that waits; and once the
// receiver answers 2xx again, the deliveries waiting out a backoff go out
// at once (a receiver back from an outage gets its backlog), each task's
// in order.
func TestBacklogGoesOutWhenTheReceiverIsBack(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t, 500, 500)
	e.subscribe(t, e.ctx, r)
	w := e.worker(true)
	a := e.task(t, e.ctx, e.mapID, "a", nil)
	b := e.task(t, e.ctx, e.mapID, "b", nil)
	e.drain(t, w) // both TASK_CREATED fail
	if _, err := e.db.UpdateTask(e.ctx, a.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	c := e.task(t, e.ctx, e.mapID, "c", nil) // not held up: delivered, and the receiver is back
	e.drain(t, w)
	perTask := map[int64][]string{}
	for _, d := range r.deliveries() {
		perTask[d.Task.ID] = append(perTask[d.Task.ID], d.Event.Type)
	}
	if !slices.Equal(perTask[a.ID], []string{"TASK_CREATED", "TASK_CREATED", "TASK_COMPLETED"}) ||
		!slices.Equal(perTask[b.ID], []string{"TASK_CREATED", "TASK_CREATED"}) || !slices.Equal(perTask[c.ID], []string{"TASK_CREATED"}) {
		t.Fatalf("without waiting for the backoff: %v", perTask)
	}
}

// Without --webhook-allow-private, a webhook whose address is loopback is
// refused when the connection is made, and the attempt says why.
func TestPrivateAddressRefusedAtDialTime(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	hook := e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	w := e.worker(false)
	e.task(t, e.ctx, e.mapID, "a", nil)
	e.drain(t, w)
	if r.count() != 0 {
		t.Fatalf("the receiver on 127.0.0.1 got %d POSTs", r.count())
	}
	ds, err := e.db.ListDeliveries(e.ctx, hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := ds[0].Attempts[0]
	if a.StatusCode != nil || a.Error == nil || !strings.Contains(*a.Error, "127.0.0.1 is not a public address") {
		t.Errorf("attempt %+v (error %q)", a, deref(a.Error))
	}
	if v := testutil.ToFloat64(w.Metrics.Attempts.WithLabelValues("refused")); v != 1 {
		t.Errorf("refused attempts %v", v)
	}
	// The gauge was read at the first tick: one delivery waiting, no change
	// left to dispatch.
	if v := testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("deliveries")); v != 1 {
		t.Errorf("deliveries queue depth %v, want 1", v)
	}
	if v := testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("outbox")); v != 0 {
		t.Errorf("outbox queue depth %v, want 0", v)
	}
}

// A name that resolves to loopback is refused too: the check is on the
// resolved address.
func TestNameResolvingToLoopbackRefused(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	port := r.srv.URL[strings.LastIndex(r.srv.URL, ":")+1:]
	hook, err := e.db.CreateWebhook(e.ctx, &taskbox.WebhookCreate{URL: "http://localhost:" + port + "/hook", Events: []string{taskbox.EventTypeTaskCreated}})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = hook.Secret
	e.task(t, e.ctx, e.mapID, "a", nil)
	e.drain(t, e.worker(false))
	ds, _ := e.db.ListDeliveries(e.ctx, hook.ID)
	if r.count() != 0 || ds[0].Attempts[0].Error == nil || !strings.Contains(*ds[0].Attempts[0].Error, "not a public address") {
		t.Errorf("localhost reached (%d POSTs) or not refused: %+v", r.count(), ds[0].Attempts)
	}
}

// A redirect is not followed: it counts as a failed attempt.
func TestRedirectNotFollowed(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t, 302)
	hook := e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	e.task(t, e.ctx, e.mapID, "a", nil)
	e.drain(t, e.worker(true))
	ds, _ := e.db.ListDeliveries(e.ctx, hook.ID)
	if r.count() != 1 || ds[0].Status != taskbox.DeliveryPending || *ds[0].Attempts[0].StatusCode != 302 {
		t.Errorf("%d POSTs, delivery %+v", r.count(), ds[0])
	}
}

// A webhook of one account never receives another account's events.
func TestEventsStayInTheirAccount(t *testing.T) {
	e := newEnv(t)
	ra, rb := newReceiver(t), newReceiver(t)
	e.subscribe(t, e.ctx, ra)
	ctxB, acctB, mapB := e.account(t, "globex", "")
	e.subscribe(t, ctxB, rb)
	e.task(t, e.ctx, e.mapID, "acme's", nil)
	e.task(t, ctxB, mapB, "globex's", nil)
	e.drain(t, e.worker(true))
	if got := ra.deliveries(); len(got) != 1 || got[0].Task.Name != "acme's" || got[0].Event.AccountID != e.acct.ID {
		t.Errorf("acme's receiver: %v", types(got))
	}
	if got := rb.deliveries(); len(got) != 1 || got[0].Task.Name != "globex's" || got[0].Event.AccountID != acctB.ID {
		t.Errorf("globex's receiver: %v", types(got))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// Delivered deliveries leave the log after the retention; pending ones stay.
func TestOldDeliveriesForgotten(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t)
	hook := e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskCreated)
	w := e.worker(true)
	e.task(t, e.ctx, e.mapID, "old", nil)
	e.drain(t, w)
	r.mu.Lock()
	r.statuses = []int{500}
	r.mu.Unlock()
	e.clock.Advance(31 * 24 * time.Hour)
	e.task(t, e.ctx, e.mapID, "pending", nil)
	e.drain(t, w)
	ds, _ := e.db.ListDeliveries(e.ctx, hook.ID)
	if len(ds) != 1 || ds[0].Status != taskbox.DeliveryPending {
		t.Fatalf("after 31 days: %+v", ds)
	}
}
