package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// Quick add reads "tomorrow 9am" in the reader's zone (two zones, two
// instants), a day alone as all day; the reading is shown before the task
// is saved, and only a line whose reading was shown is saved.
func TestQuickAddInTwoZones(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	for _, zone := range []string{"Asia/Tokyo", "America/New_York"} {
		loc := mustZone(t, zone)
		cookie := c.Jar.Cookies(mustURL(t, s.URL))[0].String() + "; tz=" + zone
		p := do(t, c, "GET", s.URL+"/tasks/parse?text="+url.QueryEscape("Call Ann tomorrow 9am"), nil, "Cookie", cookie)
		var got struct {
			Name    string  `json:"name"`
			DueDate *string `json:"due_date"`
			Preview string  `json:"preview"`
		}
		if err := json.Unmarshal([]byte(p.Body), &got); err != nil || p.Status != http.StatusOK {
			t.Fatalf("%s: parse: %d %s", zone, p.Status, p.Body)
		}
		tomorrow := time.Now().In(loc).AddDate(0, 0, 1)
		want := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9, 0, 0, 0, loc)
		if got.Name != "Call Ann" || got.DueDate == nil || !mustTime(t, *got.DueDate).Equal(want) || !strings.Contains(got.Preview, "Tomorrow 09:00") {
			t.Errorf("%s: read as %+v (due %v), want Call Ann at %s", zone, got, got.DueDate, want)
		}

		form := url.Values{"csrf": {token}, "return": {"/"}, "text": {"Send pricing next fri " + zone}, "email": {"ann@example.com"}}
		first := do(t, c, "POST", s.URL+"/tasks/quick", form, "Cookie", cookie)
		if first.Status != http.StatusOK || !strings.Contains(first.Body, "Add it?") || !strings.Contains(first.Body, `name="confirmed" id="quick-confirmed" value="Send pricing next fri `+zone+`"`) {
			t.Fatalf("%s: a line not yet shown was saved, or its reading is not shown: %d", zone, first.Status)
		}
		form.Set("confirmed", form.Get("text"))
		if p := do(t, c, "POST", s.URL+"/tasks/quick", form, "Cookie", cookie); p.Status != http.StatusSeeOther {
			t.Fatalf("%s: confirmed quick add: %d\n%.2000s", zone, p.Status, p.Body)
		}
	}
	page, err := s.DB.ListTasks(a.ctx, taskbox.TaskFilter{Query: "pricing", Limit: 10})
	if err != nil || len(page.Tasks) != 2 {
		t.Fatalf("quick-added tasks: %v %v", page, err)
	}
	for _, task := range page.Tasks {
		if task.Due == nil || !task.Due.AllDay || task.Due.At.Weekday() != time.Friday || !strings.HasPrefix(task.Name, "Send pricing") ||
			strings.Contains(task.Name, "next") {
			t.Errorf("quick-added %q due %v, want an all-day Friday without the date words", task.Name, task.Due)
		}
	}
	// What is wrong is said on its field: no task words, an unknown lead.
	bad := do(t, c, "POST", s.URL+"/tasks/quick", url.Values{"csrf": {token}, "return": {"/"}, "text": {"tomorrow"}, "email": {"nobody@example.com"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="quick-text-err">Say what is to be done`) ||
		!strings.Contains(bad.Body, `id="quick-email-err">No lead with this email`) {
		t.Errorf("a bad quick add: %d", bad.Status)
	}
}

// Focus mode shows one open task at a time in due order, under the
// inbox's filters: skip goes to the next, complete comes back to focus
// mode on the next, and at the end it says so.
func TestFocusMode(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	late := a.task(t, s, "ann@example.com", "Late one", taskbox.PriorityLow, time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339))
	soon := a.task(t, s, "ann@example.com", "Soon one", taskbox.PriorityHigh, time.Now().AddDate(0, 0, 2).UTC().Format(time.DateOnly))
	never := a.task(t, s, "ann@example.com", "Someday one", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	p := do(t, c, "GET", s.URL+"/focus", nil)
	if !strings.Contains(p.Body, "<bdi>Late one</bdi>") || !strings.Contains(p.Body, "1 of 3 open") {
		t.Fatalf("focus mode starts with %q", regexpFind(p.Body, `<bdi>([^<]+)</bdi></a></h1>`))
	}
	skip := htmlUnescape(regexpFind(p.Body, `href="(/focus\?[^"]+)" id="focus-skip"`))
	if skip != "/focus?skip="+itoa(late.ID) {
		t.Fatalf("skip link %q", skip)
	}
	p = do(t, c, "GET", s.URL+skip, nil)
	if !strings.Contains(p.Body, "<bdi>Soon one</bdi>") {
		t.Fatal("skip did not go to the next task")
	}
	// The lead's notes are beside the task, and a note added there comes
	// back to the same task.
	if !strings.Contains(p.Body, `id="notes"`) || !strings.Contains(p.Body, "No notes yet.") {
		t.Error("focus mode shows no notes column")
	}
	note := do(t, c, "POST", s.URL+"/notes", url.Values{"csrf": {token}, "return": {skip},
		"lead_map": {regexpFind(p.Body, `name="lead_map" value="(\d+)"`)}, "note": {"Asked for <the> 50-seat price"}})
	if note.Status != http.StatusSeeOther || note.Header.Get("Location") != skip+"#notes" {
		t.Fatalf("a note from focus mode: %d to %q", note.Status, note.Header.Get("Location"))
	}
	p = do(t, c, "GET", s.URL+skip, nil)
	if !strings.Contains(p.Body, "<bdi>Soon one</bdi>") || !strings.Contains(p.Body, `<p class="text">Asked for &lt;the&gt; 50-seat price</p>`) ||
		!strings.Contains(p.Body, "Note added.") {
		t.Error("the note added in focus mode is not beside the task")
	}
	for i := 0; i < 6; i++ {
		do(t, c, "POST", s.URL+"/notes", url.Values{"csrf": {token}, "return": {skip}, "lead_map": {itoa(soon.LeadMapID)}, "note": {"more " + itoa(int64(i))}})
	}
	if p = do(t, c, "GET", s.URL+skip, nil); strings.Count(p.Body, `<li class="note"`) != 5 ||
		!strings.Contains(p.Body, `href="/leads/`+itoa(soon.LeadID)+`#notes">2 older notes on the lead's page</a>`) || !strings.Contains(p.Body, "more 5") {
		t.Errorf("focus mode shows %d notes, not the newest 5 and a link to the rest", strings.Count(p.Body, `<li class="note"`))
	}
	done := do(t, c, "POST", s.URL+"/tasks/"+itoa(soon.ID)+"/complete", url.Values{"csrf": {token}, "return": {skip}})
	if done.Status != http.StatusSeeOther || done.Header.Get("Location") != skip {
		t.Fatalf("complete from focus mode: %d to %q", done.Status, done.Header.Get("Location"))
	}
	if p = do(t, c, "GET", s.URL+skip, nil); !strings.Contains(p.Body, "<bdi>Someday one</bdi>") || !strings.Contains(p.Body, "Completed “Soon one”.") {
		t.Error("after completing, focus mode does not show the next task with the confirmation")
	}
	if p = do(t, c, "GET", s.URL+"/focus?priority=HIGH", nil); !strings.Contains(p.Body, "<bdi>Someday one</bdi>") || !strings.Contains(p.Body, "under the filters") {
		t.Error("focus mode ignores the filters")
	}
	end := do(t, c, "GET", s.URL+"/focus?skip="+itoa(late.ID)+"&skip="+itoa(never.ID), nil)
	if !strings.Contains(end.Body, "Nothing left") {
		t.Error("no end of focus mode")
	}
	for _, q := range []string{"?skip=x", "?skip=-4", "?skip=" + strings.Repeat("1&skip=", 300) + "2"} {
		if p := do(t, c, "GET", s.URL+"/focus"+q, nil); p.Status != http.StatusOK {
			t.Errorf("GET /focus%s: %d", q, p.Status)
		}
	}
}

// Editing a row in place (e) changes only its due date and priority, and
// comes back to the row; a date it cannot read saves nothing and says so;
// another account's task is a 404.
func TestInlineEdit(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "Europe/Berlin", "ann@example.com")
	b := s.account(t, "globex", "", "bob@example.com")
	task := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityLow, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	p := do(t, c, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/inline", url.Values{"csrf": {token}, "return": {"/?show_none=50"},
		"focus": {itoa(task.ID)}, "due_date": {"2030-01-02"}, "due_time": {"10:30"}, "priority": {"HIGH"}}, "Cookie", "tz=Europe/Berlin")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/?show_none=50#task-"+itoa(task.ID) {
		t.Fatalf("inline edit: %d to %q", p.Status, p.Header.Get("Location"))
	}
	got, _ := a.find(t, s, task.ID)
	if got.Priority != taskbox.PriorityHigh || got.Due == nil || !got.Due.At.Equal(mustTime(t, "2030-01-02T09:30:00Z")) || got.Name != "Call Ann" {
		t.Errorf("after the inline edit: %+v due %v", got, got.Due)
	}
	bad := do(t, c, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/inline", url.Values{"csrf": {token}, "return": {"/"},
		"due_date": {"2030-13-40"}, "priority": {"LOW"}})
	if bad.Status != http.StatusSeeOther {
		t.Fatalf("a bad inline edit: %d", bad.Status)
	}
	if got, _ := a.find(t, s, task.ID); got.Priority != taskbox.PriorityHigh {
		t.Error("a refused inline edit changed the priority")
	}
	if page := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(page.Body, "The change was not saved. Choose a day in the calendar") {
		t.Error("a refused inline edit does not say why")
	}
	other := b.task(t, s, "bob@example.com", "Not yours", "", "")
	if p := do(t, c, "POST", s.URL+"/tasks/"+itoa(other.ID)+"/inline", url.Values{"csrf": {token}, "priority": {"HIGH"}}); p.Status != http.StatusNotFound {
		t.Errorf("another account's task: %d, want 404", p.Status)
	}
}
