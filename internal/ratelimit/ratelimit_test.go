package ratelimit

import (
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Allow takes tokens up to the burst, then refuses until the rate refills
// the bucket; each key has its own bucket.
func TestAllow(t *testing.T) {
	b := New[string](rate.Every(time.Second), 2)
	now := time.Unix(1_000_000, 0)
	for i, want := range []bool{true, true, false} {
		if ok, _ := b.Allow("a", now); ok != want {
			t.Errorf("take %d at once: %v, want %v", i, ok, want)
		}
	}
	if ok, _ := b.Allow("b", now); !ok {
		t.Error("another key's bucket was empty")
	}
	if ok, tokens := b.Allow("a", now.Add(time.Second)); !ok || tokens != 0 {
		t.Errorf("a second later: %v with %v left, want a token and 0 left", ok, tokens)
	}
}

// A reservation cancelled at the time it was made gives its token back
// whole, also after other keys were used; one made when the bucket is
// empty says how long until a token and, cancelled, costs nothing.
func TestReserveAndRefund(t *testing.T) {
	b := New[string](rate.Every(time.Minute), 2)
	now := time.Unix(1_000_000, 0)
	for i := 0; i < 5; i++ {
		r := b.Reserve("a", now)
		b.Allow("b", now)
		if d := r.DelayFrom(now); d != 0 {
			t.Fatalf("reservation %d after refunds waits %v", i, d)
		}
		r.CancelAt(now)
	}
	b.Reserve("a", now)
	b.Reserve("a", now)
	r := b.Reserve("a", now)
	if d := r.DelayFrom(now); d != time.Minute {
		t.Fatalf("third reservation of two waits %v, want 1m", d)
	}
	r.CancelAt(now)
	if d := b.Reserve("a", now.Add(time.Minute)).DelayFrom(now.Add(time.Minute)); d != 0 {
		t.Errorf("a minute later, after the refused reservation, a reservation waits %v", d)
	}
}

// Buckets idle long enough to be full again are forgotten.
func TestForgetIdle(t *testing.T) {
	b := New[int](rate.Every(time.Second), 2)
	now := time.Unix(1_000_000, 0)
	b.Allow(1, now)
	b.Allow(2, now.Add(2*time.Minute))
	if _, ok := b.buckets[1]; ok || len(b.buckets) != 1 {
		t.Errorf("buckets after an idle minute: %v, want only key 2", b.buckets)
	}
}

// Failures counted with Owe past the bucket put it in debt: Wait asks for
// all of it to be paid, and the bucket is not forgotten meanwhile.
func TestFailuresOwe(t *testing.T) {
	f := NewFailures(2, time.Second)
	addr := netip.MustParsePrefix("192.0.2.1/32")
	now := time.Unix(1_000_000, 0)
	if w := f.Wait(addr, now); w != 0 {
		t.Fatalf("a new address waits %v", w)
	}
	for range 200 {
		f.Owe(addr, now)
	}
	if w := f.Wait(addr, now); w != 199*time.Second {
		t.Errorf("after 200 failures at once (burst 2): wait %v, want 199s", w)
	}
	later := now.Add(2 * time.Minute) // past the sweep; 120 of 198 tokens paid
	if w := f.Wait(addr, later); w != 79*time.Second {
		t.Errorf("two minutes later: wait %v, want 79s (the debt forgotten?)", w)
	}
	if w := f.Wait(addr, later.Add(79*time.Second)); w != 0 {
		t.Errorf("once paid: wait %v", w)
	}
}
