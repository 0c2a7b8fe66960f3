package httpapi

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/ratelimit"
)

// Requests answered 401 (a missing, unknown or revoked API key) are limited
// per client address (its IPv4 address or IPv6 /64): DefaultKeyFailureBurst
// at once, then one every DefaultKeyFailureEvery. Past that, a request from
// the address is answered 429 before its key is looked up, whatever the
// key, until the address has an attempt again; a request whose key is valid
// costs nothing. Keys of 192 random bits cannot be guessed anyway: the
// limit bounds what a flood of wrong keys costs (a lookup each).
const (
	DefaultKeyFailureBurst = 20
	DefaultKeyFailureEvery = time.Second
)

// NewKeyFailures returns the per-address limit of failed API keys that
// serve sets on Server.KeyFailures.
func NewKeyFailures() *ratelimit.Failures {
	return ratelimit.NewFailures(DefaultKeyFailureBurst, DefaultKeyFailureEvery)
}

// takeKeyAttempt takes one attempt of the request's address. It returns
// the function that gives the attempt back (for a request that does not
// fail) or, when the address has none left, the 429 to answer, with its
// Retry-After and X-RateLimit headers written: the address's allowance of
// failed attempts, exhausted.
func (s *Server) takeKeyAttempt(w http.ResponseWriter, r *http.Request) (refund func(), err error) {
	if s.KeyFailures == nil {
		return func() {}, nil
	}
	addr := ratelimit.ClientAddress(r.RemoteAddr)
	now := time.Now()
	refund, wait, full := s.KeyFailures.Take(addr, now)
	if wait == 0 {
		return refund, nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	s.Logger.LogAttrs(r.Context(), slog.LevelWarn, "api: refused: too many requests with an invalid API key",
		slog.String("client", addr.String()), slog.Int("retry_after", secs))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.KeyFailures.Burst()))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(full).Unix(), 10))
	return nil, &taskbox.Error{Code: taskbox.ERATELIMIT, RetryAfter: secs,
		Message: "Too many requests with an invalid API key from this address; retry after the time in Retry-After."}
}
