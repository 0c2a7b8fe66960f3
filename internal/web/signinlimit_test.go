package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/web"
)

// heldAccounts checks API keys ("tbx_right" is the one that works) and
// holds each check until the test releases it, so that a test can have many
// sign-ins in flight at once.
type heldAccounts struct {
	taskbox.AccountService
	arrived chan struct{}
	mu      sync.Mutex
	release chan struct{}
	checks  int
}

func (a *heldAccounts) Authenticate(ctx context.Context, key string) (*taskbox.Actor, error) {
	a.mu.Lock()
	a.checks++
	release := a.release
	a.mu.Unlock()
	a.arrived <- struct{}{}
	<-release
	if key != "tbx_right" {
		return nil, taskbox.Errorf(taskbox.EUNAUTHORIZED, "no such key")
	}
	return &taskbox.Actor{}, nil
}

// hold makes the next checks wait until the returned function is called,
// and forgets the arrivals of the checks before.
func (a *heldAccounts) hold() (releaseAll func()) {
	ch := make(chan struct{})
	a.mu.Lock()
	a.release = ch
	a.mu.Unlock()
	for len(a.arrived) > 0 {
		<-a.arrived
	}
	return func() { close(ch) }
}

func (a *heldAccounts) checked() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.checks
}

// Only failed sign-ins count against an address: many right ones in flight
// at once, more than the address's allowance of failures, all get in and
// use up nothing. Past the limit nothing is checked, the right key
// included; failures checked at once, each finding a token when it began,
// are all counted afterwards, the address owing what it overdrew.
func TestSignInSpendsTheLimitOnFailuresOnly(t *testing.T) {
	t.Parallel()
	const burst, inFlight = 3, 12
	accounts := &heldAccounts{arrived: make(chan struct{}, inFlight)}
	s := &web.Server{Accounts: accounts, Key: []byte("0123456789abcdef0123456789abcdef"), Logger: slog.New(slog.DiscardHandler),
		SignInBurst: burst, SignInEvery: time.Hour}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(addr, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"api_key": {key}, "return": {"/"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// concurrently sends inFlight sign-ins with key from addr, all in
	// flight before any check ends (one answered without a check answers
	// early), and counts the answers' statuses.
	concurrently := func(addr, key string) map[int]int {
		releaseAll := accounts.hold()
		codes := make(chan int, inFlight)
		for range inFlight {
			go func() { codes <- signIn(addr, key).Code }()
		}
		got := map[int]int{}
		arrived := 0
		for answered := 0; arrived+answered < inFlight; {
			select {
			case <-accounts.arrived:
				arrived++
			case c := <-codes:
				got[c]++
				answered++
			}
		}
		releaseAll()
		for range arrived {
			got[<-codes]++
		}
		return got
	}

	const addr = "198.51.100.9:5000"
	if got := concurrently(addr, "tbx_right"); got[http.StatusSeeOther] != inFlight {
		t.Fatalf("%d right sign-ins at once from one address: %v, want all 303", inFlight, got)
	}
	accounts.hold()() // the checks below wait for nothing
	for i := range burst {
		if c := signIn(addr, "tbx_wrong").Code; c != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d after the right ones: %d, want 401 (the right ones spent the limit?)", i, c)
		}
	}
	before := accounts.checked()
	for _, key := range []string{"tbx_wrong", "tbx_right"} {
		if rec := signIn(addr, key); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3600" {
			t.Errorf("sign-in with %s past the limit: %d, Retry-After %q; want 429, 3600", key, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	if n := accounts.checked() - before; n != 0 {
		t.Errorf("%d keys checked past the limit, want none", n)
	}

	// Wrong keys at once from a fresh address: each began with a token
	// left, so each is checked (401); the address then owes the overdraft.
	const other = "203.0.113.5:6000"
	if got := concurrently(other, "tbx_wrong"); got[http.StatusUnauthorized] != inFlight {
		t.Fatalf("%d wrong sign-ins at once: %v, want all 401", inFlight, got)
	}
	accounts.hold()()
	wantWait := (inFlight - burst + 1) * 3600 // tokens: burst-inFlight; one more needs 1-(burst-inFlight) hours
	rec := signIn(other, "tbx_right")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != itoa(int64(wantWait)) {
		t.Errorf("after the overdraft: %d, Retry-After %q; want 429, %d", rec.Code, rec.Header().Get("Retry-After"), wantWait)
	}
}
