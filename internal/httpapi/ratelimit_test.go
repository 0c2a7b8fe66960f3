package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/taskboxhq/taskbox/internal/httpapi"
)

func TestRateLimit_PerKey(t *testing.T) {
	db, _ := tbOpenStore(t)
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, DB: db,
		Logger: slog.New(slog.DiscardHandler), RateLimit: httpapi.NewRateLimiter(0.5)} // burst 1, one token per 2 s
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	api := &tbAPI{URL: srv.URL, DB: db}
	busy := api.Account(t, "busy", "")
	calm := api.Account(t, "calm", "")

	r := api.Get(t, "/api/v1/campaigns", busy.Key)
	tbWantStatus(t, r, http.StatusOK)
	if r.Header.Get("X-RateLimit-Limit") != "1" || r.Header.Get("X-RateLimit-Remaining") != "0" || r.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("rate headers on a 200: %v", r.Header)
	}
	r = api.Get(t, "/api/v1/campaigns", busy.Key)
	e := tbWantError(t, r, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED")
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 2 {
		t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	var body struct {
		Error struct {
			RetryAfter int `json:"retry_after"`
		} `json:"error"`
	}
	tbDecode(t, r.Body, &body)
	if body.Error.RetryAfter != retry || e.Message == "" {
		t.Errorf("retry_after = %d, Retry-After = %d", body.Error.RetryAfter, retry)
	}
	if r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("rate headers on a 429: %v", r.Header)
	}
	// Another key is not slowed by the first.
	tbWantStatus(t, api.Get(t, "/api/v1/campaigns", calm.Key), http.StatusOK)
}
