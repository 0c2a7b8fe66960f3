package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// failedChange makes a database with one task change that failed to
// dispatch (its stored task is not JSON) and a later change of its task
// held behind it, and returns the database and the change's id.
func failedChange(t *testing.T) (*testdb.DB, int64) {
	t.Helper()
	db := testdb.Open(t)
	bg := context.Background()
	_, key, err := db.CreateAccount(bg, taskbox.NewAccount{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := db.Authenticate(bg, key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ctx := taskbox.NewContextWithActor(bg, actor)
	camp, err := db.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "outreach"})
	if err != nil {
		t.Fatal(err)
	}
	leads, err := db.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateWebhook(ctx, &taskbox.WebhookCreate{URL: "https://hooks.example.com/taskbox", Events: []string{taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskUpdated}}); err != nil {
		t.Fatal(err)
	}
	task, err := db.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: leads.Leads[0].LeadMapID, Name: "Call back"})
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(t, fmt.Sprintf(`UPDATE task_events SET task = 'not json' WHERE task_id = %d`, task.ID))
	if _, err := db.UpdateTask(ctx, task.ID, &taskbox.TaskUpdate{Name: ptrTo("Call back on Monday")}); err != nil {
		t.Fatal(err)
	}
	var oe *store.OutboxError
	if _, err := db.DispatchOutbox(bg, 100); !errors.As(err, &oe) || len(oe.Failures) != 1 {
		t.Fatalf("DispatchOutbox: %v, want one failure", err)
	}
	return db, oe.Failures[0].EventID
}

func ptrTo[T any](v T) *T { return &v }

// outbox list shows a failed change (as a table and as JSON), retry makes
// it due again, drop gives it up; a change that has not failed is
// NOT_FOUND, a malformed id a usage error.
func TestOutboxListRetryDrop(t *testing.T) {
	t.Parallel()
	taskboxBinary(t) // built before runCLI's clock starts
	db, id := failedChange(t)
	evt := fmt.Sprintf("evt_%d", id)

	res := mustRunCLI(t, "outbox", "list", "--db", db.DSN)
	for _, want := range []string{"ID", "STATE", "WAITING", fmt.Sprint(id), "TASK_CREATED", "next try 20", "the task stored with the change is not JSON"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("outbox list lacks %q:\n%s", want, res.Stdout)
		}
	}
	var list struct {
		Failures []map[string]any `json:"failures"`
	}
	res = mustRunCLI(t, "outbox", "list", "--json", "--db", db.DSN)
	if err := json.Unmarshal([]byte(res.Stdout), &list); err != nil || len(list.Failures) != 1 {
		t.Fatalf("outbox list --json: %q (%v), want one failure", res.Stdout, err)
	}
	f := list.Failures[0]
	if f["event_id"] != float64(id) || f["event"] != evt || f["event_type"] != "TASK_CREATED" || f["state"] != "retrying" ||
		f["tries"] != float64(1) || f["waiting"] != float64(1) || f["parked_at"] != nil || f["next_try_at"] == nil {
		t.Errorf("outbox list --json: %v", f)
	}

	res = mustRunCLI(t, "outbox", "retry", evt, "--json", "--db", db.DSN)
	if want := fmt.Sprintf(`{"event_id":%d,"state":"retrying"}`+"\n", id); res.Stdout != want {
		t.Errorf("outbox retry --json printed %q, want %q", res.Stdout, want)
	}
	res = mustRunCLI(t, "outbox", "drop", fmt.Sprint(id), "--db", db.DSN)
	if want := fmt.Sprintf("Task change %d dropped: its webhook events will not be sent.\n", id); res.Stdout != want {
		t.Errorf("outbox drop printed %q, want %q", res.Stdout, want)
	}
	if res := mustRunCLI(t, "outbox", "list", "--json", "--db", db.DSN); res.Stdout != `{"failures":[]}`+"\n" {
		t.Errorf("outbox list --json after the drop: %q", res.Stdout)
	}
	for _, args := range [][]string{{"drop", evt}, {"retry", fmt.Sprint(id + 1)}} {
		res := runCLI(t, nil, append([]string{"outbox"}, append(args, "--db", db.DSN)...)...)
		want := fmt.Sprintf("taskbox: No failed outbox row has id %s: taskbox outbox list shows them.\n", strings.TrimPrefix(args[1], "evt_"))
		if res.Code != exitFailure || res.Stderr != want || res.Stdout != "" {
			t.Errorf("outbox %v: exit %d, stderr %q, stdout %q; want exit %d and %q", args, res.Code, res.Stderr, res.Stdout, exitFailure, want)
		}
	}

	// A server's /metrics carries the outbox's counters.
	s := startServer(t, db.DSN)
	defer s.stopCleanly(t)
	body := string(s.request(t, "GET", "/metrics", nil).Body)
	for _, want := range []string{"taskbox_outbox_failures_total 0", "taskbox_outbox_parked_total 0"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
