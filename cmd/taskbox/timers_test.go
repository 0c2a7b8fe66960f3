package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// TestEveryTimerOnceAcrossThreeServers: three servers on one PostgreSQL
// database and one SMTP server, with every kind of timer due a few seconds
// ahead. Each pending task gets exactly one TASK_DUE (a rescheduled one at
// its new time, a completed one none), each snooze one TASK_UNSNOOZED, each
// task reminder one TASK_REMINDER and one mail to the assignee, each
// SmartLead reminder one LEAD_REMINDER and one mail to the lead map's
// owner, and each member one digest for the day. No change races a timer,
// however slow the machine: the tasks to reschedule or complete are first
// due in an hour, and a completed one's due date is then moved into the
// past; the other timers are set a few seconds after the request that sets
// them, and the digests fire as soon as their setting is changed to an
// hour already past (the real servers' clock cannot be moved).
func TestEveryTimerOnceAcrossThreeServers(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skipf("needs PostgreSQL: set %s", testdb.PostgresEnv)
	}
	dsn := testdb.NewDSN(t)
	smtpd := mailtest.Start(t, nil, false)

	// The account and its members are made before any worker runs, with
	// their digests off: a member's default digest (08:00 on weekdays) whose
	// hour has passed would otherwise be made at once, empty, and claim the
	// day before the test gives the member anything to read.
	boot := startServer(t, dsn, "--demo", "--worker=false")
	key := boot.Key
	type member struct {
		ID    int64  `json:"team_member_id"`
		Email string `json:"email"`
	}
	var members []member
	for _, name := range []string{"Ana", "Bo"} {
		var m member
		res := mustRunCLI(t, "members", "add", "--account", "1", "--name", name, "--email", strings.ToLower(name)+"@timers.example", "--db", dsn, "--json")
		if err := json.Unmarshal([]byte(res.Stdout), &m); err != nil || m.ID == 0 {
			t.Fatalf("members add: %v %s", err, res.Stdout)
		}
		m.Email = strings.ToLower(name) + "@timers.example"
		mustRunCLI(t, "members", "update", strconv.FormatInt(m.ID, 10), "--digest", "off", "--db", dsn)
		members = append(members, m)
	}
	boot.stopCleanly(t)

	args := []string{"--webhook-allow-private", "--smtp-url", "smtp://" + smtpd.Addr,
		"--mail-from", "taskbox <tasks@timers.example>", "--base-url", "https://tasks.example.com"}
	first := startServer(t, dsn, args...)
	servers := []*server{first, startServer(t, dsn, args...), startServer(t, dsn, args...)}
	dueR, timedR := newHookReceiver(t), newHookReceiver(t)
	dueHook := dueR.subscribe(t, first, key, "TASK_DUE")
	timedHook := timedR.subscribe(t, servers[1], key, "TASK_UNSNOOZED", "TASK_REMINDER", "LEAD_REMINDER")
	// Ana owns the lead map: its SmartLead reminders mail her.
	ana := members[0]
	if err := call(servers[2], "POST", "/api/v1/master-inbox/update-team-member", key,
		fmt.Sprintf(`{"email_lead_map_id":2433664091,"team_member_id":%d}`, ana.ID), nil); err != nil {
		t.Fatal(err)
	}

	// TASK_DUE: tasks due a few seconds ahead, some rescheduled, some
	// completed.
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
		ids[i] = createTask(t, servers[i%3], key, fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"due %d","due_date":%q}`, i, due))
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

	// The other timers fall a few whole seconds after the request that
	// sets them.
	soon := func(i int) time.Time {
		return time.Now().UTC().Truncate(time.Second).Add(time.Duration(4+i%3) * time.Second)
	}
	// Task reminders: tasks due in an hour, assigned to Ana and Bo in turn,
	// each with two reminders that fall seconds from now.
	const reminded = 12
	remindedTo := map[int64]string{} // task id -> the assignee's email
	remindedName := map[int64]string{}
	for i := range reminded {
		name, m := fmt.Sprintf("remind %d", i), members[i%len(members)]
		id := createTask(t, servers[i%3], key, fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":%q,"due_date":%q,"assignee_id":%d,"reminders":["PT1H","PT59M58S"]}`,
			name, soon(i).Add(time.Hour).Format(time.RFC3339), m.ID))
		remindedTo[id], remindedName[id] = m.Email, name
	}
	// Snoozes: tasks due tomorrow, snoozed until seconds from now.
	const snoozes = 9
	var snoozed []int64
	for i := range snoozes {
		id := createTask(t, servers[i%3], key, fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"snooze %d","due_date":%q}`, i, at(24*time.Hour)))
		if err := call(servers[(i+1)%3], "POST", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/snooze", id), key,
			fmt.Sprintf(`{"until":%q}`, soon(i).Format(time.RFC3339)), nil); err != nil {
			t.Fatal(err)
		}
		snoozed = append(snoozed, id)
	}
	// SmartLead's reminders on the lead map.
	const leadReminders = 9
	leadMessage := map[int64]string{} // reminder id -> its message
	for i := range leadReminders {
		var rem struct {
			Data struct{ Reminder struct{ ID string } }
		}
		msg := fmt.Sprintf("lead reminder %d", i)
		if err := call(servers[(i+2)%3], "POST", "/api/v1/master-inbox/set-reminder", key,
			fmt.Sprintf(`{"email_lead_map_id":2433664091,"message":%q,"reminder_time":%q}`, msg, soon(i).Format(time.RFC3339)), &rem); err != nil {
			t.Fatal(err)
		}
		id, err := strconv.ParseInt(rem.Data.Reminder.ID, 10, 64)
		if err != nil {
			t.Fatalf("set-reminder answered id %q", rem.Data.Reminder.ID)
		}
		leadMessage[id] = msg
	}
	// Digests at 00:00 every day in each member's zone: the hour has passed,
	// so today's is made at once, by one of the three servers.
	for i, zone := range digestZones(t, time.Now(), len(members)) {
		mustRunCLI(t, "members", "update", strconv.FormatInt(members[i].ID, 10), "--digest", "daily", "--digest-hour", "0",
			"--digest-days", "1,2,3,4,5,6,7", "--timezone", zone, "--db", dsn)
	}

	// Done when every webhook is delivered, none pending, and every mail the
	// SMTP server took is recorded sent: every timer's time has then passed
	// and fired, so that a second firing would be among what arrived.
	pendingDue := n - len(complete)
	wantTimed := snoozes + 2*reminded + leadReminders
	wantMails := len(members) + 2*reminded + leadReminders
	var nDue, nTimed int
	waitFor(t, 60*time.Second, "every timer's webhook and mail delivered", func() bool {
		var doneDue, doneTimed bool
		nDue, doneDue = deliveredCount(t, first, key, dueHook)
		nTimed, doneTimed = deliveredCount(t, servers[2], key, timedHook)
		mails := len(smtpd.Mails())
		return doneDue && doneTimed && nDue >= pendingDue && nTimed >= wantTimed && mails >= wantMails &&
			metricSum(t, servers, "taskbox_mails_sent_total") == float64(mails)
	})
	if nDue != pendingDue {
		t.Errorf("%d TASK_DUE deliveries, want one for each of the %d pending tasks", nDue, pendingDue)
	}
	if nTimed != wantTimed {
		t.Errorf("%d TASK_UNSNOOZED, TASK_REMINDER and LEAD_REMINDER deliveries, want %d", nTimed, wantTimed)
	}

	got := dueR.accepted()
	for _, id := range ids {
		evs := got[id]["TASK_DUE"]
		switch {
		case complete[id]:
			if len(evs) != 0 {
				t.Errorf("completed task %d got %d TASK_DUE", id, len(evs))
			}
		case len(evs) != 1:
			t.Errorf("task %d got %d TASK_DUE, want exactly 1", id, len(evs))
		case dueR.postsOf(evs[0].ID) != 1:
			t.Errorf("task %d's TASK_DUE was POSTed %d times", id, dueR.postsOf(evs[0].ID))
		case rescheduled[id] != "" && evs[0].Data.DueDate != rescheduled[id]:
			t.Errorf("rescheduled task %d fired for due %s, want %s", id, evs[0].Data.DueDate, rescheduled[id])
		}
	}
	once := func(what string, id int64, typ string, want int) {
		evs := timedR.accepted()[id][typ]
		if len(evs) != want {
			t.Errorf("%s %d got %d %s, want %d", what, id, len(evs), typ, want)
		}
		seen := map[string]bool{}
		for _, ev := range evs {
			if seen[ev.ID] || timedR.postsOf(ev.ID) != 1 {
				t.Errorf("%s %d: %s %s POSTed %d times", what, id, typ, ev.ID, timedR.postsOf(ev.ID))
			}
			seen[ev.ID] = true
		}
	}
	for id := range remindedTo {
		once("reminded task", id, "TASK_REMINDER", 2)
	}
	for _, id := range snoozed {
		once("snoozed task", id, "TASK_UNSNOOZED", 1)
	}
	for id, msg := range leadMessage {
		once("lead reminder", id, "LEAD_REMINDER", 1)
		if evs := timedR.accepted()[id]["LEAD_REMINDER"]; len(evs) == 1 && evs[0].Data.Message != msg {
			t.Errorf("lead reminder %d fired with message %q, want %q", id, evs[0].Data.Message, msg)
		}
	}

	// The mails: one digest per member (and day), one mail per task
	// reminder to the assignee, one per lead reminder to the owner.
	var (
		digests   = map[string]int{} // recipient -> digests
		taskMails = map[string]int{} // "recipient task name" -> mails
		leadMails = map[string]int{} // message -> mails
		dec       mime.WordDecoder
	)
	mails := smtpd.Mails()
	for _, m := range mails {
		subject, err := dec.DecodeHeader(m.Msg.Header.Get("Subject"))
		if err != nil || len(m.To) != 1 {
			t.Fatalf("mail %q to %v: %v", m.Msg.Header.Get("Subject"), m.To, err)
		}
		to := m.To[0]
		switch {
		case strings.HasPrefix(subject, "Your tasks for "):
			digests[to]++
		case strings.HasPrefix(subject, "Reminder: remind "):
			name, _, _ := strings.Cut(strings.TrimPrefix(subject, "Reminder: "), " (due ")
			taskMails[to+" "+name]++
		default:
			msg := "" // the text's line that is a reminder's message
			for _, line := range strings.Split(m.Text, "\n") {
				for _, l := range leadMessage {
					if strings.TrimSpace(line) == l {
						msg = l
					}
				}
			}
			if to != ana.Email || msg == "" {
				t.Errorf("unexpected mail %q to %s:\n%s", subject, to, m.Text)
			}
			leadMails[msg]++
		}
	}
	for _, m := range members {
		if digests[m.Email] != 1 {
			t.Errorf("%s got %d digests today, want 1", m.Email, digests[m.Email])
		}
	}
	for id, to := range remindedTo {
		if k := to + " " + remindedName[id]; taskMails[k] != 2 {
			t.Errorf("%s got %d reminder mails of task %q, want 2 (one per reminder)", to, taskMails[k], remindedName[id])
		}
	}
	for _, msg := range leadMessage {
		if leadMails[msg] != 1 {
			t.Errorf("%d mails of %q, want 1", leadMails[msg], msg)
		}
	}
	if len(mails) != wantMails {
		t.Errorf("%d mails, want %d", len(mails), wantMails)
	}
	// Each timer fired once, counted by the server that fired it.
	for kind, want := range map[string]int{"due": pendingDue, "unsnooze": snoozes, "task_reminder": 2 * reminded, "lead_reminder": leadReminders} {
		if got := metricSum(t, servers, `taskbox_timers_fired_total{kind="`+kind+`"}`); got != float64(want) {
			t.Errorf("the servers fired %v %s timers, want %d", got, kind, want)
		}
	}
	for _, s := range servers {
		s.stopCleanly(t)
	}
}

// createTask creates a task through s and returns its id.
func createTask(t *testing.T, s *server, key, body string) int64 {
	t.Helper()
	var task struct{ Data struct{ ID int64 } }
	if err := call(s, "POST", "/api/v1/master-inbox/create-task", key, body, &task); err != nil {
		t.Fatal(err)
	}
	return task.Data.ID
}

// deliveredCount counts a webhook's deliveries; done is false while one is
// not delivered yet.
func deliveredCount(t *testing.T, s *server, key string, hook int64) (n int, done bool) {
	t.Helper()
	var list struct{ Data []struct{ Status string } }
	if err := call(s, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hook), key, "", &list); err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Data {
		if d.Status != "delivered" {
			return n, false
		}
		n++
	}
	return n, true
}

// metricSum adds up one series of the servers' /metrics (a name with its
// labels, as exposed); a server without it counts 0.
func metricSum(t *testing.T, servers []*server, series string) float64 {
	t.Helper()
	var sum float64
	for _, s := range servers {
		resp, err := httpClient.Get(s.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/metrics on %s: %d", s.Addr, resp.StatusCode)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("/metrics on %s: %q", s.Addr, sc.Text())
				}
				sum += f
			}
		}
		resp.Body.Close()
	}
	return sum
}

// digestZones picks n zones whose local time is now between 01:00 and
// 22:00, so that the test's digests and the tasks due in an hour stay in
// one local day.
func digestZones(t *testing.T, now time.Time, n int) []string {
	t.Helper()
	var out []string
	for _, z := range []string{"Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "UTC", "Australia/Sydney", "America/New_York"} {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		if h := now.In(loc).Hour(); h >= 1 && h < 22 {
			out = append(out, z)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("no %d zones away from midnight at %s", n, now)
	return nil
}
