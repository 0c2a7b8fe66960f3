package web

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/taskboxhq/taskbox/internal/ratelimit"
)

// Failed sign-ins are limited per client address, so that nobody can try
// API keys as fast as the server answers: a burst of DefaultSignInBurst,
// then one every DefaultSignInEvery. A person who mistypes a key a few
// times is not held up; a sign-in that succeeds costs nothing. Past the
// limit no sign-in is checked, the right one included, until the address's
// failures have been paid for.
const (
	DefaultSignInBurst = 10
	DefaultSignInEvery = 6 * time.Second
)

// signInLimiter holds a bucket of failed sign-ins per client address.
type signInLimiter struct{ failures *ratelimit.Failures }

func newSignInLimiter(burst int, every time.Duration) *signInLimiter {
	if burst <= 0 {
		burst = DefaultSignInBurst
	}
	if every <= 0 {
		every = DefaultSignInEvery
	}
	return &signInLimiter{ratelimit.NewFailures(burst, every)}
}

// wait is how long, at now, until the address may try to sign in: past
// its limit the credentials are not checked at all, so that a password
// cannot be guessed at the speed the server answers. It takes nothing: a
// sign-in that succeeds costs nothing, however many are made at once.
func (l *signInLimiter) wait(addr netip.Prefix, now time.Time) time.Duration {
	return l.failures.Wait(addr, now)
}

// failed counts a sign-in of the address's that was refused (the
// credentials were checked and were wrong), into debt when several were
// checked at once (ratelimit.Failures.Owe).
func (l *signInLimiter) failed(addr netip.Prefix, now time.Time) { l.failures.Owe(addr, now) }

// clientAddress is what failed sign-ins are counted by: the peer's IPv4
// address, or its IPv6 /64 (ratelimit.ClientAddress).
func clientAddress(r *http.Request) netip.Prefix { return ratelimit.ClientAddress(r.RemoteAddr) }

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
