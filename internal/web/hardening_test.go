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
