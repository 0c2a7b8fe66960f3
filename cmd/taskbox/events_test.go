package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// hookReceiver is a webhook receiver on 127.0.0.1 that checks the
// signature of every POST against the secret (computed here, independently
// of the server's code) and records each event it accepted.
type hookReceiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret atomic.Value // string
	down   atomic.Bool  // answer 503 to everything
	mu     sync.Mutex
	posts  map[string]int // event_id -> POSTs received, accepted or not
	events map[string]hookEvent
}

type hookEvent struct {
	ID   string `json:"event_id"`
	Type string `json:"event_type"`
	Data struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		DueDate string `json:"due_date"`
	} `json:"data"`
}

var hookSigRE = regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64})$`)

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t, posts: map[string]int{}, events: map[string]hookEvent{}}
	r.secret.Store("")
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		m := hookSigRE.FindStringSubmatch(req.Header.Get("X-Taskbox-Signature"))
		mac := hmac.New(sha256.New, []byte(r.secret.Load().(string)))
		if m != nil {
			mac.Write([]byte(m[1] + "." + string(body)))
		}
		if m == nil || hex.EncodeToString(mac.Sum(nil)) != m[2] {
			t.Errorf("bad signature %q on %s", req.Header.Get("X-Taskbox-Signature"), body)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev hookEvent
		if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" || ev.ID != req.Header.Get("X-Taskbox-Event-Id") {
			t.Errorf("event %s (header id %q): %v", body, req.Header.Get("X-Taskbox-Event-Id"), err)
		}
		r.mu.Lock()
		r.posts[ev.ID]++
		if !r.down.Load() {
			r.events[ev.ID] = ev
		}
		r.mu.Unlock()
		if r.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// accepted returns the events answered 2xx, by task id and type.
func (r *hookReceiver) accepted() map[int64]map[string][]hookEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int64]map[string][]hookEvent{}
	for _, ev := range r.events {
		if out[ev.Data.ID] == nil {
			out[ev.Data.ID] = map[string][]hookEvent{}
		}
		out[ev.Data.ID][ev.Type] = append(out[ev.Data.ID][ev.Type], ev)
	}
	return out
}

func (r *hookReceiver) postsOf(eventID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.posts[eventID]
}

// subscribe creates a webhook for the events on s, keeps its secret and
// returns its id.
func (r *hookReceiver) subscribe(t *testing.T, s *server, key string, events ...string) int64 {
	t.Helper()
	evs, _ := json.Marshal(events)
	var hook struct {
		Data struct {
			ID     int64
			Secret string
		}
	}
	if err := call(s, "POST", "/api/v1/webhooks", key, fmt.Sprintf(`{"url": %q, "events": %s}`, r.srv.URL+"/hook", evs), &hook); err != nil {
		t.Fatal(err)
	}
	r.secret.Store(hook.Data.Secret)
	return hook.Data.ID
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWebhookDeliveredAfterSIGKILL: a task change whose delivery failed
// (the receiver was down) and one made just before the server is killed
// with SIGKILL are both delivered after a restart, with their event ids.
func TestWebhookDeliveredAfterSIGKILL(t *testing.T) {
	dsn := testdb.NewDSN(t)
	r := newHookReceiver(t)
	r.down.Store(true)
	s := startServer(t, dsn, "--demo", "--webhook-allow-private")
	key := s.Key
	r.subscribe(t, s, key, "TASK_CREATED", "TASK_COMPLETED")

	var a, b struct{ Data struct{ ID int64 } }
	if err := call(s, "POST", "/api/v1/master-inbox/create-task", key, `{"email_lead_map_id":2433664091,"name":"before the outage ended"}`, &a); err != nil {
		t.Fatal(err)
	}
	eventA := ""
	waitFor(t, 20*time.Second, "a first, failed attempt of task A's event", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for id := range r.posts {
			eventA = id
		}
		return eventA != ""
	})
	if err := call(s, "POST", "/api/v1/master-inbox/create-task", key, `{"email_lead_map_id":2433664091,"name":"just before the kill"}`, &b); err != nil {
		t.Fatal(err)
	}
	if err := call(s, "POST", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", b.Data.ID), key, "", nil); err != nil {
		t.Fatal(err)
	}
	s.stop(t, syscall.SIGKILL)

	r.down.Store(false)
	s = startServer(t, dsn, "--webhook-allow-private")
	waitFor(t, 80*time.Second, "every event delivered after the restart", func() bool {
		got := r.accepted()
		return len(got[a.Data.ID]["TASK_CREATED"]) == 1 && len(got[b.Data.ID]["TASK_CREATED"]) == 1 && len(got[b.Data.ID]["TASK_COMPLETED"]) == 1
	})
	got := r.accepted()
	if id := got[a.Data.ID]["TASK_CREATED"][0].ID; id != eventA || r.postsOf(eventA) < 2 {
		t.Errorf("task A's event %s was POSTed %d times; the failed one was %s", id, r.postsOf(eventA), eventA)
	}
	s.stopCleanly(t)
}

// TestTaskDueOnceAcrossThreeServers: three servers on one PostgreSQL
// database, many tasks due a few seconds ahead: each pending task gets
// exactly one TASK_DUE, a rescheduled one at its new time, a completed one
// none. No change races a due time, however slow the machine: the tasks
// to reschedule or complete are first due in an hour, and a completed
// one's due date is then moved into the past.
func TestTaskDueOnceAcrossThreeServers(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skipf("needs PostgreSQL: set %s", testdb.PostgresEnv)
	}
	dsn := testdb.NewDSN(t)
	first := startServer(t, dsn, "--demo", "--webhook-allow-private")
	servers := []*server{first, startServer(t, dsn, "--webhook-allow-private"), startServer(t, dsn, "--webhook-allow-private")}
	key := first.Key
	r := newHookReceiver(t)
	hook := r.subscribe(t, first, key, "TASK_DUE")

	const n = 45
	start := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	var (
		ids                   [n]int64
		rescheduled, complete = map[int64]string{}, map[int64]bool{}
	)
	for i := range n {
		due := at(3*time.Second + time.Duration(i%3)*time.Second)
		if i%5 == 0 {
			due = at(time.Hour) // rescheduled or completed below
		}
		var task struct{ Data struct{ ID int64 } }
		body := fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"due %d","due_date":%q}`, i, due)
		if err := call(servers[i%3], "POST", "/api/v1/master-inbox/create-task", key, body, &task); err != nil {
			t.Fatal(err)
		}
		ids[i] = task.Data.ID
	}
	patchDue := func(s *server, id int64, due string) {
		if err := call(s, "PATCH", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), key, fmt.Sprintf(`{"due_date":%q}`, due), nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i += 5 {
		id := ids[i]
		if i%10 == 0 {
			rescheduled[id] = at(7 * time.Second)
			patchDue(servers[(i+1)%3], id, rescheduled[id])
			continue
		}
		if err := call(servers[(i+2)%3], "POST", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", id), key, "", nil); err != nil {
			t.Fatal(err)
		}
		complete[id] = true
		patchDue(servers[i%3], id, at(-time.Minute))
	}
	// Done when every pending task's TASK_DUE is delivered and no delivery
	// is pending: every due time has then passed and fired, so a second
	// TASK_DUE of a task would be among the deliveries already.
	pending, delivered := n-len(complete), 0
	waitFor(t, 30*time.Second, "a TASK_DUE delivered for every pending task", func() bool {
		var list struct{ Data []struct{ Status string } }
		if err := call(first, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hook), key, "", &list); err != nil {
			t.Fatal(err)
		}
		delivered = 0
		for _, d := range list.Data {
			if d.Status != "delivered" {
				return false
			}
			delivered++
		}
		return delivered >= pending
	})
	if delivered != pending {
		t.Errorf("%d TASK_DUE deliveries, want one for each of the %d pending tasks", delivered, pending)
	}
	got := r.accepted()
	for _, id := range ids {
		evs := got[id]["TASK_DUE"]
		switch {
		case complete[id]:
			if len(evs) != 0 {
				t.Errorf("completed task %d got %d TASK_DUE", id, len(evs))
			}
		case len(evs) != 1:
			t.Errorf("task %d got %d TASK_DUE, want exactly 1", id, len(evs))
		case r.postsOf(evs[0].ID) != 1:
			t.Errorf("task %d's TASK_DUE was POSTed %d times", id, r.postsOf(evs[0].ID))
		case rescheduled[id] != "" && evs[0].Data.DueDate != rescheduled[id]:
			t.Errorf("rescheduled task %d fired for due %s, want %s", id, evs[0].Data.DueDate, rescheduled[id])
		}
	}
	for _, s := range servers {
		s.stopCleanly(t)
	}
}
