package events_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
)

// fakeStore is the worker's Store without a database: it answers what the
// test set, and keeps the attempts recorded.
type fakeStore struct {
	now         taskbox.Timestamp
	dispatchErr error // answered once
	fireErr     error
	claim       []*store.OutgoingDelivery // handed out once

	mu       sync.Mutex
	recorded map[int64]store.AttemptResult
}

var _ events.Store = (*fakeStore)(nil)

func (f *fakeStore) Time() taskbox.Timestamp { return f.now }

func (f *fakeStore) DispatchOutbox(context.Context, int) (int, error) {
	err := f.dispatchErr
	f.dispatchErr = nil
	return 0, err
}

func (f *fakeStore) FireTimers(context.Context, int) (map[string]int, error) { return nil, f.fireErr }

func (f *fakeStore) ProcessInbound(context.Context, int) (int, error) { return 0, nil }

func (f *fakeStore) ClaimDeliveries(context.Context, time.Duration, int) ([]*store.OutgoingDelivery, error) {
	ds := f.claim
	f.claim = nil
	return ds, nil
}

func (f *fakeStore) RecordAttempt(_ context.Context, id int64, r store.AttemptResult) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recorded[id] = r
	return nil
}

func (f *fakeStore) DeleteOldDeliveries(context.Context, time.Time, int) (int64, error) {
	return 0, nil
}

func (f *fakeStore) QueueDepth(context.Context) (int64, int64, error) { return 3, 1, nil }

func (f *fakeStore) ParkedOutbox(context.Context) (int64, error) { return 1, nil }

// lockedBuffer is a log the worker's goroutines may write together.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The worker runs on anything that has the Store's methods: with a fake,
// it counts and logs the changes that failed to dispatch, goes on past a
// step that fails (logged once, however many ticks it fails), sends the
// claimed delivery signed and records it at the store's time, and reports
// the store's queue depths.
func TestWorkerOverAFakeStore(t *testing.T) {
	r := newReceiver(t)
	r.secret = "whsec_fake"
	now := taskbox.Timestamp{Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	next := taskbox.Timestamp{Time: now.Add(store.OutboxFirstWait)}
	f := &fakeStore{
		now: now,
		dispatchErr: &store.OutboxError{Failures: []store.OutboxFailure{
			{EventID: 7, TaskID: 70, Tries: store.OutboxTries, Error: "invalid character", ParkedAt: &now},
			{EventID: 8, TaskID: 80, Tries: 1, Error: "invalid character", NextAt: &next},
		}},
		fireErr: errors.New("the database is away"),
		claim: []*store.OutgoingDelivery{{ID: 1, URL: r.srv.URL, Secret: r.secret, EventID: "evt_9", EventType: taskbox.EventTypeTaskCreated,
			Body:       []byte(`{"event_id":"evt_9","event_type":"TASK_CREATED","occurred_at":"2026-12-01T10:00:00.000Z","account_id":1,"data":{"id":5}}`),
			RetrySince: now.Time}},
		recorded: map[int64]store.AttemptResult{},
	}
	log := &lockedBuffer{}
	w := &events.Worker{DB: f, Client: netguard.NewClient(true), Metrics: events.NewMetrics(nil), Logger: slog.New(slog.NewTextHandler(log, nil))}
	ctx := context.Background()
	if n := w.Tick(ctx); n != 1 {
		t.Fatalf("the first tick started %d attempts, want 1", n)
	}
	w.Wait()
	if n := w.Tick(ctx); n != 0 {
		t.Fatalf("the second tick started %d attempts, want 0", n)
	}
	w.Wait()

	if got := r.deliveries(); len(got) != 1 || got[0].EventID != "evt_9" || got[0].Task.ID != 5 {
		t.Errorf("the receiver got %+v, want evt_9 once", got)
	}
	f.mu.Lock()
	rec, ok := f.recorded[1]
	f.mu.Unlock()
	if !ok || rec.Status != taskbox.DeliveryDelivered || !rec.Attempt.At.Equal(now.Time) || rec.Attempt.StatusCode == nil || *rec.Attempt.StatusCode != 200 {
		t.Errorf("recorded %+v (%v), want delivered with a 200 at the store's time", rec, ok)
	}
	for name, c := range map[string]struct{ got, want float64 }{
		"failures":          {testutil.ToFloat64(w.Metrics.OutboxFailures), 2},
		"parked":            {testutil.ToFloat64(w.Metrics.OutboxParked), 1},
		"delivered":         {testutil.ToFloat64(w.Metrics.Delivered), 1},
		"depth outbox":      {testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("outbox")), 3},
		"depth deliveries":  {testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("deliveries")), 1},
		"depth parked":      {testutil.ToFloat64(w.Metrics.QueueDepth.WithLabelValues("parked")), 1},
		"fired (it failed)": {testutil.ToFloat64(w.Metrics.DueFired), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", name, c.got, c.want)
		}
	}
	out := log.String()
	if n := strings.Count(out, "fire timers"); n != 1 {
		t.Errorf("the failing step was logged %d times in two ticks, want once:\n%s", n, out)
	}
	for _, want := range []string{"level=ERROR msg=\"task change parked", "event=7", "level=WARN msg=\"task change failed to dispatch; tried again later\" event=8"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}
