package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The SQLite file's disk fills up while the server writes: writes are
// answered 503 SERVICE_UNAVAILABLE with the error envelope and a sentence
// that says the disk is full, the log says why, reads go on; once there is
// room again, writes succeed by themselves, every acknowledged task is
// there and the file passes PRAGMA integrity_check. The disk is a real one:
// an 8 MiB tmpfs mounted for the test (as root; skipped elsewhere), filled
// with a file beside the database.
func TestSQLiteFullDisk(t *testing.T) {
	t.Parallel()
	dir := mountTmpfs(t, "8m")
	db := filepath.Join(dir, "taskbox.db")
	s := startServer(t, db, "--demo")
	acked := []int64{intField(t, s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest).JSON(t), "data", "id")}

	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler)
	bulk := bulkBody(50, strings.Repeat("a long description ", 250))
	var (
		full answer
		i    int
	)
	for ; i < 100 && full.status == 0; i++ {
		switch a := send(s, "POST", withKey("/api/v1/master-inbox/tasks/bulk-create", s.Key), bulk); a.status {
		case http.StatusOK:
			// The WAL still had room; its next growth has none.
		case http.StatusServiceUnavailable:
			full = a
		default:
			t.Fatalf("bulk-create on a full disk: %d %s %v, want 503", a.status, a.code, a.err)
		}
	}
	if full.status == 0 {
		t.Fatal("100 bulk creates of 50 tasks each fitted on a full 8 MiB disk")
	}
	if full.code != "SERVICE_UNAVAILABLE" || full.err != nil || !strings.Contains(full.message, "full") {
		t.Fatalf("a write on a full disk: %d %s %q %v, want 503 SERVICE_UNAVAILABLE saying the disk is full", full.status, full.code, full.message, full.err)
	}
	s.waitStderr(t, "database or disk is full")
	t.Logf("bulk create %d of 50 tasks found the disk full: %q; logged: %s", i, full.message, logLine(s, "status=503"))
	s.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", acked[0]), s.Key), nil)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r := s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	acked = append(acked, intField(t, r.JSON(t), "data", "id"))
	checkTasks(t, s, s.Key, acked)
	checkIntegrity(t, db)
	s.stopCleanly(t)
	checkIntegrity(t, db)
	checkNo500(t, s)
}

// The SQLite file and its directory become unwritable while the server
// runs (chattr +i: the test runs as root, which file modes do not stop):
// writes are answered 503 with the envelope and logged, reads go on; once
// the files are writable again, writes succeed, every acknowledged task is
// there, and the file passes PRAGMA integrity_check, then and after a
// restart.
func TestSQLiteReadOnlyDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "taskbox.db")
	s := startServer(t, db, "--demo")
	acked := []int64{intField(t, s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest).JSON(t), "data", "id")}
	task := fmt.Sprintf("/api/v1/master-inbox/tasks/%d", acked[0])

	// The -shm file stays writable: it is shared memory, and a write fault
	// on an immutable mapping would kill the process rather than fail a write.
	unfreeze := freeze(t, db, db+"-wal", dir)
	for _, w := range []struct{ method, path, body string }{
		{"POST", withKey(createTaskPath, s.Key), sourceRequest},
		{"POST", withKey(task+"/complete", s.Key), ""},
		{"PATCH", withKey(task, s.Key), `{"priority": "LOW"}`},
		{"POST", withKey("/api/v1/master-inbox/tasks/bulk-create", s.Key), bulkBody(3, "x")},
	} {
		a := send(s, w.method, w.path, w.body)
		if a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" || a.err != nil {
			t.Errorf("%s %s on a read-only disk: %d %s %v, want 503 SERVICE_UNAVAILABLE with the envelope", w.method, redact(w.path), a.status, a.code, a.err)
		}
	}
	s.waitStderr(t, "status=503")
	t.Logf("logged: %s", logLine(s, "status=503"))
	g := s.expect(t, http.StatusOK, "GET", withKey(task, s.Key), nil)
	if got := field(t, g.JSON(t), "data", "status"); got != "pending" {
		t.Errorf("a completion answered 503 was stored: status %v", got)
	}

	unfreeze()
	s.expect(t, http.StatusOK, "POST", withKey(task+"/complete", s.Key), nil)
	r := s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	acked = append(acked, intField(t, r.JSON(t), "data", "id"))
	checkTasks(t, s, s.Key, acked)
	checkIntegrity(t, db)
	s.stopCleanly(t)
	checkNo500(t, s)

	again := startServer(t, db)
	checkTasks(t, again, s.Key, acked)
	again.stopCleanly(t)
	checkIntegrity(t, db)
}

// mountTmpfs mounts a tmpfs of the size on a new directory until the test
// ends, or skips the test where mounting is not allowed.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small disk to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { // after the server is gone: its cleanup was registered later
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	return dir
}

// fillDisk writes path until the disk has no room left.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); errors.Is(err, syscall.ENOSPC) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// Whatever is left of a partly filled block too.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			break
		}
	}
}

// freeze makes the files immutable until the returned function (or the end
// of the test) makes them writable again, or skips the test where chattr
// does not work.
func freeze(t *testing.T, paths ...string) (unfreeze func()) {
	t.Helper()
	undo := func() {
		if out, err := exec.Command("chattr", append([]string{"-i"}, paths...)...).CombinedOutput(); err != nil {
			t.Errorf("chattr -i: %v %s", err, out)
		}
	}
	if out, err := exec.Command("chattr", append([]string{"+i"}, paths...)...).CombinedOutput(); err != nil {
		undo()
		t.Skipf("cannot make the database read-only with chattr +i (needs root and a file system that has it): %v %s", err, out)
	}
	done := false
	unfreeze = func() {
		if !done {
			done = true
			undo()
		}
	}
	t.Cleanup(unfreeze) // before TempDir's removal, which was registered earlier
	return unfreeze
}

// bulkBody is a bulk-create of n tasks on the demo lead map.
func bulkBody(n int, description string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"email_lead_map_id": 2433664091, "name": "bulk %d", "description": %q}`, i, description)
	}
	return `{"tasks": [` + strings.Join(items, ",") + `]}`
}

// checkTasks fails unless every task is there.
func checkTasks(t *testing.T, s *server, key string, ids []int64) {
	t.Helper()
	for _, id := range ids {
		s.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), key), nil)
	}
}

// checkNo500 fails if the server answered any request with a 500.
func checkNo500(t *testing.T, s *server) {
	t.Helper()
	if logs := s.stderr.String(); strings.Contains(logs, "status=500") {
		t.Errorf("the server answered 500:\n%s", logs)
	}
}

// logLine returns the first line of serve's stderr that holds substr.
func logLine(s *server, substr string) string {
	for _, line := range strings.Split(s.stderr.String(), "\n") {
		if strings.Contains(line, substr) {
			return line
		}
	}
	return ""
}
