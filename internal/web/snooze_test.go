package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// Snooze from a row (each choice), the Snoozed view, unsnooze; a
// recurring task's row shows its rule in words.
func TestSnoozeFromTheRow(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "Europe/Berlin", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call back", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	snooze := s.URL + "/tasks/" + itoa(task.ID) + "/snooze"

	inbox := do(t, c, "GET", s.URL+"/", nil)
	for _, want := range []string{`action="/tasks/` + itoa(task.ID) + `/snooze"`, "Later today", "Tomorrow morning", "Next week", "Pick a time", `href="/?view=snoozed"`} {
		if !strings.Contains(inbox.Body, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	for _, form := range []url.Values{
		{"when": {"later"}}, {"when": {"tomorrow"}}, {"when": {"next_week"}}, {"when": {"pick"}, "at": {"2099-03-02T10:30"}},
	} {
		form.Set("csrf", token)
		form.Set("return", "/")
		if p := do(t, c, "POST", snooze, form); p.Status != http.StatusSeeOther {
			t.Fatalf("snooze %v: %d", form, p.Status)
		}
		got, err := a.find(t, s, task.ID)
		if err != nil || got.SnoozedUntil == nil {
			t.Fatalf("snooze %v: %+v, %v", form, got, err)
		}
		if form.Get("when") == "tomorrow" || form.Get("when") == "next_week" {
			if l := got.SnoozedUntil.In(mustZone(t, "Europe/Berlin")); l.Hour() != 9 || l.Minute() != 0 {
				t.Errorf("%s: until %s, want 09:00 Berlin time", form.Get("when"), l)
			}
		}
		if form.Get("when") == "pick" && got.SnoozedUntil.String() != "2099-03-02T09:30:00.000Z" {
			t.Errorf("pick: until %s, want 10:30 Berlin time", got.SnoozedUntil)
		}
	}
	// A past pick is refused with a message, nothing changed.
	p := do(t, c, "POST", snooze, url.Values{"csrf": {token}, "return": {"/"}, "when": {"pick"}, "at": {"2001-01-01T10:00"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("past pick: %d", p.Status)
	}
	if page := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(page.Body, "Pick a time in the future") || sectionOf(page.Body, task.ID) != "" {
		t.Errorf("the inbox after a past pick: section %q", sectionOf(page.Body, task.ID))
	}
	view := do(t, c, "GET", s.URL+"/?view=snoozed", nil)
	if sectionOf(view.Body, task.ID) != "snoozed" || !strings.Contains(view.Body, "Snoozed until") || !strings.Contains(view.Body, `/unsnooze"`) {
		t.Fatalf("the Snoozed view lacks the task:\n%.3000s", view.Body)
	}
	if p := do(t, c, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/unsnooze", url.Values{"csrf": {token}, "return": {"/"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("unsnooze: %d", p.Status)
	}
	if page := do(t, c, "GET", s.URL+"/", nil); sectionOf(page.Body, task.ID) != taskbox.DueNone {
		t.Errorf("after unsnooze the task is in section %q", sectionOf(page.Body, task.ID))
	}

	// Another account's task is missing.
	b := s.account(t, "other", "", "bob@example.com")
	bc := browserClient(t)
	if p := do(t, bc, "POST", snooze, url.Values{"csrf": {s.signIn(t, bc, b.Key)}, "when": {"later"}}); p.Status != http.StatusNotFound {
		t.Errorf("another account's snooze: %d, want 404", p.Status)
	}

	if _, err := s.DB.UpdateTask(a.ctx, task.ID, &taskbox.TaskUpdate{RecurrenceSet: true,
		Recurrence: &taskbox.Recurrence{Rule: "FREQ=WEEKLY;BYDAY=MO,TH", From: "due"}}); err != nil {
		t.Fatal(err)
	}
	if page := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(page.Body, "Repeats every week on Monday, Thursday, counted from the due date") {
		t.Errorf("the row lacks the rule in words")
	}
}

// The bulk bar snoozes the ticked tasks (all or none); the Snoozed view
// lists them; another account's task in the selection is a 404.
func TestBulkSnooze(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "Europe/Berlin", "ann@example.com")
	one := a.task(t, s, "ann@example.com", "One", taskbox.PriorityHigh, "")
	two := a.task(t, s, "ann@example.com", "Two", taskbox.PriorityLow, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, `name="action" value="snooze"`) {
		t.Fatal("the bulk bar has no Snooze")
	}
	p := do(t, c, "POST", s.URL+"/tasks/bulk", url.Values{"csrf": {token}, "return": {"/"}, "action": {"snooze"},
		"bulk_snooze": {"tomorrow"}, "ids": {itoa(one.ID), itoa(two.ID)}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("bulk snooze: %d", p.Status)
	}
	for _, id := range []int64{one.ID, two.ID} {
		got, err := a.find(t, s, id)
		if err != nil || got.SnoozedUntil == nil {
			t.Fatalf("task %d after bulk snooze: %+v, %v", id, got, err)
		}
		if l := got.SnoozedUntil.In(mustZone(t, "Europe/Berlin")); l.Hour() != 9 || l.Minute() != 0 {
			t.Errorf("task %d: until %s, want 09:00 Berlin time", id, l)
		}
	}
	view := do(t, c, "GET", s.URL+"/?view=snoozed", nil)
	if sectionOf(view.Body, one.ID) != "snoozed" || sectionOf(view.Body, two.ID) != "snoozed" {
		t.Fatalf("the Snoozed view lacks the tasks:\n%.3000s", view.Body)
	}
	if p := do(t, c, "POST", s.URL+"/tasks/bulk", url.Values{"csrf": {token}, "return": {"/"}, "action": {"snooze"},
		"ids": {itoa(one.ID)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("bulk snooze without a choice: %d", p.Status)
	}
	b := s.account(t, "other", "", "bob@example.com")
	theirs := b.task(t, s, "bob@example.com", "Theirs", taskbox.PriorityLow, "")
	p = do(t, c, "POST", s.URL+"/tasks/bulk", url.Values{"csrf": {token}, "return": {"/"}, "action": {"snooze"},
		"bulk_snooze": {"next_week"}, "ids": {itoa(theirs.ID)}})
	if p.Status != http.StatusNotFound {
		t.Errorf("another account's task in a bulk snooze: %d, want 404", p.Status)
	}
	if got, err := b.find(t, s, theirs.ID); err != nil || got.SnoozedUntil != nil {
		t.Errorf("another account's task: %+v, %v; want it not snoozed", got, err)
	}
}
