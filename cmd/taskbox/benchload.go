package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// benchResult is one server's figures in one run.
type benchResult struct {
	rps           float64
	p50, p90, p99 time.Duration
	max           time.Duration
	ok, errors    int64
	cpuPerReq     time.Duration // the server's CPU time per request
	batch         float64       // write requests per group-commit transaction (0: not known)
	firstError    string
	kinds         []kindResult // the mixed profile's figures for each kind of request
}

// kindResult is one kind of request's latencies in a run of the mixed profile.
type kindResult struct {
	kind          string
	n             int
	p50, p90, p99 time.Duration
}

// requestKinds names the kinds of request t.request sends, by its answer.
var requestKinds = [...]string{"list", "get", "create", "complete"}

// kindsLine is the run's latencies by kind of request, or "" for one kind.
func (r benchResult) kindsLine() string {
	var b strings.Builder
	for _, k := range r.kinds {
		fmt.Fprintf(&b, "  %s %d: p50 %.2f p90 %.2f p99 %.2f ms", k.kind, k.n, ms(k.p50), ms(k.p90), ms(k.p99))
	}
	return b.String()
}

func (r benchResult) line(name string) string {
	s := fmt.Sprintf("%-24s %8.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %7d ok  %d errors  CPU %4.0f µs/req", name, r.rps,
		ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), r.ok, r.errors, float64(r.cpuPerReq.Nanoseconds())/1000)
	if r.batch > 0 {
		s += fmt.Sprintf("  batch %.1f", r.batch)
	}
	if r.firstError != "" {
		s += " (first: " + r.firstError + ")"
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadTarget is a server under load and what the requests need.
type loadTarget struct {
	base   string   // http://127.0.0.1:port
	bases  []string // every server of the target (base is the first): connections take them in turn
	key    string
	mapIDs []int64
	// taskIDs are tasks made before the mixed profile starts, for its
	// gets, and its completions until it has made tasks of its own.
	taskIDs []int64
	// pending are the tasks the mixed profile created and has not
	// completed yet, oldest first, for its completions: each completes a
	// pending task, not one that an earlier completion completed already.
	// A task created while it is full stays pending.
	pending chan int64
}

// maxPending bounds loadTarget.pending: creates outnumber completes two
// to one, so it fills up on a long run.
const maxPending = 1 << 16

// server is t with its ith server (of bases, in turn) as its base.
func (t *loadTarget) server(i int) *loadTarget {
	if len(t.bases) < 2 {
		return t
	}
	c := *t
	c.base = t.bases[i%len(t.bases)]
	return &c
}

// createBody is a create-task body for the nth request.
func (t *loadTarget) createBody(buf []byte, n int64) []byte {
	buf = append(buf[:0], `{"email_lead_map_id":`...)
	buf = strconv.AppendInt(buf, t.mapIDs[int(n%int64(len(t.mapIDs)))], 10)
	buf = append(buf, `,"name":"Follow up on enterprise proposal `...)
	buf = strconv.AppendInt(buf, n, 10)
	buf = append(buf, `","description":"Send pricing breakdown for 50-seat plan","priority":"HIGH","due_date":"2025-12-15T09:00:00Z"}`...)
	return buf
}

// seedTasks creates n tasks through the API for the mixed profile.
func (t *loadTarget) seedTasks(ctx context.Context, client *http.Client, n int) error {
	t.pending = make(chan int64, maxPending)
	var buf []byte
	for i := range n {
		buf = t.createBody(buf, int64(i))
		var out taskAnswer
		if err := t.do(ctx, client, "POST", "/api/v1/master-inbox/create-task", buf, &out); err != nil {
			return fmt.Errorf("seed tasks for the mixed profile: %w", err)
		}
		t.taskIDs = append(t.taskIDs, out.Data.ID)
	}
	return nil
}

// do sends one request and reads the answer; a status other than 200 is
// an error. out, when not nil, receives the JSON answer.
func (t *loadTarget) do(ctx context.Context, client *http.Client, method, path string, body []byte, out any) error {
	url := t.base + path + "?api_key=" + t.key
	if i := bytes.IndexByte([]byte(path), '?'); i >= 0 {
		url = t.base + path + "&api_key=" + t.key
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("%s %s: status %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// request sends the profile's nth request: always create-task for
// "create"; for "mixed", 35% list, 35% get, 20% create, 10% complete (of
// the oldest task the profile created and has not completed, or, before
// there is one, of a task made first). It returns the kind of request it
// sent, an index of requestKinds.
func (t *loadTarget) request(ctx context.Context, client *http.Client, profile string, n int64, rng *rand.Rand, buf *[]byte) (int, error) {
	if profile != "mixed" {
		*buf = t.createBody(*buf, n)
		return 2, t.do(ctx, client, "POST", "/api/v1/master-inbox/create-task", *buf, nil)
	}
	switch r := rng.IntN(100); {
	case r < 35:
		return 0, t.do(ctx, client, "GET", "/api/v1/master-inbox/tasks?status=pending&limit=20", nil, nil)
	case r < 70:
		return 1, t.do(ctx, client, "GET", "/api/v1/master-inbox/tasks/"+strconv.FormatInt(t.taskIDs[rng.IntN(len(t.taskIDs))], 10), nil, nil)
	case r >= 90:
		var id int64
		select {
		case id = <-t.pending:
		default:
			id = t.taskIDs[rng.IntN(len(t.taskIDs))]
		}
		return 3, t.do(ctx, client, "POST", "/api/v1/master-inbox/tasks/"+strconv.FormatInt(id, 10)+"/complete", nil, nil)
	}
	*buf = t.createBody(*buf, n)
	var out taskAnswer
	if err := t.do(ctx, client, "POST", "/api/v1/master-inbox/create-task", *buf, &out); err != nil {
		return 2, err
	}
	select {
	case t.pending <- out.Data.ID:
	default:
	}
	return 2, nil
}

// taskAnswer is the part of an answer that names a task that bench reads.
type taskAnswer struct {
	Data struct {
		ID int64 `json:"id"`
	} `json:"data"`
}

// latencies gathers a run's answers' latencies, by kind of request.
type latencies struct {
	mu     sync.Mutex
	byKind [len(requestKinds)][]time.Duration
}

func (l *latencies) add(kind int, d []time.Duration) {
	l.mu.Lock()
	l.byKind[kind] = append(l.byKind[kind], d...)
	l.mu.Unlock()
}

// summarize makes a run's figures from its answers' latencies, with each
// kind's when there was more than one kind.
func (l *latencies) summarize(elapsed time.Duration, fails int64, firstError string) (benchResult, error) {
	var all []time.Duration
	var kinds []kindResult
	for k, ds := range l.byKind {
		all = append(all, ds...)
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))] }
		kinds = append(kinds, kindResult{kind: requestKinds[k], n: len(ds), p50: at(0.50), p90: at(0.90), p99: at(0.99)})
	}
	r, err := summarize(all, elapsed, fails, firstError)
	if len(kinds) > 1 {
		r.kinds = kinds
	}
	return r, err
}

// drive sends the profile's requests to t from concurrency keep-alive
// connections for d and measures every answer.
func drive(ctx context.Context, t *loadTarget, profile string, concurrency int, d time.Duration) (benchResult, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu         sync.Mutex
		lat        latencies
		firstError string
		seq, fails atomic.Int64
		wg         sync.WaitGroup
	)
	start := time.Now()
	for w := range concurrency {
		wg.Add(1)
		t := t.server(w)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var buf []byte
			var mine [len(requestKinds)][]time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				kind, err := t.request(ctx, client, profile, seq.Add(1), rng, &buf)
				if err != nil {
					if ctx.Err() == nil {
						if fails.Add(1) == 1 {
							mu.Lock()
							firstError = err.Error()
							mu.Unlock()
						}
					}
					continue
				}
				mine[kind] = append(mine[kind], time.Since(t0))
			}
			for k, ds := range mine {
				lat.add(k, ds)
			}
		}()
	}
	wg.Wait()
	return lat.summarize(time.Since(start), fails.Load(), firstError)
}

// summarize makes a run's figures from its answers' latencies.
func summarize(latencies []time.Duration, elapsed time.Duration, fails int64, firstError string) (benchResult, error) {
	slices.Sort(latencies)
	r := benchResult{ok: int64(len(latencies)), errors: fails, firstError: firstError}
	if len(latencies) == 0 {
		return r, fmt.Errorf("no request succeeded (%d errors, first: %s)", r.errors, firstError)
	}
	at := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	r.rps, r.p50, r.p90, r.p99 = float64(len(latencies))/elapsed.Seconds(), at(0.50), at(0.90), at(0.99)
	r.max = latencies[len(latencies)-1]
	return r, nil
}

// maxInFlight bounds the requests a constant-rate run has open at once: a
// server that falls behind gets errors counted, not unbounded goroutines.
const maxInFlight = 4096

// driveRate sends the profile's requests to t at a constant rate per
// second for d, each on a schedule of its own whatever the answers before
// it, and measures each answer from the moment it was due to be sent (so
// that a stalled server is charged for the requests it held back, not only
// for the ones it answered).
func driveRate(ctx context.Context, t *loadTarget, profile string, rate int, d time.Duration) (benchResult, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var (
		mu         sync.Mutex
		lat        latencies
		firstError string
		fails      atomic.Int64
		wg         sync.WaitGroup
		slots      = make(chan struct{}, maxInFlight)
	)
	fail := func(err error) {
		if fails.Add(1) == 1 {
			mu.Lock()
			firstError = err.Error()
			mu.Unlock()
		}
	}
	interval := time.Second / time.Duration(rate)
	total := int64(float64(rate) * d.Seconds())
	start := time.Now()
	for n := range total {
		due := start.Add(time.Duration(n) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return benchResult{}, ctx.Err()
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			fail(errors.New("too many requests open at once"))
			continue
		}
		wg.Add(1)
		t := t.server(int(n))
		go func() {
			defer func() { <-slots; wg.Done() }()
			rng := rand.New(rand.NewPCG(uint64(n), uint64(start.UnixNano())))
			var buf []byte
			kind, err := t.request(ctx, client, profile, n, rng, &buf)
			if err != nil {
				fail(err)
				return
			}
			lat.add(kind, []time.Duration{time.Since(due)})
		}()
	}
	wg.Wait()
	return lat.summarize(time.Since(start), fails.Load(), firstError)
}

// median returns the median of the runs' figures, each taken on its own.
func median(runs []benchResult) benchResult {
	pick := func(f func(benchResult) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return benchResult{
		rps:       pick(func(r benchResult) float64 { return r.rps }),
		p50:       time.Duration(pick(func(r benchResult) float64 { return float64(r.p50) })),
		p90:       time.Duration(pick(func(r benchResult) float64 { return float64(r.p90) })),
		p99:       time.Duration(pick(func(r benchResult) float64 { return float64(r.p99) })),
		max:       time.Duration(pick(func(r benchResult) float64 { return float64(r.max) })),
		ok:        int64(pick(func(r benchResult) float64 { return float64(r.ok) })),
		errors:    int64(pick(func(r benchResult) float64 { return float64(r.errors) })),
		cpuPerReq: time.Duration(pick(func(r benchResult) float64 { return float64(r.cpuPerReq) })),
		batch:     pick(func(r benchResult) float64 { return r.batch }),
	}
}
