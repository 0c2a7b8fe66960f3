package main

import (
	"bytes"
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
		ID      eventSubject `json:"id"`
		Name    string       `json:"name"`
		DueDate string       `json:"due_date"`
		Message string       `json:"message"` // a LEAD_REMINDER's
	} `json:"data"`
}

// eventSubject is an event's data.id: a task's id (a number), or a lead
// reminder's (SmartLead's ids are strings).
type eventSubject int64

func (id *eventSubject) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(bytes.Trim(b, `"`), (*int64)(id))
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

// accepted returns the events answered 2xx, by data id (a task's, a lead
// reminder's) and type.
func (r *hookReceiver) accepted() map[int64]map[string][]hookEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int64]map[string][]hookEvent{}
	for _, ev := range r.events {
		id := int64(ev.Data.ID)
		if out[id] == nil {
			out[id] = map[string][]hookEvent{}
		}
		out[id][ev.Type] = append(out[id][ev.Type], ev)
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
