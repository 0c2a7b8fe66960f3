// Package ratelimit keeps a token bucket (golang.org/x/time/rate) per key,
// in this process's memory: behind a load balancer each server limits what
// it sees itself. Buckets full again are forgotten, so that memory stays
// bounded by the keys in use.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Buckets holds one bucket per key, each of rate tokens a second and
// burst at most, full when first used. It is safe for concurrent use.
type Buckets[K comparable] struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[K]*bucket
	sweep   time.Time
}

type bucket struct {
	lim *rate.Limiter
}

// New returns buckets of perSecond tokens a second and burst at most.
func New[K comparable](perSecond rate.Limit, burst int) *Buckets[K] {
	return &Buckets[K]{rate: perSecond, burst: burst, buckets: map[K]*bucket{}}
}

// Limit is the tokens a bucket gains a second.
func (b *Buckets[K]) Limit() rate.Limit { return b.rate }

// Burst is the most tokens a bucket holds.
func (b *Buckets[K]) Burst() int { return b.burst }

// Allow takes a token from key's bucket at now when it has one, and
// returns whether it had and the tokens left.
func (b *Buckets[K]) Allow(key K, now time.Time) (ok bool, tokens float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	lim := b.limiter(key, now)
	ok = lim.AllowN(now, 1)
	return ok, lim.TokensAt(now)
}

// Tokens is what key's bucket holds at now, less than 0 when it owes
// tokens reserved ahead (Reserve); it takes nothing.
func (b *Buckets[K]) Tokens(key K, now time.Time) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limiter(key, now).TokensAt(now)
}

// Reserve takes a token from key's bucket at now, one that may be due only
// later: the reservation's DelayFrom(now) says when, and its CancelAt puts
// the token back.
func (b *Buckets[K]) Reserve(key K, now time.Time) *rate.Reservation {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limiter(key, now).ReserveN(now, 1)
}

// limiter is key's bucket, at now; b.mu is held.
func (b *Buckets[K]) limiter(key K, now time.Time) *rate.Limiter {
	b.forgetIdle(now) // first: a bucket it drops now is made anew below
	bk := b.buckets[key]
	if bk == nil {
		bk = &bucket{lim: rate.NewLimiter(b.rate, b.burst)}
		b.buckets[key] = bk
	}
	return bk.lim
}

// forgetIdle drops, once a minute, the buckets that are full again, which
// a new one would be (one in debt, see Failures.Owe, is kept until it has
// paid).
func (b *Buckets[K]) forgetIdle(now time.Time) {
	if now.Sub(b.sweep) < time.Minute {
		return
	}
	b.sweep = now
	for key, bk := range b.buckets {
		if bk.lim.TokensAt(now) >= float64(b.burst) {
			delete(b.buckets, key)
		}
	}
}
