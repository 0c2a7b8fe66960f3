package main

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Another process holds the SQLite file's write lock (BEGIN IMMEDIATE, as
// the sqlite3 shell or a backup script may): every create is answered 503
// within about --db-timeout of its arrival, the first one included (it
// used to wait for SQLite's busy_timeout of 10 s), while reads go on; once
// the lock is released, writes succeed again.
func TestSQLiteLockedByAnotherProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "taskbox.db")
	const timeout = time.Second
	s := startServer(t, path, "--demo", "--db-timeout", timeout.String())
	s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	answers := make([]answer, 6)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = send(s, "POST", withKey(createTaskPath, s.Key), sourceRequest) })
	}
	wg.Wait()
	bound := timeout + 700*time.Millisecond
	for i, a := range answers {
		if a.err != nil || a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" {
			t.Errorf("create %d under a lock held elsewhere: %d %s %v, want 503 SERVICE_UNAVAILABLE", i, a.status, a.code, a.err)
		}
		if a.took > bound {
			t.Errorf("create %d answered after %v, want within %v (--db-timeout %v)", i, a.took.Round(time.Millisecond), bound, timeout)
		}
	}
	s.expect(t, http.StatusOK, "GET", withKey("/api/v1/master-inbox/tasks", s.Key), nil)

	if _, err := conn.ExecContext(context.Background(), `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	s.stopCleanly(t)
	checkIntegrity(t, path)
}
