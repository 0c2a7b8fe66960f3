package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// A signed-in person's pages and form posts count against the session's
// API key's rate, the API's limit (here one request, then one every 1,000
// seconds): past it a form post gets a 429 page that says when to try
// again, with Retry-After, and changes nothing; the key's API calls share
// the budget.
func TestWebRequestsAreRateLimited(t *testing.T) {
	s := newSite(t, siteOptions{rateLimit: 0.001})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key) // its GET / takes the one request

	p := do(t, c, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/complete", url.Values{"csrf": {token}})
	if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" ||
		!strings.Contains(p.Body, "Too many requests from your session. Try again in") {
		t.Errorf("form post over the key's rate: %d, Retry-After %q\n%.2000s", p.Status, p.Header.Get("Retry-After"), p.Body)
	}
	if got, err := a.find(t, s, task.ID); err != nil || got.Status != taskbox.StatusPending {
		t.Errorf("the refused post changed the task: %v %v", got, err)
	}
	if p := do(t, c, "GET", s.URL+"/", nil); p.Status != http.StatusTooManyRequests {
		t.Errorf("page over the key's rate: %d, want 429", p.Status)
	}
	res, err := http.Get(s.URL + "/api/v1/campaigns?api_key=" + a.Key)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the key's API call after its pages used its rate: %d, want 429", res.StatusCode)
	}

	// Without a limit (as the other tests run), nothing is refused.
	free := newSite(t, siteOptions{})
	b := free.account(t, "acme", "")
	fc := browserClient(t)
	free.signIn(t, fc, b.Key)
	for range 50 {
		if p := do(t, fc, "GET", free.URL+"/", nil); p.Status != http.StatusOK {
			t.Fatalf("no limit: %d", p.Status)
		}
	}
}
