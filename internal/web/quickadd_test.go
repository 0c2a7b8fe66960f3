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
