// Package events carries task changes out of the database: it dispatches
// the transactional outbox (the audit trail's undispatched rows) into
// webhook deliveries, fires TASK_DUE when due times arrive, delivers signed
// webhooks with retries, and renders the iCalendar feed.
package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
)

// Policy is how failed deliveries are retried: the wait after a failure is
// the time since the first attempt (so waits double: First, First, 2×First,
// 4×First, …), at least First and at most Max, with ±25% jitter, until the
// delivery has been failing for RetryFor; then it is marked failed.
type Policy struct {
	First, Max, RetryFor time.Duration
}

// DefaultPolicy retries for 24 hours, at most 15 minutes apart.
var DefaultPolicy = Policy{First: 5 * time.Second, Max: 15 * time.Minute, RetryFor: 24 * time.Hour}

// next returns the state after a failed attempt at now.
func (p Policy) next(now, since time.Time) (status string, at time.Time) {
	elapsed := now.Sub(since)
	if elapsed >= p.RetryFor {
		return taskbox.DeliveryFailed, time.Time{}
	}
	wait := min(max(elapsed, p.First), p.Max)
	wait = time.Duration(float64(wait) * (0.75 + rand.Float64()/2))
	return taskbox.DeliveryPending, now.Add(wait)
}

// Worker runs the event pipeline of one server: every Poll it dispatches
// the outbox, fires the timers whose time has come (TASK_DUE and the
// others of store.FireTimers) and claims due deliveries,
// which it sends concurrently. Several servers on one PostgreSQL database
// each run one; the store's locks keep them from doing the same work twice.
type Worker struct {
	DB      Store        // a *store.DB
	Client  *http.Client // netguard.NewClient(false) unless set
	Logger  *slog.Logger
	Metrics *Metrics // NewMetrics(nil) unless set
	Policy  Policy   // DefaultPolicy unless set
	// Poll is how often the worker looks for work (default 200ms).
	Poll time.Duration
	// Lease is how long a claimed delivery is this server's (default one
	// minute): a server that dies mid-attempt leaves it to be tried again
	// after that.
	Lease time.Duration
	// Concurrency bounds the attempts in flight (default 16).
	Concurrency int
	// Retention is how long delivered and failed deliveries stay in the
	// log (default 30 days).
	Retention time.Duration
	// Mail sends the queued mails; nil: mail is off.
	Mail *Mail

	cancel   context.CancelFunc
	done     sync.WaitGroup
	inflight sync.WaitGroup
	sem      chan struct{}
	freed    chan struct{} // an attempt ended while the claims were full
	full     bool          // the last claim took every free slot
	depthDue time.Time
	sweepDue time.Time
	warned   map[string]time.Time // when each kind of failure was last logged
	mailing  sync.Mutex           // held while a tick's mails go out
}

// batch bounds the rows of one dispatch or firing transaction.
const batch = 200

// depthEvery is how often the queue depth gauge is refreshed.
const depthEvery = 5 * time.Second

// Start runs the worker until Stop.
func (w *Worker) Start(ctx context.Context) {
	w.init()
	ctx, w.cancel = context.WithCancel(ctx)
	w.done.Add(1)
	go w.run(ctx)
}

// init fills in the defaults, once.
func (w *Worker) init() {
	if w.sem != nil {
		return
	}
	if w.Client == nil {
		w.Client = netguard.NewClient(false)
	}
	if w.Metrics == nil {
		w.Metrics = NewMetrics(nil)
	}
	if w.Policy == (Policy{}) {
		w.Policy = DefaultPolicy
	}
	if w.Poll <= 0 {
		w.Poll = 200 * time.Millisecond
	}
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Concurrency <= 0 {
		w.Concurrency = 16
	}
	if w.Retention <= 0 {
		w.Retention = 30 * 24 * time.Hour
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	w.sem = make(chan struct{}, w.Concurrency)
	w.freed = make(chan struct{}, 1)
}

// Stop ends the worker and waits for it: attempts in flight are abandoned
// unrecorded, and their leases let another server (or the next start) send
// them again.
func (w *Worker) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	w.done.Wait()
}

func (w *Worker) run(ctx context.Context) {
	defer w.done.Done()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		w.Tick(ctx)
		// While deliveries are waiting (the last claim filled every slot),
		// claim again as soon as an attempt ends, not at the next poll:
		// a backlog drains at the receivers' pace.
		var freed <-chan struct{}
		if w.full {
			freed = w.freed
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-freed:
		}
	}
}

// Wait waits for the attempts in flight.
func (w *Worker) Wait() { w.inflight.Wait() }

// Tick does one round of work: dispatch, fire, claim and start sending.
// It returns how many attempts it started.
func (w *Worker) Tick(ctx context.Context) (started int) {
	w.init()
	for range 10 {
		n, err := w.DB.DispatchOutbox(ctx, batch)
		if err != nil {
			w.outboxFailed(ctx, err)
		}
		if n < batch {
			break
		}
	}
	// Received SmartLead events: each processed once, in its own
	// transaction, by whichever server takes it.
	if n, err := w.DB.ProcessInbound(ctx, batch); err != nil {
		w.warn(ctx, "process smartlead events", err)
	} else {
		w.Metrics.InboundProcessed.Add(float64(n))
	}
	if n, err := w.DB.FireTimers(ctx, batch); err != nil {
		w.warn(ctx, "fire timers", err)
	} else {
		w.Metrics.DueFired.Add(float64(n[store.TimerDue]))
		for kind, k := range n {
			w.Metrics.TimersFired.WithLabelValues(kind).Add(float64(k))
		}
	}
	w.sendMails(ctx)
	w.full = len(w.sem) == cap(w.sem) // every slot busy: claim when one frees
	if free := cap(w.sem) - len(w.sem); free > 0 {
		ds, err := w.DB.ClaimDeliveries(ctx, w.Lease, free)
		if err != nil {
			w.warn(ctx, "claim deliveries", err)
		}
		w.full = len(ds) == free
		for _, d := range ds {
			w.sem <- struct{}{}
			w.done.Add(1)
			w.inflight.Add(1)
			started++
			go func() {
				defer func() {
					<-w.sem
					select {
					case w.freed <- struct{}{}:
					default:
					}
					w.inflight.Done()
					w.done.Done()
				}()
				w.deliver(ctx, d)
			}()
		}
	}
	if now := w.DB.Time().Time; now.After(w.depthDue) {
		w.depthDue = now.Add(depthEvery)
		w.gauge(ctx)
	}
	if now := w.DB.Time().Time; now.After(w.sweepDue) {
		w.sweepDue = now.Add(time.Hour)
		if _, err := w.DB.DeleteOldDeliveries(ctx, now.Add(-w.Retention), 10000); err != nil {
			w.warn(ctx, "delete old deliveries", err)
		}
		if w.Mail != nil {
			if _, err := w.Mail.Queue.DeleteOldMails(ctx, now.Add(-w.Retention), 10000); err != nil {
				w.warn(ctx, "delete old mails", err)
			}
		}
	}
	return started
}

// gauge refreshes the queue depth gauges.
func (w *Worker) gauge(ctx context.Context) {
	outbox, pending, err := w.DB.QueueDepth(ctx)
	if err != nil {
		w.warn(ctx, "queue depth", err)
		return
	}
	parked, err := w.DB.ParkedOutbox(ctx)
	if err != nil {
		w.warn(ctx, "queue depth", err)
		return
	}
	w.Metrics.QueueDepth.WithLabelValues("outbox").Set(float64(outbox))
	w.Metrics.QueueDepth.WithLabelValues("deliveries").Set(float64(pending))
	w.Metrics.QueueDepth.WithLabelValues("parked").Set(float64(parked))
}

// outboxFailed counts and logs the changes that failed to dispatch, or
// warns of a dispatch that failed as a whole (the next tick tries again).
func (w *Worker) outboxFailed(ctx context.Context, err error) {
	var oe *store.OutboxError
	if !errors.As(err, &oe) {
		w.warn(ctx, "dispatch outbox", err)
		return
	}
	for _, f := range oe.Failures {
		w.Metrics.OutboxFailures.Inc()
		attrs := []any{"event", f.EventID, "account", f.AccountID, "task", f.TaskID, "tries", f.Tries, "err", f.Error}
		if f.ParkedAt != nil {
			w.Metrics.OutboxParked.Inc()
			w.Logger.Error("task change parked after failing to dispatch: it and its task's later changes wait for taskbox outbox retry or drop", attrs...)
			continue
		}
		w.Logger.Warn("task change failed to dispatch; tried again later", append(attrs, "next_try", f.NextAt.String())...)
	}
}

// warn logs a failed step of the worker, once a minute at most for each
// kind: while the database is away every tick fails the same way.
func (w *Worker) warn(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	now := time.Now()
	if last, ok := w.warned[what]; ok && now.Sub(last) < time.Minute {
		return
	}
	if w.warned == nil {
		w.warned = map[string]time.Time{}
	}
	w.warned[what] = now
	w.Logger.Warn(what, "err", err)
}

// deliver makes one attempt and records it.
func (w *Worker) deliver(ctx context.Context, d *store.OutgoingDelivery) {
	at := w.DB.Time()
	start := time.Now()
	code, result, msg := w.post(ctx, d, at.Unix())
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and the delivery is sent again
	}
	latency := time.Since(start)
	w.Metrics.Latency.Observe(latency.Seconds())
	w.Metrics.Attempts.WithLabelValues(result).Inc()
	r := store.AttemptResult{
		Attempt: taskbox.DeliveryAttempt{At: at, StatusCode: code, LatencyMS: latency.Milliseconds()},
		Status:  taskbox.DeliveryDelivered,
	}
	if result != "success" {
		r.Attempt.Error = &msg
		r.Status, r.NextAt = w.Policy.next(w.DB.Time().Time, d.RetrySince)
		if r.Status == taskbox.DeliveryFailed {
			w.Metrics.Failed.Inc()
		} else {
			w.Metrics.Retries.Inc()
		}
	} else {
		w.Metrics.Delivered.Inc()
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.DB.RecordAttempt(rctx, d.ID, r); err != nil {
		w.Logger.Warn("record delivery attempt", "delivery", d.ID, "err", err)
	}
}

// post sends the delivery once. result is success, http_error, no_answer
// or refused; msg says in a sentence why it failed.
func (w *Worker) post(ctx context.Context, d *store.OutgoingDelivery, t int64) (code *int, result, msg string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return nil, "refused", "The webhook URL cannot be requested: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "taskbox-webhooks")
	req.Header.Set("X-Taskbox-Event-Id", d.EventID)
	req.Header.Set("X-Taskbox-Event-Type", d.EventType)
	req.Header.Set("X-Taskbox-Signature", Signature(d.Secret, t, d.Body))
	res, err := w.Client.Do(req)
	if err != nil {
		var refused *netguard.RefusedError
		var ue *url.Error
		switch {
		case errors.As(err, &refused):
			return nil, "refused", "Refused: " + refused.Error() + "."
		case errors.As(err, &ue) && ue.Timeout():
			return nil, "no_answer", "No answer within 10 seconds."
		case errors.As(err, &ue):
			return nil, "no_answer", "No answer: " + ue.Err.Error() + "."
		}
		return nil, "no_answer", "No answer: " + err.Error() + "."
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	c := res.StatusCode
	switch {
	case c >= 200 && c < 300:
		return &c, "success", ""
	case c >= 300 && c < 400:
		return &c, "http_error", fmt.Sprintf("The receiver answered %d; redirects are not followed.", c)
	}
	return &c, "http_error", fmt.Sprintf("The receiver answered %d.", c)
}
