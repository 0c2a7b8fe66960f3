package client_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/taskboxhq/taskbox/client"
)

// recorder is a RoundTripper that notes what each request carried.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(req.Context()))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// WithHTTPClient's client carries every request; the key goes in the
// Authorization header, never in the URL, and creates carry a key of
// their own each.
func TestWithHTTPClient(t *testing.T) {
	t.Parallel()
	a := newServer(t)
	rec := &recorder{}
	c := a.account(t, "acme", client.WithHTTPClient(&http.Client{Transport: rec}), client.WithUserAgent("ua-test"))
	ctx := context.Background()
	if _, err := c.ListCampaigns(ctx); err != nil {
		t.Fatal(err)
	}
	leadMaps(t, c, "one", "a@example.com")
	leadMaps(t, c, "two", "b@example.com")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != 5 {
		t.Fatalf("%d requests through the given client, want 5", len(rec.reqs))
	}
	keys := map[string]bool{}
	for _, r := range rec.reqs {
		if strings.Contains(r.URL.RawQuery, "api_key") || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tbx_") || r.Header.Get("User-Agent") != "ua-test" {
			t.Errorf("%s %s: query %q, Authorization %q, User-Agent %q", r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("User-Agent"))
		}
		if k := r.Header.Get("Idempotency-Key"); k != "" {
			keys[k] = true
		} else if r.Method == http.MethodPost {
			t.Errorf("POST %s without an Idempotency-Key", r.URL.Path)
		}
	}
	if len(keys) != 4 {
		t.Errorf("%d distinct Idempotency-Keys over 4 creates", len(keys))
	}
}
