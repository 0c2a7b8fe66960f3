package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/ratelimit"
	"golang.org/x/time/rate"
)

// RateLimiter is a token bucket per API key: rate requests per second with a
// burst of twice that. Its state is in this process's memory: behind a load
// balancer each server enforces the limit on the requests it sees.
type RateLimiter struct {
	buckets *ratelimit.Buckets[int64]
}

// NewRateLimiter returns a limiter of perSecond requests per key, or nil
// (no limit) when perSecond is 0.
func NewRateLimiter(perSecond float64) *RateLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &RateLimiter{ratelimit.New[int64](rate.Limit(perSecond), max(1, int(math.Ceil(2*perSecond))))}
}

// allow takes a token from the key's bucket and writes the X-RateLimit
// headers; when there is none it returns the ERATELIMIT error.
func (l *RateLimiter) allow(w http.ResponseWriter, keyID int64) error {
	now := time.Now()
	ok, tokens := l.buckets.Allow(keyID, now)
	burst, perSecond := l.buckets.Burst(), float64(l.buckets.Limit())

	untilFull := time.Duration((float64(burst) - tokens) / perSecond * float64(time.Second))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(burst))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, int(math.Floor(tokens)))))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(untilFull).Unix(), 10))
	if ok {
		return nil
	}
	retry := int(math.Ceil((1 - tokens) / perSecond))
	return &taskbox.Error{Code: taskbox.ERATELIMIT, RetryAfter: max(1, retry),
		Message: "Too many requests for this API key; retry after the time in Retry-After."}
}

// Take takes one request of the key at now, as the API's requests do, for
// the web inbox's pages (web.KeyLimiter): 0 when it may go on, else how
// long until the key has a request again. A nil limiter limits nothing.
func (l *RateLimiter) Take(keyID int64, now time.Time) time.Duration {
	if l == nil {
		return 0
	}
	ok, tokens := l.buckets.Allow(keyID, now)
	if ok {
		return 0
	}
	return time.Duration((1 - tokens) / float64(l.buckets.Limit()) * float64(time.Second))
}
