package events_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/mail"
	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
)

// mailWorker is e's worker with mail on, to an SMTP server on addr.
func (e *env) mailWorker(t *testing.T, addr string) (*events.Worker, []byte) {
	t.Helper()
	sender, err := mail.NewSender("smtp://"+addr, "taskbox <tasks@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	sender.Timeout = 5 * time.Second
	key, err := e.db.MailKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.db.MailOn = true
	w := e.worker(false)
	w.Mail = &events.Mail{Queue: e.db, Sender: sender, Renderer: &mail.Renderer{BaseURL: "https://tasks.example.com", Key: key}}
	return w, key
}

// addMailMember adds a member with an email in zone and returns its id.
func (e *env) addMailMember(t *testing.T, name, email, zone string) int64 {
	t.Helper()
	m, err := e.db.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct)),
		taskbox.NewMember{Name: name, Email: email, Timezone: zone})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

var linkRE = regexp.MustCompile(`https://tasks\.example\.com/[^\s"<>]*`)

// The digests at 08:00 in Tokyo and in Los Angeles on one run arrive by a
// real SMTP server as multipart text and HTML, with links to each task,
// the settings and a signed unsubscribe link; an empty one never comes.
func TestDigestMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	w, key := e.mailWorker(t, smtpd.Addr)
	e.clock.now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) // a Sunday
	kei := e.addMailMember(t, "Kei", "kei@example.com", "Asia/Tokyo")
	lou := e.addMailMember(t, "Lou", "lou@example.com", "America/Los_Angeles")
	e.addMailMember(t, "Em", "em@example.com", "UTC")
	var taskIDs []int64
	for _, c := range []struct {
		name, due string
		to        int64
	}{{"Call <Ada>", "2026-12-07T05:00:00Z", kei}, {"Old follow-up", "2026-12-01", kei}, {"Send deck", "2026-12-07T20:00:00Z", lou}} {
		task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: c.name, DueDate: &c.due, Priority: taskbox.PriorityHigh,
			AssigneeSet: true, AssigneeID: c.to})
		if err != nil {
			t.Fatal(err)
		}
		taskIDs = append(taskIDs, task.ID)
	}
	// The digests are the members' digest timers, fired by the worker.
	runDigests := func() {
		t.Helper()
		for range 2 {
			e.drain(t, w)
			w.Wait()
		}
	}
	// Sunday 23:00 UTC is Monday 08:00 in Tokyo; Monday 16:00 UTC is 08:00 in Los Angeles.
	e.clock.now = time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	runDigests()
	if got := smtpd.Mails(); len(got) != 1 || got[0].To[0] != "kei@example.com" {
		t.Fatalf("after Tokyo's 08:00: %d mails", len(got))
	}
	e.clock.now = time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	runDigests()
	runDigests() // once per day
	got := smtpd.Mails()
	if len(got) != 2 || got[1].To[0] != "lou@example.com" {
		t.Fatalf("mails = %d", len(got))
	}
	m := got[0]
	if subj := m.Msg.Header.Get("Subject"); !strings.Contains(subj, "2026-12-07") || !strings.Contains(subj, "1 overdue, 1 due today") {
		t.Fatalf("subject %q", subj)
	}
	if !strings.Contains(m.Text, "Call <Ada>") || !strings.Contains(m.HTML, "Call &lt;Ada&gt;") || !strings.Contains(m.Text, "Mon 7 Dec 2026 14:00") ||
		!strings.Contains(m.Text, "OVERDUE (1)") || !strings.Contains(m.Text, "Old follow-up") {
		t.Fatalf("text:\n%s\nhtml:\n%s", m.Text, m.HTML)
	}
	for _, part := range []string{m.Text, m.HTML} {
		links := strings.Join(linkRE.FindAllString(part, -1), " ")
		for _, want := range []string{"/tasks/" + itoa(taskIDs[0]), "/tasks/" + itoa(taskIDs[1]), "/settings", "/unsubscribe/"} {
			if !strings.Contains(links, "https://tasks.example.com"+want) {
				t.Fatalf("no link to %s in %s", want, links)
			}
		}
	}
	unsub := m.Msg.Header.Get("List-Unsubscribe")
	tok := strings.TrimSuffix(unsub[strings.LastIndex(unsub, "/")+1:], ">")
	if id, ok := mail.ParseUnsubscribeToken(key, tok); !ok || id != kei {
		t.Fatalf("List-Unsubscribe %q: %d %v", unsub, id, ok)
	}
	if _, ok := mail.ParseUnsubscribeToken(key, itoa(lou)+tok[strings.Index(tok, "."):]); ok {
		t.Fatal("a token signed for another member was taken")
	}
	if c := testutil.ToFloat64(w.Metrics.MailsSent); c != 2 {
		t.Fatalf("mails sent = %v", c)
	}
}

// A server that starts after the digest hour (the clock jumps past it),
// and a digest hour changed to one already past, still send the day's
// digest, once; a member whose digest is off gets none.
func TestDigestLate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	w, _ := e.mailWorker(t, smtpd.Addr)
	e.clock.now = time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC) // Monday
	admin := taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct))
	ana := e.addMailMember(t, "Ana", "ana@example.com", "UTC")
	bo := e.addMailMember(t, "Bo", "bo@example.com", "UTC")
	cy := e.addMailMember(t, "Cy", "cy@example.com", "UTC")
	if _, err := e.db.UpdateMember(admin, bo, &taskbox.MemberUpdate{DigestHour: ptrInt(18)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateMember(admin, cy, &taskbox.MemberUpdate{Digest: ptrString("off")}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{ana, bo, cy} {
		due := "2026-12-07"
		if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Task", DueDate: &due, Priority: taskbox.PriorityLow,
			AssigneeSet: true, AssigneeID: id}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.now = time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC) // the server was down from 05:00 to 14:00
	e.drain(t, w)
	w.Wait()
	if got := smtpd.Mails(); len(got) != 1 || got[0].To[0] != "ana@example.com" {
		t.Fatalf("after a late start: %d mails", len(got))
	}
	if _, err := e.db.UpdateMember(admin, bo, &taskbox.MemberUpdate{DigestHour: ptrInt(9)}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		e.drain(t, w)
		w.Wait()
	}
	if got := smtpd.Mails(); len(got) != 2 || got[1].To[0] != "bo@example.com" {
		t.Fatalf("after a change to a past hour: %d mails", len(got))
	}
	// Tuesday 09:00 (Bo's) and 08:00 (Ana's): one each, not a second Monday's.
	e.clock.now = time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	for range 3 {
		e.drain(t, w)
		w.Wait()
	}
	if got := smtpd.Mails(); len(got) != 4 {
		t.Fatalf("Tuesday: %d mails in all, want 4", len(got))
	}
}

func ptrInt(n int) *int { return &n }

// A server with mail off leaves the digest timers to a server with mail on
// (SPEC §9: a server that starts after the hour still sends that day's):
// it runs past Ana's 08:00 without claiming her digest timer, while it
// still fires a task's reminder (its webhook). A server with mail on
// sharing the database then sends the day's digest, once.
func TestDigestLeftToAServerWithMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskReminder)
	smtpd := mailtest.Start(t, nil, false)
	// the server with mail off: e.db's worker (e.db.MailOn is false)
	off := e.worker(true)
	e.clock.now = time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC) // Monday
	ana := e.addMailMember(t, "Ana", "ana@example.com", "UTC")
	due := "2026-12-07T12:00:00Z"
	task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Call Ada", DueDate: &due, Priority: taskbox.PriorityLow,
		AssigneeSet: true, AssigneeID: ana, Reminders: []string{"PT3H"}})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) // past 08:00 and the 09:00 reminder
	for range 2 {
		e.drain(t, off)
	}
	if got := reminded(r, task.ID); len(got) != 1 || got[0] != "2026-12-07T09:00:00.000Z" {
		t.Fatalf("the reminder on a server with mail off: %v", got)
	}
	if fired, err := e.db.FireTimers(e.ctx, 100); err != nil || len(fired) != 0 {
		t.Fatalf("a server with mail off fired %v (%v)", fired, err)
	}
	if got := smtpd.Mails(); len(got) != 0 {
		t.Fatalf("%d mails from a server with mail off", len(got))
	}

	// The server with mail on: its own store on the same database.
	db, err := store.Open(context.Background(), e.tdb.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now, db.MailOn = e.clock.Now, true
	sender, err := mail.NewSender("smtp://"+smtpd.Addr, "taskbox <tasks@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	sender.Timeout = 5 * time.Second
	key, err := db.MailKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	on := &events.Worker{DB: db, Client: netguard.NewClient(true), Metrics: events.NewMetrics(nil), Policy: events.DefaultPolicy,
		Mail: &events.Mail{Queue: db, Sender: sender, Renderer: &mail.Renderer{BaseURL: "https://tasks.example.com", Key: key}}}
	for range 3 {
		e.drain(t, on)
		e.drain(t, off)
	}
	got := smtpd.Mails()
	if len(got) != 1 || got[0].To[0] != "ana@example.com" || !strings.Contains(got[0].Text, "Call Ada") {
		t.Fatalf("the day's digest from the server with mail on: %d mails", len(got))
	}
	if got := reminded(r, task.ID); len(got) != 1 {
		t.Errorf("the reminder fired again: %v", got)
	}
}

// A digest with nothing in it sends nothing and does not use up the day
// for a later change of settings: a task arrives after the empty 08:00
// digest, the hour moves to one already past, and the day's digest comes,
// once; without a change of settings no second digest is made.
func TestDigestEmptyDoesNotUseUpTheDay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	w, _ := e.mailWorker(t, smtpd.Addr)
	e.clock.now = time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC) // Monday
	admin := taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct))
	dee := e.addMailMember(t, "Dee", "dee@example.com", "UTC")
	run := func() {
		t.Helper()
		for range 3 {
			e.drain(t, w)
			w.Wait()
		}
	}
	e.clock.now = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	run()
	if got := smtpd.Mails(); len(got) != 0 {
		t.Fatalf("an empty digest sent %d mails", len(got))
	}
	due := "2026-12-07"
	if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Late arrival", DueDate: &due, Priority: taskbox.PriorityLow,
		AssigneeSet: true, AssigneeID: dee}); err != nil {
		t.Fatal(err)
	}
	e.clock.now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	run()
	if got := smtpd.Mails(); len(got) != 0 {
		t.Fatalf("a second digest on one day without a change: %d mails", len(got))
	}
	if _, err := e.db.UpdateMember(admin, dee, &taskbox.MemberUpdate{DigestHour: ptrInt(9)}); err != nil {
		t.Fatal(err)
	}
	run()
	if got := smtpd.Mails(); len(got) != 1 || got[0].To[0] != "dee@example.com" || !strings.Contains(got[0].Text, "Late arrival") {
		t.Fatalf("after a change to a past hour: %d mails", len(got))
	}
	if _, err := e.db.UpdateMember(admin, dee, &taskbox.MemberUpdate{DigestHour: ptrInt(7)}); err != nil {
		t.Fatal(err)
	}
	run()
	if got := smtpd.Mails(); len(got) != 1 {
		t.Fatalf("a digest sent twice on one day: %d mails", len(got))
	}
}

// A mail server that refuses, then is down, is retried until it takes the
// mail; the metrics count the failed attempts and the mail sent.
func TestMailRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	smtpd := mailtest.Start(t, nil, false)
	w, _ := e.mailWorker(t, smtpd.Addr)
	e.clock.now = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) // Monday 09:00 UTC
	ana := e.addMailMember(t, "Ana", "ana@example.com", "UTC")
	due := "2026-12-07"
	if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Call", DueDate: &due, Priority: taskbox.PriorityLow,
		AssigneeSet: true, AssigneeID: ana}); err != nil {
		t.Fatal(err)
	}
	if id, err := e.db.RunDigest(context.Background(), ana, e.clock.Now().Time); err != nil || id == 0 {
		t.Fatalf("RunDigest = %d, %v", id, err)
	}
	smtpd.Refuse(true)
	e.drain(t, w)
	w.Wait()
	smtpd.Refuse(false)
	smtpd.Stop()
	e.clock.Advance(10 * time.Second)
	e.drain(t, w)
	w.Wait()
	if n := len(smtpd.Mails()); n != 0 {
		t.Fatalf("%d mails while refusing and down", n)
	}
	if r := testutil.ToFloat64(w.Metrics.MailRetries); r != 2 {
		t.Fatalf("retries = %v", r)
	}
	smtpd.Restart(t)
	e.clock.Advance(time.Minute)
	e.drain(t, w)
	w.Wait()
	if n := len(smtpd.Mails()); n != 1 || testutil.ToFloat64(w.Metrics.MailsSent) != 1 {
		t.Fatalf("after the server came back: %d mails", n)
	}
	counts, _ := e.db.MailCounts(context.Background())
	if counts[taskbox.MailSent] != 1 || counts[taskbox.MailPending] != 0 {
		t.Fatalf("counts = %v", counts)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
