package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/ratelimit"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Requests answered 401 are limited per client address: after the burst,
// the address gets 429 RATE_LIMIT_EXCEEDED (Retry-After, X-RateLimit
// headers, retry_after) before any key is looked up, a valid key included;
// another IPv4 address, or an IPv6 address in another /64, is not held up,
// while one in the same /64 is. Requests with a valid key cost nothing,
// and the per-key limit of valid keys is untouched.
func TestFailedKeysLimitedPerAddress(t *testing.T) {
	tdb := testdb.Open(t)
	acct := (&tbAPI{DB: tdb.DB}).Account(t, "keys", "")
	s := &httpapi.Server{Accounts: tdb.DB, Campaigns: tdb.DB, Leads: tdb.DB, Tasks: tdb.DB, Inbox: tdb.DB, DB: tdb.DB,
		Logger: slog.New(slog.DiscardHandler), Webhooks: tdb.DB, Calendar: &events.Calendar{DB: tdb.DB, BaseURL: tbBaseURL},
		KeyFailures: ratelimit.NewFailures(3, time.Hour), RateLimit: httpapi.NewRateLimiter(1)}
	h := s.Handler()
	get := func(from, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/campaigns", nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		req.RemoteAddr = from
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	code := func(w *httptest.ResponseRecorder) string {
		var e struct {
			Error struct {
				Code       string `json:"code"`
				RetryAfter *int   `json:"retry_after"`
			} `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
			t.Fatalf("%d %s: not JSON", w.Code, w.Body)
		}
		return e.Error.Code
	}

	const addr = "192.0.2.7:4000"
	// A valid key costs the address nothing (its own limit is 1/s, burst 2).
	for i := range 2 {
		if w := get(addr, acct.Key); w.Code != 200 {
			t.Fatalf("valid key %d: %d %s", i, w.Code, w.Body)
		}
	}
	for i, key := range []string{"tbx_wrong", "", "tbx_" + strconv.Itoa(12345)} {
		if w := get("192.0.2.7:"+strconv.Itoa(5000+i), key); w.Code != 401 || code(w) != "UNAUTHORIZED" {
			t.Fatalf("failed key %d: %d %s, want 401", i, w.Code, w.Body)
		}
	}
	for _, key := range []string{"tbx_wrong", acct.Key} {
		w := get(addr, key)
		if w.Code != 429 || code(w) != "RATE_LIMIT_EXCEEDED" {
			t.Fatalf("after 3 failed keys, key %.8s…: %d %s, want 429", key, w.Code, w.Body)
		}
		ra, err := strconv.Atoi(w.Header().Get("Retry-After"))
		if err != nil || ra < 3500 || ra > 3600 {
			t.Errorf("Retry-After %q, want about an hour", w.Header().Get("Retry-After"))
		}
		if w.Header().Get("X-RateLimit-Limit") != "3" || w.Header().Get("X-RateLimit-Remaining") != "0" || w.Header().Get("X-RateLimit-Reset") == "" {
			t.Errorf("X-RateLimit headers %v", w.Header())
		}
		if w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
		}
	}
	if w := get("198.51.100.1:1", "tbx_wrong"); w.Code != 401 {
		t.Errorf("another IPv4 address: %d, want 401", w.Code)
	}
	// The valid key's own bucket (burst 2, used up above) answers its
	// own 429, from another address.
	if w := get("198.51.100.1:1", acct.Key); w.Code != 429 || w.Header().Get("X-RateLimit-Limit") != "2" {
		t.Errorf("valid key over its own rate: %d %v, want 429 with its limit 2", w.Code, w.Header())
	}

	for i := range 3 {
		if w := get("[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:443", "tbx_wrong"); w.Code != 401 {
			t.Fatalf("IPv6 failed key %d: %d", i, w.Code)
		}
	}
	if w := get("[2001:db8:1:2:ffff::9]:443", "tbx_wrong"); w.Code != 429 {
		t.Errorf("the same IPv6 /64: %d, want 429", w.Code)
	}
	if w := get("[2001:db8:1:3::1]:443", "tbx_wrong"); w.Code != 401 {
		t.Errorf("another IPv6 /64: %d, want 401", w.Code)
	}
	if w := get("[::ffff:192.0.2.7]:1", "tbx_wrong"); w.Code != 429 {
		t.Errorf("the IPv4 address written as IPv6: %d, want 429", w.Code)
	}
}
