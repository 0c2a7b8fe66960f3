package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// A task reminder that fires shows atop the inbox on the next page, until
// dismissed; another account neither sees nor dismisses it.
func TestReminderNoticeShownUntilDismissed(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	due := time.Now().Add(2 * time.Minute).UTC().Format(time.RFC3339)
	task, err := s.DB.CreateTask(a.ctx, &taskbox.TaskCreate{LeadMapID: a.maps["ann@example.com"], Name: "Call Ann", DueDate: &due, Reminders: []string{"PT1M"}})
	if err != nil {
		t.Fatal(err)
	}
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	if p := do(t, c, "GET", s.URL+"/", nil); strings.Contains(p.Body, `class="notices"`) {
		t.Fatal("a notice before the reminder fired")
	}
	s.DB.Now = func() taskbox.Timestamp {
		return taskbox.Timestamp{Time: time.Now().Add(90 * time.Second).UTC().Truncate(time.Microsecond)}
	}
	if fired, err := s.DB.FireTimers(context.Background(), 10); err != nil || fired["task_reminder"] != 1 {
		t.Fatalf("FireTimers = %v, %v", fired, err)
	}
	p := do(t, c, "GET", s.URL+"/", nil)
	if !strings.Contains(p.Body, "Reminder: “Call Ann” is due "+due+".") || !strings.Contains(p.Body, `href="/tasks/`+itoa(task.ID)+`"`) {
		t.Fatalf("no notice on the next page:\n%.3000s", p.Body)
	}
	id := regexp.MustCompile(`action="/notices/(\d+)/dismiss"`).FindStringSubmatch(p.Body)
	if id == nil {
		t.Fatal("no dismiss form")
	}
	b := s.account(t, "other", "", "bob@example.com")
	bc := browserClient(t)
	btoken := s.signIn(t, bc, b.Key)
	if p := do(t, bc, "GET", s.URL+"/", nil); strings.Contains(p.Body, `class="notices"`) || strings.Contains(p.Body, "Reminder: “Call Ann”") {
		t.Error("another account sees the notice")
	}
	if p := do(t, bc, "POST", s.URL+"/notices/"+id[1]+"/dismiss", url.Values{"csrf": {btoken}}); p.Status != http.StatusNotFound {
		t.Errorf("another account's dismiss: %d, want 404", p.Status)
	}
	if p := do(t, c, "POST", s.URL+"/notices/"+id[1]+"/dismiss", url.Values{"csrf": {token}, "return": {"/"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", p.Status)
	}
	if p := do(t, c, "GET", s.URL+"/", nil); strings.Contains(p.Body, `class="notices"`) {
		t.Error("the notice is still shown after dismissing it")
	}
}
