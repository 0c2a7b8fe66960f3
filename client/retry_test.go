package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

// flaky is a real HTTP server on 127.0.0.1 in front of the API: the first
// `fails` requests matching path are answered by fail (or, when fail is nil,
// passed through and then cut off before the answer); the rest pass through.
type flaky struct {
	mu       sync.Mutex
	path     string
	fails    int
	fail     func(w http.ResponseWriter)
	seen     int      // requests to path
	keys     []string // their Idempotency-Keys
	arrivals []time.Time
}

func (a *api) flaky(t *testing.T, f *flaky) string {
	t.Helper()
	target, _ := url.Parse(a.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		match := r.URL.Path == f.path
		failing := match && f.seen < f.fails
		if match {
			f.seen++
			f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
			f.arrivals = append(f.arrivals, time.Now())
		}
		f.mu.Unlock()
		switch {
		case failing && f.fail != nil:
			f.fail(w)
		case failing: // the server runs the request; its answer is lost
			proxy.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func answer(status int, retryAfter, code string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":false,"message":"Try later.","error":{"code":"` + code + `","message":"Try later."}}`))
	}
}

// countTasks counts the account's tasks through a client that goes
// straight to the server.
func countTasks(t *testing.T, c *client.Client) int {
	t.Helper()
	n := 0
	for _, err := range c.AllTasks(context.Background(), taskbox.TaskFilter{Status: "all", Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func retrySetup(t *testing.T, f *flaky) (direct, viaProxy *client.Client, leadMap int64) {
	t.Helper()
	a := newServer(t)
	_, key, err := a.DB.CreateAccount(context.Background(), taskbox.NewAccount{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	direct = a.client(t, a.URL, key.Secret)
	_, maps := leadMaps(t, direct, "Retries", "ada@example.com")
	return direct, a.client(t, a.flaky(t, f), key.Secret), maps["ada@example.com"].LeadMapID
}

// A 503 is retried with the same Idempotency-Key and creates one task.
func TestRetryAfter503(t *testing.T) {
	t.Parallel()
	f := &flaky{path: "/api/v1/master-inbox/create-task", fails: 1, fail: answer(503, "", taskbox.EUNAVAILABLE)}
	direct, c, lm := retrySetup(t, f)
	task, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: lm, Name: "after 503"})
	if err != nil || task.Name != "after 503" {
		t.Fatalf("CreateTask through a 503: %+v, %v", task, err)
	}
	if f.seen != 2 || f.keys[0] == "" || f.keys[0] != f.keys[1] {
		t.Fatalf("%d requests with keys %q; want 2 with one key", f.seen, f.keys)
	}
	if n := countTasks(t, direct); n != 1 {
		t.Fatalf("%d tasks, want 1", n)
	}
}

// A 429's Retry-After is waited out before the call is sent again, with
// the same key, and one task is created.
func TestRetryHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	f := &flaky{path: "/api/v1/master-inbox/create-task", fails: 1, fail: answer(429, "1", taskbox.ERATELIMIT)}
	direct, c, lm := retrySetup(t, f)
	task, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: lm, Name: "after 429"})
	if err != nil || task.Name != "after 429" {
		t.Fatalf("CreateTask through a 429: %+v, %v", task, err)
	}
	if f.seen != 2 || f.keys[0] == "" || f.keys[0] != f.keys[1] {
		t.Fatalf("%d requests with keys %q; want 2 with one key", f.seen, f.keys)
	}
	if wait := f.arrivals[1].Sub(f.arrivals[0]); wait < time.Second {
		t.Fatalf("retried after %v, before the Retry-After of 1s", wait)
	}
	if n := countTasks(t, direct); n != 1 {
		t.Fatalf("%d tasks, want 1", n)
	}
}

// A bulk-create refused twice with 503 is sent a third time with the same
// key and creates its tasks once.
func TestRetryBulkCreateAfter503(t *testing.T) {
	t.Parallel()
	f := &flaky{path: "/api/v1/master-inbox/tasks/bulk-create", fails: 2, fail: answer(503, "", taskbox.EUNAVAILABLE)}
	direct, c, lm := retrySetup(t, f)
	tasks, err := c.BulkCreateTasks(context.Background(), []*taskbox.TaskCreate{{LeadMapID: lm, Name: "one"}, {LeadMapID: lm, Name: "two"}}, nil)
	if err != nil || len(tasks) != 2 {
		t.Fatalf("BulkCreateTasks through two 503s: %v, %v", tasks, err)
	}
	if f.seen != 3 || f.keys[0] != f.keys[1] || f.keys[1] != f.keys[2] {
		t.Fatalf("%d requests with keys %q; want 3 with one key", f.seen, f.keys)
	}
	if n := countTasks(t, direct); n != 2 {
		t.Fatalf("%d tasks, want 2", n)
	}
}

// A create whose answer is lost (the connection drops after the server ran
// it) is sent again with the same key and answered by the replay.
func TestRetryAfterLostAnswer(t *testing.T) {
	t.Parallel()
	f := &flaky{path: "/api/v1/master-inbox/create-task", fails: 1}
	direct, c, lm := retrySetup(t, f)
	idem := &taskbox.Idempotency{}
	task, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: lm, Name: "lost answer", Idempotency: idem})
	if err != nil {
		t.Fatalf("CreateTask with a lost answer: %v", err)
	}
	if f.seen != 2 || f.keys[0] != f.keys[1] || !idem.Replayed {
		t.Fatalf("%d requests, keys %q, replayed %v; want 2 with one key, replayed", f.seen, f.keys, idem.Replayed)
	}
	if n := countTasks(t, direct); n != 1 || task.ID <= 0 {
		t.Fatalf("%d tasks, want 1", n)
	}
}

// A PATCH or a completion is not sent again after a 503 or a lost answer:
// it may have run. A 429 refused it before it ran, so that is retried.
func TestNonCreatingCallsAreNotRetriedBlindly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &flaky{path: "", fails: 1000, fail: answer(503, "", taskbox.EUNAVAILABLE)}
	direct, c, lm := retrySetup(t, f)
	task, err := direct.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.path = "/api/v1/master-inbox/tasks/" + itoa(task.ID)
	f.mu.Unlock()
	_, err = c.UpdateTask(ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("y")})
	wantCode(t, err, taskbox.EUNAVAILABLE)
	if f.seen != 1 {
		t.Fatalf("PATCH sent %d times through a 503, want 1", f.seen)
	}
	f.mu.Lock()
	f.path, f.seen, f.fails, f.fail = "/api/v1/master-inbox/tasks/"+itoa(task.ID)+"/complete", 0, 1, nil
	f.mu.Unlock()
	_, err = c.CompleteTask(ctx, task.ID)
	wantCode(t, err, taskbox.EUNAVAILABLE)
	if f.seen != 1 {
		t.Fatalf("complete sent %d times after a lost answer, want 1", f.seen)
	}
	f.mu.Lock()
	f.path, f.seen, f.fails, f.fail = "/api/v1/master-inbox/tasks/"+itoa(task.ID)+"/reopen", 0, 1, answer(429, "0", taskbox.ERATELIMIT)
	f.mu.Unlock()
	if _, err := c.ReopenTask(ctx, task.ID); err != nil || f.seen != 2 {
		t.Fatalf("reopen through a 429: %v after %d requests, want success after 2", err, f.seen)
	}
}

// Retries are bounded: a server that always answers 503 gets the
// configured number of attempts, and the error carries the server's code;
// a Retry-After beyond the client's patience is not waited for.
func TestRetriesAreBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &flaky{path: "/api/v1/campaigns", fails: 1000, fail: answer(503, "", taskbox.EUNAVAILABLE)}
	_, c, _ := retrySetup(t, f)
	_, err := c.ListCampaigns(ctx)
	wantCode(t, err, taskbox.EUNAVAILABLE)
	if f.seen != 4 {
		t.Fatalf("%d attempts, want 4", f.seen)
	}
	f.mu.Lock()
	f.seen, f.fail = 0, answer(429, "3600", taskbox.ERATELIMIT)
	f.mu.Unlock()
	start := time.Now()
	_, err = c.ListCampaigns(ctx)
	if e := wantCode(t, err, taskbox.ERATELIMIT); e.RetryAfter != 3600 || f.seen != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("RetryAfter %d after %d attempts in %v; want 3600 after 1 at once", e.RetryAfter, f.seen, time.Since(start))
	}
}

// Nothing listens: the error is EUNAVAILABLE, after the bounded attempts.
func TestServerUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	c, err := client.New(addr, "k", client.WithRetries(2, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListCampaigns(context.Background())
	wantCode(t, err, taskbox.EUNAVAILABLE)
	if _, err := client.New("ftp://x", "k"); err == nil {
		t.Error("client.New accepted an ftp:// URL")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// An answer cut off in its body (a proxy dropping the connection) is, for
// a create, retried like a lost one; a 502 from a proxy is retried too.
func TestRetryAfterCutOffAnswerAnd502(t *testing.T) {
	t.Parallel()
	cut := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"ok":true,"da`))
	}
	f := &flaky{path: "/api/v1/master-inbox/create-task", fails: 1, fail: cut}
	direct, c, lm := retrySetup(t, f)
	if _, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: lm, Name: "cut"}); err != nil {
		t.Fatalf("CreateTask after a cut-off answer: %v", err)
	}
	f.mu.Lock()
	seen := f.seen
	f.seen, f.fails, f.fail = 0, 1, answer(http.StatusBadGateway, "", taskbox.EINTERNAL)
	f.mu.Unlock()
	if seen != 2 {
		t.Fatalf("%d requests, want 2", seen)
	}
	if _, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: lm, Name: "502"}); err != nil || f.seen != 2 {
		t.Fatalf("CreateTask through a 502: %v after %d requests", err, f.seen)
	}
	if n := countTasks(t, direct); n != 2 {
		t.Fatalf("%d tasks, want 2", n)
	}
}

// cutOff answers status with a body that stops short of its
// Content-Length, as a dropped connection leaves it.
func cutOff(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// A 2xx answer that cannot be read is EUNAVAILABLE, a failure on the
// server's side: for a call that is not retried, sent once and said to
// have been carried out; for a read, after every attempt. A refusal cut
// off keeps its status's code, and a 2xx that is not JSON is EUNAVAILABLE.
func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &flaky{path: "/api/v1/master-inbox/tasks/1/complete", fails: 1000, fail: cutOff(http.StatusOK, `{"ok":true,"da`)}
	_, c, _ := retrySetup(t, f)
	_, err := c.CompleteTask(ctx, 1)
	e := wantCode(t, err, taskbox.EUNAVAILABLE)
	if e.Message != "The server's answer (200 OK) was cut off: unexpected EOF. The server carried the request out; check its result before sending it again." ||
		!errors.Is(err, io.ErrUnexpectedEOF) || f.seen != 1 {
		t.Errorf("complete with a cut-off answer: %q (unexpected EOF: %v) after %d requests, want 1", e.Message, errors.Is(err, io.ErrUnexpectedEOF), f.seen)
	}
	for _, tc := range []struct {
		name, code, msg string
		fail            func(w http.ResponseWriter)
		attempts        int
	}{
		{"cut-off 200", taskbox.EUNAVAILABLE, "The server's answer (200 OK) was cut off: unexpected EOF.", cutOff(http.StatusOK, `[{"id":`), 4},
		{"200 that is not JSON", taskbox.EUNAVAILABLE, "The server's answer (200 OK) could not be read: invalid character '<' looking for beginning of value.",
			func(w http.ResponseWriter) { _, _ = w.Write([]byte("<html>Welcome</html>")) }, 4},
		{"cut-off 404", taskbox.ENOTFOUND, "The server answered 404 Not Found.", cutOff(http.StatusNotFound, `{"ok":false,"mess`), 1},
	} {
		f.mu.Lock()
		f.path, f.seen, f.fail = "/api/v1/campaigns", 0, tc.fail
		f.mu.Unlock()
		_, err := c.ListCampaigns(ctx)
		if e := wantCode(t, err, tc.code); e.Message != tc.msg || f.seen != tc.attempts {
			t.Errorf("%s: %q after %d attempts; want %q after %d", tc.name, e.Message, f.seen, tc.msg, tc.attempts)
		}
	}
}
