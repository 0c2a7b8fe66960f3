package events_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
)

// A task's or a lead's name cannot add lines to the feed (issue 14: a CR
// was written raw), and the latest due dates accepted keep every date of
// the feed at four-digit years (9999-12-31 all day had DTEND 100000101).
func TestCalendarFeedHostileText(t *testing.T) {
	e := newEnv(t)
	cal := &events.Calendar{DB: e.db, BaseURL: "https://tasks.example.com"}
	injected := "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected"
	first, company := "Ada"+injected, "Co\x01rp\x1b[31m\x7f\u0085"
	camp, err := e.db.CreateCampaign(e.ctx, &taskbox.CampaignCreate{Name: "Feed\rX-CAMPAIGN:1"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.db.AddLeads(e.ctx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{
		{Email: "cr@example.com", FirstName: &first, CompanyName: &company}}})
	if err != nil {
		t.Fatal(err)
	}
	mapID := res.Leads[0].LeadMapID
	desc := "line one\rline two\r\nline three\x0bvertical\ttab"
	names := []string{"Call\rX-INJECTED:1", "Call" + injected, "Bell\a\bback\x1b[0m", "Next line\u0085here"}
	for i, name := range names {
		due := []string{"9999-12-30", "9999-12-30T23:59:59Z", "2026-12-15T09:00:00Z", "0000-01-01"}[i]
		if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: mapID, Name: name, Description: &desc, DueDate: &due}); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
	// Tasks stored before due dates ended at 9999-12-30 (the store takes a
	// parsed due date as it is): their events have no end.
	for _, d := range []*taskbox.Due{{At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), AllDay: true},
		{At: time.Date(9999, 12, 31, 23, 45, 0, 0, time.UTC)}} {
		task := e.task(t, e.ctx, mapID, "Legacy", nil)
		if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true, Due: d}); err != nil {
			t.Fatal(err)
		}
		names = append(names, "Legacy")
	}
	tok, err := cal.RotateCalendarToken(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cal.Feed(t.Context(), tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b, []byte("\r")) != bytes.Count(b, []byte("\r\n")) || bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		t.Fatalf("a CR or LF outside a line end:\n%q", b)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.ContainsFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) {
			t.Errorf("a control character in %q", line)
		}
		if strings.HasPrefix(line, "UID:evil") || strings.HasPrefix(line, "X-") && !strings.HasPrefix(line, "X-WR-") && !strings.HasPrefix(line, "X-PUBLISHED-TTL") ||
			strings.HasPrefix(line, "SUMMARY:injected") {
			t.Errorf("an injected line: %q", line)
		}
	}
	if n := bytes.Count(b, []byte("\r\nBEGIN:VEVENT\r\n")); n != len(names) {
		t.Errorf("%d events, want %d", n, len(names))
	}
	if n := bytes.Count(b, []byte("\r\nDTEND")); n != len(names)-2 {
		t.Errorf("%d events with DTEND, want all but the 2 that would end in year 10000", n)
	}
	dates := regexp.MustCompile(`(?m)^DT(START|END)[^:]*:(\d+)`)
	for _, m := range dates.FindAllStringSubmatch(string(b), -1) {
		if len(m[2]) != 8 {
			t.Errorf("DT%s with a date of %d digits: %s", m[1], len(m[2]), m[0])
		}
	}
	parsed := parseFeed(t, cal, tok.Token)
	var summaries []string
	for _, ev := range parsed.Events() {
		summaries = append(summaries, ev.GetProperty(ics.ComponentPropertySummary).Value)
		if d := ev.GetProperty(ics.ComponentPropertyDescription).Value; ev.GetProperty(ics.ComponentPropertySummary).Value != "Legacy" &&
			!strings.Contains(d, "line one\nline two\nline three") ||
			!strings.Contains(d, "Lead: Ada\nEND:VEVENT") || !strings.Contains(d, ", Corp[31m") ||
			!strings.Contains(d, "Campaign: Feed\nX-CAMPAIGN:1") {
			t.Errorf("DESCRIPTION %q", d)
		}
	}
	slices.Sort(summaries)
	want := []string{"Bellback[0m", "Call\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil\nSUMMARY:injected", "Call\nX-INJECTED:1", "Legacy", "Legacy", "Next linehere"}
	if !slices.Equal(summaries, want) {
		t.Errorf("SUMMARY values %q, want %q", summaries, want)
	}
}
