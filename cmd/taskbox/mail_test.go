package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
)

// serve --smtp-url sends a member's digest to a real SMTP server: a member
// whose digest hour of today has passed gets the day's digest at once,
// with its overdue task linked from --base-url.
func TestServeSendsDigest(t *testing.T) {
	t.Parallel()
	smtpd := mailtest.Start(t, nil, false)
	db := backendDB(t)
	s := startServer(t, db, "--demo", "--base-url", "https://tasks.example.com",
		"--smtp-url", "smtp://"+smtpd.Addr, "--mail-from", "taskbox <tasks@example.com>")
	add := mustRunCLI(t, "members", "add", "--account", "1", "--name", "Ana", "--email", "ana@mail.example", "--db", db, "--json")
	var m struct {
		ID int64 `json:"team_member_id"`
	}
	if err := json.Unmarshal([]byte(add.Stdout), &m); err != nil {
		t.Fatal(err)
	}
	r := s.request(t, http.MethodPost, "/api/v1/master-inbox/create-task?api_key="+s.Key, map[string]any{
		"email_lead_map_id": 2433664091, "name": "Call the overdue lead", "priority": "HIGH",
		"due_date": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "assignee_id": m.ID})
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		t.Fatalf("create-task: %d %s", r.Status, r.Body)
	}
	mustRunCLI(t, "members", "update", strconv.FormatInt(m.ID, 10), "--digest-hour", "0", "--digest-days", "1,2,3,4,5,6,7", "--timezone", "UTC", "--db", db)
	deadline := time.Now().Add(15 * time.Second)
	for len(smtpd.Mails()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // a real server's worker, polling every 200 ms
	}
	got := smtpd.Mails()
	if len(got) != 1 || got[0].To[0] != "ana@mail.example" || !strings.Contains(got[0].Text, "Call the overdue lead") ||
		!strings.Contains(got[0].Text, "https://tasks.example.com/tasks/") || !strings.Contains(got[0].HTML, "https://tasks.example.com/unsubscribe/") {
		t.Fatalf("mails: %d", len(got))
	}
	if metrics := s.request(t, http.MethodGet, "/metrics", nil); !strings.Contains(string(metrics.Body), "taskbox_mails_sent_total 1") {
		t.Fatal("/metrics does not count the mail sent")
	}
}
