package store

import (
	"sync"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// keyCacheTTL is how long an authenticated key is trusted before it is read
// again. A key revoked by any process on the database (`taskbox keys
// revoke`, another server) is refused within this time, so well within a
// second; one revoked through this DB is refused at once.
const keyCacheTTL = 500 * time.Millisecond

// keyCacheSize bounds the keys remembered, so that a flood of distinct
// keys cannot grow the memory of the server.
const keyCacheSize = 10_000

// keyCache remembers the actors of recently authenticated keys by the
// key's hash, so that a burst of requests reads the key once. Its zero
// value is ready to use. Its times are the DB's clock (DB.Now), which
// tests move.
type keyCache struct {
	mu sync.Mutex
	m  map[string]*cachedKey
	// forgotten holds when each key was revoked through this DB, for
	// keyCacheTTL: a read that began before the revocation committed must
	// not put the key back.
	forgotten map[int64]time.Time
}

type cachedKey struct {
	actor   taskbox.Actor
	account taskbox.Account
	used    int64     // last use noted in the database, micros; 0: never
	read    time.Time // when it was read from the database
}

// get returns a copy of the actor of hash and its last noted use, if it was
// read less than keyCacheTTL ago.
func (c *keyCache) get(hash string, now time.Time) (*taskbox.Actor, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.m[hash]
	if k == nil || now.Sub(k.read) >= keyCacheTTL {
		return nil, 0, false
	}
	acct := k.account
	actor := k.actor
	actor.Account = &acct
	return &actor, k.used, true
}

// put remembers an actor read from the database at read.
func (c *keyCache) put(hash string, actor *taskbox.Actor, used int64, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*cachedKey{}
	}
	if f, ok := c.forgotten[actor.KeyID]; ok && !f.Before(read) {
		return
	}
	if len(c.m) >= keyCacheSize {
		c.evict(read)
	}
	k := &cachedKey{actor: *actor, account: *actor.Account, used: used, read: read}
	k.actor.Account = nil
	c.m[hash] = k
}

// noteUse records that hash's last use was written.
func (c *keyCache) noteUse(hash string, used int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.m[hash]; k != nil {
		k.used = used
	}
}

// forget drops a key at once, as when it is revoked at now (after the
// change committed), and keeps reads that raced with the revocation from
// caching it again.
func (c *keyCache) forget(keyID int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forgotten == nil {
		c.forgotten = map[int64]time.Time{}
	}
	for id, f := range c.forgotten {
		if now.Sub(f) >= keyCacheTTL {
			delete(c.forgotten, id)
		}
	}
	c.forgotten[keyID] = now
	for h, k := range c.m {
		if k.actor.KeyID == keyID {
			delete(c.m, h)
		}
	}
}

// evict drops the expired entries, and a tenth of the others when none has
// expired. The caller holds mu.
func (c *keyCache) evict(now time.Time) {
	for h, k := range c.m {
		if now.Sub(k.read) >= keyCacheTTL {
			delete(c.m, h)
		}
	}
	for h := range c.m {
		if len(c.m) < keyCacheSize*9/10 {
			break
		}
		delete(c.m, h)
	}
}
