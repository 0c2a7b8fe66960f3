package ratelimit

import (
	"net/netip"
	"time"

	"golang.org/x/time/rate"
)

// Failures limits failed attempts (a wrong API key, a refused sign-in) per
// client address: a burst of them at once, then one every so often. An
// attempt takes its token before it is checked, so that attempts sent at
// once cannot all pass before their failures count; one that does not fail
// gives it back, and costs nothing.
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

// Take takes, at now, a token for one attempt from addr's bucket. When
// there is none, wait is how long until there is, and full how long until
// the bucket is full again; otherwise refund gives the token back, for an
// attempt that did not fail.
func (f *Failures) Take(addr netip.Prefix, now time.Time) (refund func(), wait, full time.Duration) {
	res := f.buckets.Reserve(addr, now)
	if wait = res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return nil, wait, wait + time.Duration(f.buckets.Burst()-1)*f.every
	}
	return func() { res.CancelAt(now) }, 0, 0
}

// Fail counts, at now, one failed attempt of addr's: it takes a token from
// addr's bucket when there is one, and otherwise returns how long until
// there is (wait) and until the bucket is full again (full). Unlike Take,
// it is called after the attempt was checked, so that an attempt that does
// not fail never touches the bucket: concurrent attempts that succeed
// cannot use up an address's allowance of failures.
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
