package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
