package events_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
)

// The feed, parsed back by the iCalendar library, holds exactly the
// account's pending tasks with a due date, event by event: all-day events
// for dates, the lead and campaign in the description, the task's page,
// and UIDs that stay the same when the task changes.
func TestCalendarFeedParsedBackEventByEvent(t *testing.T) {
	e := newEnv(t)
	cal := &events.Calendar{DB: e.db, BaseURL: "https://tasks.example.com"}
	desc := "Send the 50-seat pricing"
	timed, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: "Call, then; write", Description: &desc,
		Priority: taskbox.PriorityHigh, DueDate: ptr("2026-12-15T09:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	allDay := e.task(t, e.ctx, e.mapID, "All-day follow-up", ptr("2026-12-20"))
	e.task(t, e.ctx, e.mapID, "No due date", nil)
	done := e.task(t, e.ctx, e.mapID, "Done already", ptr("2026-12-10"))
	if _, err := e.db.UpdateTask(e.ctx, done.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	ctxB, _, mapB := e.account(t, "globex", "")
	e.task(t, ctxB, mapB, "Another account's", ptr("2026-12-11"))

	tok, err := cal.RotateCalendarToken(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.URL != "https://tasks.example.com/ical/"+tok.Token+".ics" {
		t.Errorf("feed URL %s", tok.URL)
	}
	parsed := parseFeed(t, cal, tok.Token)
	evs := parsed.Events()
	if len(evs) != 2 {
		t.Fatalf("%d events, want the 2 pending tasks with due dates", len(evs))
	}
	// Soonest first: the timed task, then the all-day one.
	ev := evs[0]
	if ev.Id() != fmt.Sprintf("task-%d@tasks.example.com", timed.ID) {
		t.Errorf("UID %q", ev.Id())
	}
	if p := ev.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Call, then; write" {
		t.Errorf("SUMMARY %+v", p)
	}
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("DTSTART %v, %v", start, err)
	}
	end, err := ev.GetEndAt()
	if err != nil || end.Sub(start) != 30*time.Minute {
		t.Errorf("DTEND %v, %v", end, err)
	}
	d := ev.GetProperty(ics.ComponentPropertyDescription).Value
	for _, want := range []string{desc, "Lead: Ada <acme@example.com>", "Campaign: acme outreach", "Priority: HIGH",
		fmt.Sprintf("https://tasks.example.com/tasks/%d", timed.ID)} {
		if !strings.Contains(d, want) {
			t.Errorf("DESCRIPTION %q lacks %q", d, want)
		}
	}
	if u := ev.GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != fmt.Sprintf("https://tasks.example.com/tasks/%d", timed.ID) {
		t.Errorf("URL %+v", u)
	}
	if p := ev.GetProperty(ics.ComponentPropertyPriority); p == nil || p.Value != "1" {
		t.Errorf("PRIORITY %+v", p)
	}

	ad := evs[1]
	if ad.Id() != fmt.Sprintf("task-%d@tasks.example.com", allDay.ID) {
		t.Errorf("UID %q", ad.Id())
	}
	ds := ad.GetProperty(ics.ComponentPropertyDtStart)
	if ds.Value != "20261220" || !strings.EqualFold(first(ds.ICalParameters["VALUE"]), "DATE") {
		t.Errorf("all-day DTSTART %+v", ds)
	}
	if de := ad.GetProperty(ics.ComponentPropertyDtEnd); de == nil || de.Value != "20261221" {
		t.Errorf("all-day DTEND %+v", de)
	}

	// A change keeps the UID; the new time is in the same event.
	if _, err := e.db.UpdateTask(e.ctx, timed.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: mustDue(t, "2026-12-16T09:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	evs = parseFeed(t, cal, tok.Token).Events()
	if evs[0].Id() != fmt.Sprintf("task-%d@tasks.example.com", timed.ID) {
		t.Errorf("the UID changed with the task: %s", evs[0].Id())
	}
	if s, _ := evs[0].GetStartAt(); !s.Equal(time.Date(2026, 12, 16, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("rescheduled DTSTART %v", s)
	}

	// Rotating revokes the old token at once.
	tok2, err := cal.RotateCalendarToken(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cal.Feed(e.ctx, tok.Token); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("the old token: %v, want ENOTFOUND", err)
	}
	if len(parseFeed(t, cal, tok2.Token).Events()) != 2 {
		t.Errorf("the new token does not serve the feed")
	}
}

func parseFeed(t *testing.T, cal *events.Calendar, token string) *ics.Calendar {
	t.Helper()
	b, err := cal.Feed(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.Contains(b, []byte("VERSION:2.0\r\n")) || !bytes.Contains(b, []byte("PRODID:")) {
		t.Fatalf("not an RFC 5545 calendar:\n%s", b)
	}
	if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		t.Fatalf("a line of the feed does not end in CRLF:\n%q", b)
	}
	c, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse the feed: %v\n%s", err, b)
	}
	return c
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
