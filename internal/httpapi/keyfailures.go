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
// the address whose key is not valid is answered 429 instead of 401, until
// the address has an attempt again. The key is always looked up first (the
// key cache answers for a key in use): a valid key is never refused because
// of the address's failures, nor does it count against them, and only a key
// the database says is unknown or revoked counts; a lookup that fails (a
// busy or timed-out database, a cancelled request) counts as nothing. Keys of
// 192 random bits cannot be guessed anyway: the limit tells a client that
// keeps sending wrong keys to stop, and makes the log say so.
const (
	DefaultKeyFailureBurst = 20
	DefaultKeyFailureEvery = time.Second
)

// NewKeyFailures returns the per-address limit of failed API keys that
// serve sets on Server.KeyFailures.
func NewKeyFailures() *ratelimit.Failures {
	return ratelimit.NewFailures(DefaultKeyFailureBurst, DefaultKeyFailureEvery)
}

// keyFailed counts a refused key (unknown, revoked or missing) against the
// request's address. It returns the 401 to answer or, when the address has
// no failed attempt left, the 429, with its Retry-After and X-RateLimit
// headers written: the address's allowance of failed attempts, exhausted.
func (s *Server) keyFailed(w http.ResponseWriter, r *http.Request, refused error) error {
	if s.KeyFailures == nil {
		return refused
	}
	addr := ratelimit.ClientAddress(r.RemoteAddr)
	now := time.Now()
	wait, full := s.KeyFailures.Fail(addr, now)
	if wait == 0 {
		return refused
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	s.Logger.LogAttrs(r.Context(), slog.LevelWarn, "api: refused: too many requests with an invalid API key",
		slog.String("client", addr.String()), slog.Int("retry_after", secs))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.KeyFailures.Burst()))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(full).Unix(), 10))
	return &taskbox.Error{Code: taskbox.ERATELIMIT, RetryAfter: secs,
		Message: "Too many requests with an invalid API key from this address; retry after the time in Retry-After."}
}
