package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

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
