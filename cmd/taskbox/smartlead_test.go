package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// slPayload reads one of SmartLead's example payloads (a copy of
// ../shared/smartlead/ kept beside the API's tests) and sets fields on it.
func slPayload(t *testing.T, name string, set map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "internal", "httpapi", "testdata", "smartlead", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		m[k] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// slConnect makes the default account's integration and returns the
// hook's path (the same on every server of the database).
func slConnect(t *testing.T, s *server, key, body string) string {
	t.Helper()
	var conn struct{ Data struct{ URL string } }
	if err := call(s, "POST", "/api/v1/integrations/smartlead", key, body, &conn); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(conn.Data.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/hooks/smartlead/slh_") {
		t.Fatalf("url = %q", conn.Data.URL)
	}
	return u.Path
}

type slInbound struct {
	EventType string   `json:"event_type"`
	Status    string   `json:"status"`
	Result    []string `json:"result"`
}

func slEvents(t *testing.T, s *server, key string) []slInbound {
	t.Helper()
	var env struct{ Data []slInbound }
	if err := call(s, "GET", "/api/v1/integrations/smartlead/events", key, "", &env); err != nil {
		t.Fatal(err)
	}
	return env.Data
}

type slTaskRow struct {
	ID        int64  `json:"id"`
	LeadMapID int64  `json:"email_lead_map_id"`
	Name      string `json:"name"`
	Priority  string `json:"priority"`
	Status    string `json:"status"`
}

func slTaskList(t *testing.T, s *server, key string) []slTaskRow {
	t.Helper()
	var env struct{ Data []slTaskRow }
	if err := call(s, "GET", "/api/v1/master-inbox/tasks?status=all&limit=100", key, "", &env); err != nil {
		t.Fatal(err)
	}
	return env.Data
}

// slPost sends an event as SmartLead does (no API key, the JSON body) and
// wants 200 {"ok":true}.
func slPost(t *testing.T, s *server, path, body string) {
	t.Helper()
	r := s.request(t, "POST", path, body, "Content-Type", "application/json")
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != `{"ok":true}` {
		t.Fatalf("POST %s = %d %s", redact(path), r.Status, r.Body)
	}
}

// TestSmartLeadEventProcessedOnceAfterSIGKILL: the built binary answers a
// SmartLead event 200 and is killed with SIGKILL before processing it (its
// worker is off, so nothing can run between the answer and the kill). The
// server started again on the same database processes the event once: one
// task, one "created" audit entry naming the rule, one TASK_CREATED
// webhook, also when SmartLead retries the delivery after the restart.
func TestSmartLeadEventProcessedOnceAfterSIGKILL(t *testing.T) {
	dsn := testdb.NewDSN(t)
	r := newHookReceiver(t)
	s := startServer(t, dsn, "--demo", "--webhook-allow-private", "--worker=false")
	key := s.Key
	r.subscribe(t, s, key, "TASK_CREATED")
	path := slConnect(t, s, key, `{"secret_key": "kill-test-secret"}`)
	event := slPayload(t, "email_reply", map[string]any{
		"secret_key": "kill-test-secret", "stats_id": "kill-1", "sl_lead_email": "nadia@example.org",
		"sl_email_lead_map_id": "7700001", "campaign_id": "5150", "campaign_name": "Autumn push",
		"reply_message": map[string]any{"message_id": "<kill-1@mail>", "text": "Call me on Tuesday"},
	})
	slPost(t, s, path, event)
	if ev := slEvents(t, s, key); len(ev) != 1 || ev[0].Status != "pending" {
		t.Fatalf("before the kill: events = %+v, want one pending", ev)
	}
	s.stop(t, syscall.SIGKILL)

	s = startServer(t, dsn, "--webhook-allow-private")
	waitFor(t, 20*time.Second, "the event processed after the restart", func() bool {
		ev := slEvents(t, s, key)
		return len(ev) == 1 && ev[0].Status == "done"
	})
	slPost(t, s, path, event) // SmartLead's retry: the same event again
	waitFor(t, 20*time.Second, "the task's TASK_CREATED delivered", func() bool {
		for _, byType := range r.accepted() {
			if len(byType["TASK_CREATED"]) > 0 {
				return true
			}
		}
		return false
	})
	s.stopCleanly(t) // its worker's work in flight ends before it exits
	s = startServer(t, dsn, "--webhook-allow-private", "--worker=false")

	ev := slEvents(t, s, key)
	if len(ev) != 1 || ev[0].Status != "done" || !strings.Contains(strings.Join(ev[0].Result, "; "), "created task") {
		t.Fatalf("events = %+v, want one, done, that created a task", ev)
	}
	tasks := slTaskList(t, s, key)
	if len(tasks) != 1 || tasks[0].LeadMapID != 7700001 || tasks[0].Name != "Reply to (nadia@example.org)" {
		t.Fatalf("tasks = %+v, want the one reply task on lead map 7700001", tasks)
	}
	var audit struct {
		Data []struct {
			Type  string
			Actor struct{ Type, Name string }
		}
	}
	if err := call(s, "GET", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/events", tasks[0].ID), key, "", &audit); err != nil {
		t.Fatal(err)
	}
	if len(audit.Data) != 1 || audit.Data[0].Type != "created" || audit.Data[0].Actor.Type != "rule" {
		t.Errorf("audit = %+v, want one created entry by the rule", audit.Data)
	}
	got := r.accepted()
	if len(got) != 1 || len(got[tasks[0].ID]["TASK_CREATED"]) != 1 {
		t.Errorf("webhook events = %+v, want one TASK_CREATED of task %d", got, tasks[0].ID)
	}
}

// TestSmartLeadClientAgainstTheBinary: SmartLead's three kinds of example
// events, with other values and field mixes, POSTed to the built binary as
// SmartLead sends them; the worker makes, upgrades and closes tasks, and a
// SmartLead client's create-task then works on the mirrored lead map id.
func TestSmartLeadClientAgainstTheBinary(t *testing.T) {
	dsn := testdb.NewDSN(t)
	s := startServer(t, dsn)
	key := s.Key
	path := slConnect(t, s, key, "")
	slPost(t, s, path, slPayload(t, "email_reply", map[string]any{
		"stats_id": "bin-1", "sl_email_lead_map_id": 880001, "campaign_id": 6060, "campaign_name": "Winter",
		"sl_lead_email": "ola@example.net", "to_name": "Ola Berg"}))
	// The category event with deprecated fields only, ids as strings,
	// its lead map id only in app_url.
	slPost(t, s, path, slPayload(t, "lead_category_updated", map[string]any{
		"lead_category": nil, "category": "Interested", "lead_category_id": "1", "campaign_id": "6060",
		"lead_email": "ola@example.net", "lead_data": map[string]any{"email": "ola@example.net", "first_name": "Ola"},
		"app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=880001", "event_timestamp": "2026-01-05T10:00:00Z"}))
	slPost(t, s, path, slPayload(t, "manual_step_reached", map[string]any{
		"campaign_id": 6060, "campaign_name": "Winter", "sl_lead_email": "piet@example.net", "lead_email": "piet@example.net",
		"event_timestamp": "2026-01-05T11:00:00Z"}))
	slPost(t, s, path, `{"event_type": "EMAIL_OPEN", "stats_id": "open-1", "sl_lead_email": "ola@example.net", "campaign_id": 6060}`)
	waitFor(t, 20*time.Second, "four events processed", func() bool {
		ev := slEvents(t, s, key)
		n := 0
		for _, e := range ev {
			if e.Status == "done" {
				n++
			}
		}
		return n == 4
	})
	metrics := string(s.request(t, "GET", "/metrics", nil).Body)
	for _, want := range []string{`taskbox_smartlead_event_outcomes_total{outcome="applied"} 3`, `taskbox_smartlead_event_outcomes_total{outcome="ignored"} 1`,
		`taskbox_smartlead_event_outcomes_total{outcome="failed"} 0`, `taskbox_smartlead_events_received_total{event_type="other",result="stored"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	tasks := slTaskList(t, s, key)
	var reply, manual int
	for _, tk := range tasks {
		switch {
		case tk.LeadMapID == 880001 && tk.Priority == "HIGH" && strings.HasPrefix(tk.Name, "Reply to"):
			reply++
		case strings.HasPrefix(tk.Name, "Manual step"):
			manual++
		}
	}
	if len(tasks) != 2 || reply != 1 || manual != 1 {
		t.Fatalf("tasks = %+v, want the reply's task upgraded to HIGH and one manual step task", tasks)
	}
	var created struct{ Data slTaskRow }
	if err := call(s, "POST", "/api/v1/master-inbox/create-task", key, `{"email_lead_map_id":"880001","name":"Send the deck","priority":"LOW"}`, &created); err != nil {
		t.Fatal(err)
	}
	if created.Data.LeadMapID != 880001 {
		t.Errorf("create-task on the mirrored lead map = %+v", created.Data)
	}
	s.stopCleanly(t)
}

// TestSmartLeadTwoServersOneTask: two servers on one PostgreSQL database,
// both running their workers, each receive the same events (SmartLead's
// retries reaching the other one) at once: each event is stored and
// processed once, one task per lead.
func TestSmartLeadTwoServersOneTask(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skipf("needs PostgreSQL: set %s", testdb.PostgresEnv)
	}
	dsn := testdb.NewDSN(t)
	a := startServer(t, dsn)
	b := startServer(t, dsn)
	key := a.Key
	path := slConnect(t, a, key, "")
	const n = 12
	done := make(chan struct{})
	var events []string
	for i := range n {
		events = append(events, slPayload(t, "email_reply", map[string]any{"stats_id": fmt.Sprintf("two-%d", i),
			"sl_lead_email": fmt.Sprintf("lead%d@example.com", i), "sl_email_lead_map_id": 990000 + i}))
	}
	for _, s := range []*server{a, b} {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, ev := range events {
				if err := call(s, "POST", path, "", ev, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	<-done
	<-done
	waitFor(t, 30*time.Second, "every event processed", func() bool {
		ev := slEvents(t, b, key)
		for _, e := range ev {
			if e.Status != "done" {
				return false
			}
		}
		return len(ev) == n
	})
	tasks := slTaskList(t, a, key)
	per := map[int64]int{}
	for _, tk := range tasks {
		per[tk.LeadMapID]++
	}
	if len(tasks) != n || len(per) != n {
		t.Errorf("%d tasks over %d lead maps, want %d and %d: %v", len(tasks), len(per), n, n, per)
	}
	a.stopCleanly(t)
	b.stopCleanly(t)
}
