package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// A search too long for the database (issue 14: 50,000 characters gave
// SQLite's "LIKE or GLOB pattern too complex", a 500) is a 422 page that
// says the limit, on both databases.
func TestLongSearchRefused(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	a.task(t, s, "ann@example.com", "Pricing 100% sure", "", "")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	for _, q := range []string{strings.Repeat("x", 50_000), strings.Repeat("🦀", 501), strings.Repeat("%", 50_000),
		strings.TrimSpace(strings.Repeat("a ", 21))} {
		p := do(t, c, "GET", s.URL+"/?q="+url.QueryEscape(q), nil)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "The search is too long") ||
			!(strings.Contains(p.Body, "at most 500 characters") || strings.Contains(p.Body, "at most 20 words")) {
			t.Errorf("q of %d bytes: %d\n%.2000s", len(q), p.Status, p.Body)
		}
	}
	for _, q := range []string{strings.Repeat("🦀", 500), "%", "100%", strings.TrimSpace(strings.Repeat("a ", 20))} {
		if p := do(t, c, "GET", s.URL+"/?q="+url.QueryEscape(q), nil); p.Status != http.StatusOK {
			t.Errorf("q %.20q: %d, want 200", q, p.Status)
		}
	}
}

// Each form that goes back to a return path (sign-in, add task, complete)
// sends a return that browsers would follow off the site to "/" instead.
func TestReturnPathStaysOnTheSite(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call", "", "")
	for _, ret := range []string{"/\t/evil.example", "/\n/evil.example", "/\\/evil.example", "\t//evil.example", "/\x00/evil.example", "/\u0085/x"} {
		c := browserClient(t)
		token := s.signIn(t, c, a.Key)
		for _, post := range []struct {
			path string
			form url.Values
		}{
			{"/tasks", url.Values{"csrf": {token}, "email": {"ann@example.com"}, "name": {"Send pricing"}}},
			{"/tasks/" + itoa(task.ID) + "/complete", url.Values{"csrf": {token}}},
			{"/signin", url.Values{"api_key": {a.Key}}},
		} {
			post.form.Set("return", ret)
			p := do(t, c, "POST", s.URL+post.path, post.form)
			if p.Status == http.StatusBadRequest && strings.ContainsRune(ret, 0) {
				continue // a form holding what is not text is refused whole
			}
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/" {
				t.Errorf("POST %s return %q: %d to %q, want a 303 to /", post.path, ret, p.Status, p.Header.Get("Location"))
			}
		}
	}
}

// The add form reads its date and time with the domain's rules (issue 14):
// a time in a DST gap of the reader's zone moves forward by the gap, and a
// date past 9999-12-30 is refused with the accepted range.
func TestAddFormDueEdges(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	zone := c.Jar.Cookies(mustURL(t, s.URL))[0].String() + "; tz=America/New_York"
	form := url.Values{"csrf": {token}, "email": {"ann@example.com"}, "name": {"In the gap"}, "return": {"/"},
		"due_date": {"2026-03-08"}, "due_time": {"02:30"}}
	if p := do(t, c, "POST", s.URL+"/tasks", form, "Cookie", zone); p.Status != http.StatusSeeOther {
		t.Fatalf("add in the gap: %d\n%.2000s", p.Status, p.Body)
	}
	page, err := s.DB.ListTasks(a.ctx, taskbox.TaskFilter{Status: "all"})
	if err != nil || len(page.Tasks) != 1 || page.Tasks[0].Due.String() != "2026-03-08T07:30:00Z" {
		t.Fatalf("the task in the gap: %v %v", page, err)
	}
	for _, due := range [][2]string{{"9999-12-31", ""}, {"9999-12-31", "10:00"}} {
		form.Set("due_date", due[0])
		form.Set("due_time", due[1])
		p := do(t, c, "POST", s.URL+"/tasks", form, "Cookie", zone)
		const want = "Choose a day no later than 9999-12-30." // taskbox.DueDateRange, in the form's words
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, want) {
			t.Errorf("due %v: %d, want 422 with %q", due, p.Status, want)
		}
	}
}

// Signing out ends the session on the server (issue 14: it only cleared
// the browser's cookie, and a copy taken before stayed valid until it
// idled out). The copy, replayed after sign-out, gets the sign-in page on
// a GET and on a form post, on both databases.
func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call Ann", "", "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	copied := c.Jar.Cookies(mustURL(t, s.URL))[0].String()
	other := browserClient(t) // where the copy is replayed
	if p := do(t, other, "GET", s.URL+"/", nil, "Cookie", copied); p.Status != http.StatusOK || !strings.Contains(p.Body, "Call Ann") {
		t.Fatalf("the copied cookie before sign-out: %d", p.Status)
	}
	if p := do(t, c, "POST", s.URL+"/signout", url.Values{"csrf": {token}}); p.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.Status)
	}
	p := do(t, other, "GET", s.URL+"/", nil, "Cookie", copied)
	if strings.Contains(p.Body, "Call Ann") || !strings.Contains(p.Body, `name="api_key"`) || !strings.Contains(p.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("the copied cookie after sign-out: %d, Set-Cookie %q, want the sign-in page", p.Status, p.Header.Get("Set-Cookie"))
	}
	p = do(t, other, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/complete", url.Values{"csrf": {token}}, "Cookie", copied)
	if p.Status != http.StatusUnauthorized {
		t.Errorf("a post with the copied cookie after sign-out: %d, want 401", p.Status)
	}
	if got, err := a.find(t, s, task.ID); err != nil || got.Status != taskbox.StatusPending {
		t.Errorf("the task after the refused post: %v, %v", got, err)
	}
	// Signing in again makes a new session, which works.
	s.signIn(t, c, a.Key)
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, "Call Ann") {
		t.Error("signed in again, the inbox does not show")
	}
}
