package events_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/mail"
	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
	"github.com/taskboxhq/taskbox/internal/store"
)

// A task reminder mails the task's assignee and a SmartLead reminder the
// lead map's owner, each once, through the timers; the day's digest lists
// the reminders still to come that day.
func TestReminderMails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	w, _ := e.mailWorker(t, smtpd.Addr)
	e.clock.now = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC) // Monday 06:00 UTC
	ana := e.addMailMember(t, "Ana", "ana@example.com", "UTC")
	due := "2026-12-07T12:00:00Z"
	task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Call Ada", DueDate: &due, Priority: taskbox.PriorityHigh,
		AssigneeSet: true, AssigneeID: ana, Reminders: []string{"PT15M", "PT1H"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateTeamMember(e.ctx, e.mapID, ana); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetLeadReminder(e.ctx, &taskbox.LeadReminderCreate{LeadMapID: e.mapID, Message: "Ask about the budget",
		ReminderTime: "2026-12-07T15:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	// 08:00: the digest, with today's task and its reminders to come.
	e.clock.now = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	e.drain(t, w)
	w.Wait()
	got := smtpd.Mails()
	if len(got) != 1 || !strings.Contains(got[0].Text, "REMINDERS TODAY (3)") || !strings.Contains(got[0].Text, "Ask about the budget") {
		t.Fatalf("digest: %d mails\n%s", len(got), func() string {
			if len(got) > 0 {
				return got[0].Text
			}
			return ""
		}())
	}
	for _, at := range []time.Time{time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 11, 45, 0, 0, time.UTC),
		time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)} {
		e.clock.now = at
		e.drain(t, w)
		w.Wait()
		e.drain(t, w)
		w.Wait()
	}
	got = smtpd.Mails()
	if len(got) != 4 {
		t.Fatalf("%d mails, want the digest and 3 reminders", len(got))
	}
	for i, want := range []string{"Reminder: Call Ada", "Reminder: Call Ada", "Reminder: acme@example.com"} {
		m := got[i+1]
		if subj := m.Msg.Header.Get("Subject"); !strings.HasPrefix(subj, want) || m.To[0] != "ana@example.com" {
			t.Errorf("mail %d: %q to %v", i+1, subj, m.To)
		}
	}
	if !strings.Contains(got[1].Text, "https://tasks.example.com/tasks/"+itoa(task.ID)) || !strings.Contains(got[3].Text, "Ask about the budget") {
		t.Fatalf("reminder mails:\n%s\n%s", got[1].Text, got[3].Text)
	}
}

// A server killed after a reminder fired and before its mail went out
// (the firing committed, the mail queued with it, nothing sent; or the
// mail claimed and never recorded) loses nothing: the next server sends
// the mail, once.
func TestReminderMailSurvivesACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	e.db.MailOn = true
	e.clock.now = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	ana := e.addMailMember(t, "Ana", "ana@example.com", "UTC")
	if _, err := e.db.UpdateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct)), ana,
		&taskbox.MemberUpdate{Digest: ptrString("off")}); err != nil {
		t.Fatal(err)
	}
	due := "2026-12-07T12:00:00Z"
	if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Call Ada", DueDate: &due, Priority: taskbox.PriorityHigh,
		AssigneeSet: true, AssigneeID: ana, Reminders: []string{"PT15M"}}); err != nil {
		t.Fatal(err)
	}
	e.clock.now = time.Date(2026, 12, 7, 11, 45, 0, 0, time.UTC)
	// The first server fires the reminder and dies before sending: its
	// worker has no mail part, as if killed right after the commit.
	dead := e.worker(false)
	e.drain(t, dead)
	// A second dies holding the mail's claim.
	if ms, err := e.db.ClaimMails(context.Background(), time.Minute, 10); err != nil || len(ms) != 1 {
		t.Fatalf("claim: %v %v", ms, err)
	}
	w, _ := e.mailWorker(t, smtpd.Addr)
	e.drain(t, w)
	w.Wait()
	if n := len(smtpd.Mails()); n != 0 {
		t.Fatalf("%d mails during the dead server's lease", n)
	}
	e.clock.Advance(time.Minute + time.Second)
	for range 3 {
		e.drain(t, w)
		w.Wait()
	}
	if n := len(smtpd.Mails()); n != 1 {
		t.Fatalf("%d mails after the lease, want 1", n)
	}
}

// Two servers on one database (PostgreSQL in CI) fire the digest timers
// together: each member's digest goes once.
func TestDigestOnceWithTwoServers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	other, err := store.Open(context.Background(), e.tdb.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Now, other.MailOn = e.clock.Now, true
	e.clock.now = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	var members []int64
	for i := range 5 {
		id := e.addMailMember(t, "M"+itoa(int64(i)), "m"+itoa(int64(i))+"@example.com", "UTC")
		members = append(members, id)
		due := "2026-12-07"
		if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Task", DueDate: &due, Priority: taskbox.PriorityLow,
			AssigneeSet: true, AssigneeID: id}); err != nil {
			t.Fatal(err)
		}
	}
	w1, key := e.mailWorker(t, smtpd.Addr)
	sender, _ := mail.NewSender("smtp://"+smtpd.Addr, "taskbox <tasks@example.com>")
	w2 := &events.Worker{DB: other, Metrics: events.NewMetrics(nil), Policy: events.DefaultPolicy,
		Mail: &events.Mail{Queue: other, Sender: sender, Renderer: &mail.Renderer{BaseURL: "https://tasks.example.com", Key: key}}}
	e.clock.now = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for _, w := range []*events.Worker{w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				w.Tick(context.Background())
				w.Wait()
			}
		}()
	}
	wg.Wait()
	if n := len(smtpd.Mails()); n != len(members) {
		t.Fatalf("%d digests for %d members", n, len(members))
	}
}

func ptrString(s string) *string { return &s }
