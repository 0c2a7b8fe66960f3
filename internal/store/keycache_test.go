package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// A key is cached after its first use, but a revocation through the same
// DB is honoured at once, and one through another DB on the same database
// (as `taskbox keys revoke` in another process) once the cache's time
// (store.KeyCacheTTL) has passed on the DB's clock, which the test moves.
func TestAuthenticate_Revoked(t *testing.T) {
	ctx := context.Background()
	tdb := testdb.Open(t)
	clock := taskbox.Now().Time
	var mu sync.Mutex
	tdb.Now = func() taskbox.Timestamp { mu.Lock(); defer mu.Unlock(); return taskbox.Timestamp{Time: clock} }
	tick := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	other, err := store.Open(ctx, tdb.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	_, key, err := tdb.CreateAccount(ctx, taskbox.NewAccount{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := tdb.CreateKey(ctx, key.AccountID, "second")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*taskbox.CreatedKey{key, second} {
		if _, err := tdb.Authenticate(ctx, k.Secret); err != nil {
			t.Fatalf("Authenticate(%s): %v", k.Name, err)
		}
	}

	if err := tdb.RevokeKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tdb.Authenticate(ctx, key.Secret); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Errorf("key revoked through this DB: Authenticate = %v, want UNAUTHORIZED at once", err)
	}

	if err := other.RevokeKey(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	tick(store.KeyCacheTTL - time.Microsecond)
	if _, err := tdb.Authenticate(ctx, second.Secret); err != nil {
		t.Errorf("key revoked through another DB, within the cache's time: Authenticate = %v, want it still cached", err)
	}
	tick(time.Microsecond)
	if _, err := tdb.Authenticate(ctx, second.Secret); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Errorf("key revoked through another DB, %s later: Authenticate = %v, want UNAUTHORIZED", store.KeyCacheTTL, err)
	}
}

// Unknown keys are not remembered, and never accepted.
func TestAuthenticate_Unknown(t *testing.T) {
	db := newTestDB(t)
	for range 3 {
		if _, err := db.Authenticate(context.Background(), "tbx_000000000000000000000000000000000000000000000000"); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
			t.Fatalf("unknown key: Authenticate = %v, want UNAUTHORIZED", err)
		}
	}
}
