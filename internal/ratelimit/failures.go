package ratelimit

import (
	"net/netip"
	"time"

	"golang.org/x/time/rate"
)

// Failures limits failed attempts (a wrong API key, a refused sign-in) per
// client address: a burst of them at once, then one every so often. Only
// failures count: an attempt that does not fail never touches the bucket,
// so attempts that succeed, however many at once, use up nothing.
type Failures struct {
	buckets *Buckets[netip.Prefix]
	every   time.Duration
}

// NewFailures allows burst failed attempts at once per address, then one
// every every.
func NewFailures(burst int, every time.Duration) *Failures {
	return &Failures{buckets: New[netip.Prefix](rate.Every(every), burst), every: every}
}

// Burst is the most failed attempts an address can make at once.
func (f *Failures) Burst() int { return f.buckets.Burst() }

// Wait is how long, at now, until addr may make an attempt: 0 while its
// bucket holds a token. It takes nothing; an attempt that then fails is
// counted with Owe. For attempts that must not be checked at all past the
// limit (a password can be guessed): ask Wait before, Owe after.
func (f *Failures) Wait(addr netip.Prefix, now time.Time) time.Duration {
	if tokens := f.buckets.Tokens(addr, now); tokens < 1 {
		return max(time.Duration((1-tokens)*float64(f.every)), time.Nanosecond)
	}
	return 0
}

// Owe counts, at now, one failed attempt of addr's, into debt when its
// bucket is empty: attempts checked at once, which each found a token in
// Wait, hold the address back the longer afterwards, so that over time no
// more of its attempts fail than the limit lets through.
func (f *Failures) Owe(addr netip.Prefix, now time.Time) { f.buckets.Reserve(addr, now) }

// Fail counts, at now, one failed attempt of addr's: it takes a token from
// addr's bucket when there is one, and otherwise returns how long until
// there is (wait) and until the bucket is full again (full). It is called
// after the attempt was checked, so attempts past the limit are checked
// too: right for API keys, which cannot be guessed (passwords: Wait, Owe).
func (f *Failures) Fail(addr netip.Prefix, now time.Time) (wait, full time.Duration) {
	if ok, tokens := f.buckets.Allow(addr, now); !ok {
		wait = time.Duration((1 - tokens) * float64(f.every))
		wait = max(wait, time.Nanosecond)
		return wait, wait + time.Duration(f.buckets.Burst()-1)*f.every
	}
	return 0, 0
}

// ClientAddress is what failed attempts are counted by: the peer's IPv4
// address, or its IPv6 /64, which one host usually holds whole, from a
// request's RemoteAddr. Behind a proxy every client shares the proxy's.
func ClientAddress(remoteAddr string) netip.Prefix {
	ap, err := netip.ParseAddrPort(remoteAddr)
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
