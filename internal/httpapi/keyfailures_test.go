package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/ratelimit"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Requests answered 401 are limited per client address: after the burst,
// an invalid key from the address gets 429 RATE_LIMIT_EXCEEDED
// (Retry-After, X-RateLimit headers, retry_after) instead of 401, while a
// valid key from it is still served; another IPv4 address, or an IPv6
// address in another /64, is not held up, while one in the same /64 is.
// Requests with a valid key cost nothing, and the per-key limit of valid
// keys is untouched.
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
	for i := range 1 {
		if w := get(addr, acct.Key); w.Code != 200 {
			t.Fatalf("valid key %d: %d %s", i, w.Code, w.Body)
		}
	}
	for i, key := range []string{"tbx_wrong", "", "tbx_" + strconv.Itoa(12345)} {
		if w := get("192.0.2.7:"+strconv.Itoa(5000+i), key); w.Code != 401 || code(w) != "UNAUTHORIZED" {
			t.Fatalf("failed key %d: %d %s, want 401", i, w.Code, w.Body)
		}
	}
	for _, key := range []string{"tbx_wrong", "", "tbx_wrong"} {
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
	// A valid key from the blocked address is looked up and served.
	if w := get(addr, acct.Key); w.Code != 200 {
		t.Fatalf("valid key from the blocked address: %d %s, want 200", w.Code, w.Body)
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

// slowAccounts holds every Authenticate until release is closed, so that
// many requests are in flight at once, as under load on a busy database;
// fail, when set, is what a lookup returns instead (a busy or timed-out
// database).
type slowAccounts struct {
	taskbox.AccountService
	arrived chan struct{}
	mu      sync.Mutex // guards release and fail, which the test changes
	release chan struct{}
	fail    error
}

func (a *slowAccounts) Authenticate(ctx context.Context, key string) (*taskbox.Actor, error) {
	a.mu.Lock()
	release, fail := a.release, a.fail
	a.mu.Unlock()
	a.arrived <- struct{}{}
	<-release
	if fail != nil {
		return nil, fail
	}
	return a.AccountService.Authenticate(ctx, key)
}

// releaseAll lets the lookups waiting go on; later ones wait again.
func (a *slowAccounts) releaseAll() {
	a.mu.Lock()
	close(a.release)
	a.release = make(chan struct{})
	a.mu.Unlock()
}

func (a *slowAccounts) setFail(err error) {
	a.mu.Lock()
	a.fail = err
	a.mu.Unlock()
}

// Many requests with a valid key in flight at once from one address, more
// than the address's allowance of failed keys, are all served: the
// allowance counts failures after the lookup, not requests before it. A
// lookup that fails (the database busy or out of time) is a 503 and
// counts as no failure: invalid keys from the address still get 401 up to
// the limit, then 429, while the valid key is still served.
func TestValidKeysNeverLimitedByAddress(t *testing.T) {
	tdb := testdb.Open(t)
	acct := (&tbAPI{DB: tdb.DB}).Account(t, "busy", "")
	const burst, inFlight = 3, 40
	accounts := &slowAccounts{AccountService: tdb.DB, arrived: make(chan struct{}, inFlight), release: make(chan struct{})}
	s := &httpapi.Server{Accounts: accounts, Campaigns: tdb.DB, Leads: tdb.DB, Tasks: tdb.DB, Inbox: tdb.DB, DB: tdb.DB,
		Logger: slog.New(slog.DiscardHandler), Webhooks: tdb.DB, Calendar: &events.Calendar{DB: tdb.DB, BaseURL: tbBaseURL},
		KeyFailures: ratelimit.NewFailures(burst, time.Hour)}
	h := s.Handler()
	get := func(key string) int {
		req := httptest.NewRequest("GET", "/api/v1/campaigns", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	concurrently := func(key string) map[int]int {
		codes := make(chan int, inFlight)
		for range inFlight {
			go func() { codes <- get(key) }()
		}
		// All in flight before any lookup ends; one answered without a
		// lookup answers early.
		got := map[int]int{}
		for arrived, answered := 0, 0; arrived+answered < inFlight; {
			select {
			case <-accounts.arrived:
				arrived++
			case c := <-codes:
				got[c]++
				answered++
			}
		}
		accounts.releaseAll()
		for n := 0; n < inFlight; n++ {
			if sum(got) == inFlight {
				break
			}
			got[<-codes]++
		}
		return got
	}

	if got := concurrently(acct.Key); got[200] != inFlight {
		t.Fatalf("%d valid-key requests in flight at once: answers %v, want all 200", inFlight, got)
	}
	accounts.setFail(taskbox.Errorf(taskbox.EUNAVAILABLE, "The database is busy."))
	if got := concurrently("tbx_" + strings.Repeat("0", 48)); got[503] != inFlight {
		t.Fatalf("lookups that fail: answers %v, want all 503", got)
	}
	accounts.setFail(nil)
	release := accounts.releaseAll
	call := func(key string) int {
		code := make(chan int)
		go func() { code <- get(key) }()
		select {
		case <-accounts.arrived:
			release()
			return <-code
		case c := <-code: // answered without a lookup
			return c
		}
	}
	for i := range burst {
		if c := call("tbx_wrong_key_with_enough_length_" + strconv.Itoa(i)); c != 401 {
			t.Fatalf("invalid key %d after failed lookups: %d, want 401 (a failed lookup must not count)", i, c)
		}
	}
	if c := call("tbx_wrong_key_with_enough_length_x"); c != 429 {
		t.Fatalf("invalid key past the limit: %d, want 429", c)
	}
	if got := concurrently(acct.Key); got[200] != inFlight {
		t.Fatalf("valid-key requests from the blocked address: answers %v, want all 200", got)
	}
}

func sum(m map[int]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}
