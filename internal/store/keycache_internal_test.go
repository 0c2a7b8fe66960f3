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
