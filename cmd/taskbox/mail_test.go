package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
	"github.com/taskboxhq/taskbox/internal/testdb"
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
	// Off until the task exists: on a weekday after 08:00 the default
	// digest could otherwise fire empty and use up the day.
	mustRunCLI(t, "members", "update", strconv.FormatInt(m.ID, 10), "--digest", "off", "--db", db)
	r := s.request(t, http.MethodPost, "/api/v1/master-inbox/create-task?api_key="+s.Key, map[string]any{
		"email_lead_map_id": 2433664091, "name": "Call the overdue lead", "priority": "HIGH",
		"due_date": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "assignee_id": m.ID})
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		t.Fatalf("create-task: %d %s", r.Status, r.Body)
	}
	mustRunCLI(t, "members", "update", strconv.FormatInt(m.ID, 10), "--digest", "daily", "--digest-hour", "0", "--digest-days", "1,2,3,4,5,6,7", "--timezone", "UTC", "--db", db)
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

// A reminder's mail survives a SIGKILL between the reminder's firing and
// the mail's delivery: the reminder fires, the mail server refuses the
// first attempt (the mail waits in the outbox for its retry), the server
// is killed, and after a restart the mail arrives exactly once, the
// reminder not fired again.
func TestReminderMailSentOnceAfterSIGKILL(t *testing.T) {
	t.Parallel()
	smtpd := mailtest.Start(t, nil, false)
	smtpd.Refuse(true)
	dsn := testdb.NewDSN(t)
	args := []string{"--base-url", "https://tasks.example.com", "--smtp-url", "smtp://" + smtpd.Addr, "--mail-from", "taskbox <tasks@example.com>"}
	s := startServer(t, dsn, append([]string{"--demo"}, args...)...)
	key := s.Key
	add := mustRunCLI(t, "members", "add", "--account", "1", "--name", "Ana", "--email", "ana@kill.example", "--db", dsn, "--json")
	var m struct {
		ID int64 `json:"team_member_id"`
	}
	if err := json.Unmarshal([]byte(add.Stdout), &m); err != nil {
		t.Fatal(err)
	}
	// No digest: the only mail is the reminder's.
	mustRunCLI(t, "members", "update", strconv.FormatInt(m.ID, 10), "--digest", "off", "--db", dsn)
	// Due in an hour, reminded three seconds from now.
	due := time.Now().UTC().Truncate(time.Second).Add(time.Hour + 3*time.Second)
	id := createTask(t, s, key, fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"Call before the crash","due_date":%q,"assignee_id":%d,"reminders":["PT1H"]}`,
		due.Format(time.RFC3339), m.ID))
	// The reminder fired and its mail's first attempt was refused and
	// recorded: the mail waits for its retry.
	waitFor(t, 30*time.Second, "the reminder mail refused once", func() bool {
		return metricSum(t, []*server{s}, "taskbox_mail_retries_total") >= 1
	})
	if fired := metricSum(t, []*server{s}, `taskbox_timers_fired_total{kind="task_reminder"}`); fired != 1 || smtpd.Refused() != 1 {
		t.Fatalf("before the kill: %v reminders fired, %d mails refused; want 1 and 1", fired, smtpd.Refused())
	}
	s.stop(t, syscall.SIGKILL)
	if n := len(smtpd.Mails()); n != 0 {
		t.Fatalf("%d mails taken before the kill", n)
	}

	smtpd.Refuse(false)
	s = startServer(t, dsn, args...)
	waitFor(t, 30*time.Second, "the reminder mail sent after the restart", func() bool {
		return metricSum(t, []*server{s}, "taskbox_mails_sent_total") >= 1
	})
	got := smtpd.Mails()
	if len(got) != 1 {
		t.Fatalf("%d mails after the restart, want 1", len(got))
	}
	if subject := got[0].Msg.Header.Get("Subject"); got[0].To[0] != "ana@kill.example" || !strings.HasPrefix(subject, "Reminder: Call before the crash (due ") ||
		!strings.Contains(got[0].Text, fmt.Sprintf("https://tasks.example.com/tasks/%d", id)) {
		t.Errorf("the mail to %v, %q:\n%s", got[0].To, subject, got[0].Text)
	}
	// The restarted server sent the queued mail; it fired nothing again.
	if fired := metricSum(t, []*server{s}, `taskbox_timers_fired_total{kind="task_reminder"}`); fired != 0 {
		t.Errorf("the reminder fired again after the restart (%v)", fired)
	}
	if n := smtpd.Refused(); n != 1 {
		t.Errorf("%d refused attempts, want the 1 before the kill", n)
	}
	s.stopCleanly(t)
}
