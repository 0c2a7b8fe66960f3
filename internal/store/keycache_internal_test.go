package store

import (
	"fmt"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The key cache never holds more than keyCacheSize keys, and forgets a key
// after keyCacheTTL.
func TestKeyCache_Bounded(t *testing.T) {
	var c keyCache
	now := time.Now()
	for i := range keyCacheSize * 2 {
		c.put(fmt.Sprint(i), &taskbox.Actor{KeyID: int64(i), Account: &taskbox.Account{ID: 1}}, 0, now)
		if len(c.m) > keyCacheSize {
			t.Fatalf("%d keys cached after %d puts, bound %d", len(c.m), i+1, keyCacheSize)
		}
	}
	last := fmt.Sprint(keyCacheSize*2 - 1)
	if a, _, ok := c.get(last, now); !ok || a.KeyID != keyCacheSize*2-1 || a.Account.ID != 1 {
		t.Fatalf("the last key put: get = %v, %v", a, ok)
	}
	if _, _, ok := c.get(last, now.Add(keyCacheTTL)); ok {
		t.Errorf("a key read %s ago is still trusted", keyCacheTTL)
	}
}

// A read of a key that began before the key was revoked through this DB,
// and ends after, does not put the key back in the cache.
func TestKeyCache_RevocationRace(t *testing.T) {
	var c keyCache
	actor := &taskbox.Actor{KeyID: 7, Account: &taskbox.Account{ID: 1}}
	read := time.Now()
	c.forget(7, read.Add(time.Microsecond)) // RevokeKey commits while the read is under way
	c.put("h", actor, 0, read)
	if _, _, ok := c.get("h", time.Now()); ok {
		t.Fatal("a key read before its revocation was cached after it")
	}
	// Only reads that began before the revocation are kept out.
	c.put("h", actor, 0, time.Now().Add(time.Millisecond))
	if _, _, ok := c.get("h", time.Now().Add(time.Millisecond)); !ok {
		t.Error("a read begun after the revocation was kept out of the cache too")
	}
}
