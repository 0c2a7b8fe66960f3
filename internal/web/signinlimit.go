package web

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/taskboxhq/taskbox/internal/ratelimit"
	"golang.org/x/time/rate"
)

// Failed sign-ins are limited per client address, so that nobody can try
// API keys as fast as the server answers: a burst of DefaultSignInBurst,
// then one every DefaultSignInEvery. A person who mistypes a key a few
// times is not held up; a sign-in that succeeds costs nothing.
const (
	DefaultSignInBurst = 10
	DefaultSignInEvery = 6 * time.Second
)

// signInLimiter holds a bucket of failed sign-ins per client address.
type signInLimiter struct {
	buckets *ratelimit.Buckets[netip.Prefix]
}

func newSignInLimiter(burst int, every time.Duration) *signInLimiter {
	if burst <= 0 {
		burst = DefaultSignInBurst
	}
	if every <= 0 {
		every = DefaultSignInEvery
	}
	return &signInLimiter{ratelimit.New[netip.Prefix](rate.Every(every), burst)}
}

// take takes, at now, a token for one sign-in attempt from the address's
// bucket. When there is none, wait is how long until there is; otherwise
// refund gives the token back, for an attempt that did not fail. The token
// is taken before the key is checked, so that attempts sent at once cannot
// all pass before their failures count.
func (l *signInLimiter) take(addr netip.Prefix, now time.Time) (refund func(), wait time.Duration) {
	res := l.buckets.Reserve(addr, now)
	if wait = res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return nil, wait
	}
	return func() { res.CancelAt(now) }, 0
}

// clientAddress is what failed sign-ins are counted by: the peer's IPv4
// address, or its IPv6 /64, which one host usually holds whole. Behind a
// proxy every client shares the proxy's address.
func clientAddress(r *http.Request) netip.Prefix {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Prefix{}
	}
	addr := ap.Addr().Unmap()
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}

// refuseSignIn answers an attempt over the limit: a 429 sign-in page that
// says when to try again, with Retry-After, and what was typed kept. The
// submitted key is neither checked nor logged.
func (s *Server) refuseSignIn(w http.ResponseWriter, r *http.Request, addr netip.Prefix, wait time.Duration, d signInData) {
	secs := int(math.Ceil(wait.Seconds()))
	s.Logger.Warn("web: sign-in refused: too many failed attempts", "client", addr.String(), "retry_after", secs)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	d.Error = fmt.Sprintf("Too many failed sign-ins from your address. Try again in %s.", waitText(secs))
	s.renderSignIn(w, r, http.StatusTooManyRequests, d)
}

// waitText writes a wait of secs seconds for a person.
func waitText(secs int) string {
	switch {
	case secs <= 1:
		return "1 second"
	case secs < 120:
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}
