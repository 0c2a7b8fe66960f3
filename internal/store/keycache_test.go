package store_test

import (
	"context"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// A key is cached after its first use, but a revocation through the same
// DB is honoured at once, and one through another DB on the same database
// (as `taskbox keys revoke` in another process) within a second.
func TestAuthenticate_Revoked(t *testing.T) {
	ctx := context.Background()
	tdb := testdb.Open(t)
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
	start := time.Now()
	for {
		_, err := tdb.Authenticate(ctx, second.Secret)
		if taskbox.ErrorCode(err) == taskbox.EUNAUTHORIZED {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > time.Second {
			t.Fatalf("key revoked through another DB still accepted after %s", time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
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
