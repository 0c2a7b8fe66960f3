package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// TestRateLimit_FloodBesideQuietKey floods the server from one key while
// another key sends a request every 50 ms: the flood meets 429s, the quiet
// key never does. The figures (429s seen, the quiet key's latencies) are
// logged for the record, not asserted: speed is for benchmarks.
func TestRateLimit_FloodBesideQuietKey(t *testing.T) {
	db, _ := tbOpenStore(t)
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, DB: db,
		Logger: slog.New(slog.DiscardHandler), RateLimit: httpapi.NewRateLimiter(20)}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	api := &tbAPI{URL: srv.URL, DB: db}
	flood, quiet := api.Account(t, "flood", ""), api.Account(t, "quiet", "")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ok200, got429, other atomic.Int64
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := api.Try(http.MethodGet, "/api/v1/campaigns", flood.Key, "")
				switch {
				case err != nil:
					other.Add(1)
				case r.Status == http.StatusTooManyRequests:
					got429.Add(1)
				case r.Status == http.StatusOK:
					ok200.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	var latencies []time.Duration
	for i := 0; i < 40; i++ {
		start := time.Now()
		r := api.Get(t, "/api/v1/campaigns", quiet.Key)
		latencies = append(latencies, time.Since(start))
		if r.Status != http.StatusOK {
			t.Errorf("the quiet key got %d during the flood: %s", r.Status, r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if got429.Load() == 0 || other.Load() != 0 {
		t.Errorf("flood: %d ok, %d 429, %d other; want 429s and nothing else", ok200.Load(), got429.Load(), other.Load())
	}
	slices.Sort(latencies)
	t.Logf("flood key: %d answered 200, %d answered 429; quiet key: p50 %s, max %s over %d requests",
		ok200.Load(), got429.Load(), latencies[len(latencies)/2], latencies[len(latencies)-1], len(latencies))
}
