package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	taskbox "github.com/taskboxhq/taskbox"
)

// A write that waits DB.Timeout for a writer busy elsewhere (a stalled
// disk, here a transaction that does not end) is answered 503 in about that
// time, and the writer serves the next writes once it is free again.
func TestGroupCommit_QueueWaitBounded(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(ctx, filepath.Join(t.TempDir(), "taskbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Timeout = 200 * time.Millisecond
	release, held := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.inWrite(ctx, func(*Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	start := time.Now()
	err = db.inWrite(ctx, func(*Tx) error { return nil })
	if taskbox.ErrorCode(err) != taskbox.EUNAVAILABLE {
		t.Fatalf("write behind a stuck writer: %v, want SERVICE_UNAVAILABLE", err)
	}
	if waited := time.Since(start); waited < db.Timeout || waited > db.Timeout+time.Second {
		t.Errorf("write behind a stuck writer answered after %s, want about %s", waited, db.Timeout)
	}
	close(release)
	// The stuck transaction itself outlived its watchdog: it may be rolled
	// back with a 503 or commit, but nothing else.
	if err := <-done; err != nil && taskbox.ErrorCode(err) != taskbox.EUNAVAILABLE {
		t.Fatal(err)
	}
	if err := db.inWrite(ctx, func(*Tx) error { return nil }); err != nil {
		t.Errorf("write once the writer is free: %v", err)
	}
}

// A write whose own statement PostgreSQL picks to break a deadlock
// (SQLSTATE 40P01, which aborts only that request's savepoint) runs again,
// alone, and succeeds; its batch mates commit as usual. The deadlock is
// simulated by the request's function failing once with PostgreSQL's error.
func TestGroupCommit_DeadlockedRequestRunsAgain(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(ctx, filepath.Join(t.TempDir(), "taskbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var calls atomic.Int32
	deadlocked := func(*Tx) error {
		if calls.Add(1) == 1 {
			return fmt.Errorf("update task: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"})
		}
		return nil
	}
	errs := make(chan error, 9)
	for range 8 {
		go func() { errs <- db.inWrite(ctx, func(*Tx) error { return nil }) }()
	}
	go func() { errs <- db.inWrite(ctx, deadlocked) }()
	for range 9 {
		if err := <-errs; err != nil {
			t.Errorf("write: %v", err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the deadlocked request ran %d times, want 2 (once more, alone)", n)
	}
}
