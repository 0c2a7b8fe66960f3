package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// A write that waits past DB.Timeout, here for a lock that another
// connection holds, fails with SERVICE_UNAVAILABLE in about that time
// instead of waiting on; once the lock is gone the same store writes again.
func TestTimeout_WaitingWriteAnswersUnavailable(t *testing.T) {
	tdb := testdb.Open(t)
	db := tdb.DB
	f := newFixture(t, db, "locked", "UTC", 0)
	release := holdWriteLock(t, tdb.DSN)

	db.Timeout = 300 * time.Millisecond // serve's is store.DefaultTimeout; Open sets none
	start := time.Now()
	_, err := db.CreateCampaign(f.ctx, &taskbox.CampaignCreate{Name: "waits"})
	elapsed := time.Since(start)
	if code := taskbox.ErrorCode(err); code != taskbox.EUNAVAILABLE {
		t.Fatalf("a write behind a held lock: %v (code %q), want %s", err, code, taskbox.EUNAVAILABLE)
	}
	if elapsed > 3*time.Second {
		t.Errorf("the write failed after %v, want about the timeout of %v", elapsed, db.Timeout)
	}

	release()
	if _, err := db.CreateCampaign(f.ctx, &taskbox.CampaignCreate{Name: "after"}); err != nil {
		t.Fatalf("a write once the lock is gone: %v", err)
	}
}

// holdWriteLock takes, on a connection of its own, a lock that keeps the
// store from creating a campaign, and returns the function that lets go.
func holdWriteLock(t *testing.T, dsn string) (release func()) {
	t.Helper()
	ctx := context.Background()
	driver, lock := "sqlite", []string{"BEGIN IMMEDIATE"}
	if store.IsPostgres(dsn) {
		driver, lock = "pgx", []string{"BEGIN", "LOCK TABLE campaigns IN EXCLUSIVE MODE"}
	} else {
		dsn = "file:" + dsn
	}
	pool, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range lock {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Errorf("ROLLBACK: %v", err)
		}
		conn.Close()
		pool.Close()
	}
	t.Cleanup(release)
	return release
}
