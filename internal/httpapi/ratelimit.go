package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"golang.org/x/time/rate"
)

// RateLimiter is a token bucket per API key: rate requests per second with a
// burst of twice that. Its state is in this process's memory: behind a load
// balancer each server enforces the limit on the requests it sees.
type RateLimiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[int64]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewRateLimiter returns a limiter of perSecond requests per key, or nil
// (no limit) when perSecond is 0.
func NewRateLimiter(perSecond float64) *RateLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &RateLimiter{rate: rate.Limit(perSecond), burst: max(1, int(math.Ceil(2*perSecond))), buckets: map[int64]*bucket{}}
}

// allow takes a token from the key's bucket and writes the X-RateLimit
// headers; when there is none it returns the ERATELIMIT error.
func (l *RateLimiter) allow(w http.ResponseWriter, keyID int64) error {
	now := time.Now()
	l.mu.Lock()
	b := l.buckets[keyID]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[keyID] = b
	}
	b.seen = now
	ok := b.lim.AllowN(now, 1)
	tokens := b.lim.TokensAt(now)
	l.forgetIdle(now)
	l.mu.Unlock()

	untilFull := time.Duration((float64(l.burst) - tokens) / float64(l.rate) * float64(time.Second))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.burst))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, int(math.Floor(tokens)))))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(untilFull).Unix(), 10))
	if ok {
		return nil
	}
	retry := int(math.Ceil((1 - tokens) / float64(l.rate)))
	return &taskbox.Error{Code: taskbox.ERATELIMIT, RetryAfter: max(1, retry),
		Message: "Too many requests for this API key; retry after the time in Retry-After."}
}

// forgetIdle drops, once a minute, the buckets of keys idle long enough to
// be full again, so that memory stays bounded by the keys in use.
func (l *RateLimiter) forgetIdle(now time.Time) {
	if now.Sub(l.sweep) < time.Minute {
		return
	}
	l.sweep = now
	full := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Second
	for id, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, id)
		}
	}
}
