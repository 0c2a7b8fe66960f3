package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupKeepsEveryTaskAcknowledgedBeforeIt runs `taskbox backup` while
// clients keep creating and completing tasks, then restores the copy (a new
// server started on it) and finds there every task whose 200 a client had
// received before the backup started, completed when its completion had
// been acknowledged by then. The copy is one consistent snapshot: it passes
// PRAGMA integrity_check, every task has its "created" audit entry, and the
// per-day counts kept beside the tasks add up to the tasks.
func TestBackupKeepsEveryTaskAcknowledgedBeforeIt(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	s := startServer(t, db, "--demo")
	// Some hundreds of tasks, so that the copy has pages to copy.
	var bulk struct{ Data []struct{ ID int64 } }
	r := s.expect(t, http.StatusOK, "POST", withKey("/api/v1/master-inbox/tasks/bulk-create", s.Key), bulkBody(500, strings.Repeat("d", 300)))
	if err := json.Unmarshal(r.Body, &bulk); err != nil || len(bulk.Data) != 500 {
		t.Fatalf("bulk-create: %v, %d tasks", err, len(bulk.Data))
	}
	load := startLoad(s, 4)
	load.waitAcked(t, 50)

	copyPath := filepath.Join(t.TempDir(), "copy.db")
	started := time.Now()
	res := runCLI(t, nil, "backup", "--to", copyPath, "--db", db)
	ended := time.Now()
	answers := load.stop()
	if res.Code != 0 {
		t.Fatalf("backup: exit %d\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
	}
	var before, during int
	for _, a := range answers {
		switch {
		case a.status != http.StatusOK:
			t.Errorf("a client's %s %s: %d %s %v during the backup, want 200", a.method, redact(a.path), a.status, a.code, a.err)
		case a.at.Before(started):
			before++
		case a.at.Before(ended):
			during++
		}
	}
	if during == 0 {
		t.Error("no write was acknowledged while the backup ran: it did not run beside writes")
	}
	s.stopCleanly(t)

	checkIntegrity(t, copyPath)
	checkSnapshot(t, copyPath)
	c := startServer(t, copyPath)
	found := listTasks(t, c, s.Key)
	checked := 0
	for _, task := range bulk.Data {
		checked++
		if _, ok := found[task.ID]; !ok {
			t.Errorf("task %d of the bulk create before the backup is not in the copy", task.ID)
		}
	}
	for _, a := range answers {
		if !strings.HasPrefix(a.path, createTaskPath) || !a.at.Before(started) {
			continue // a completion, or a task acknowledged after the backup started
		}
		checked++
		got, ok := found[a.id]
		switch {
		case !ok:
			t.Errorf("task %d, acknowledged %v before the backup started, is not in the copy", a.id, started.Sub(a.at))
		case !a.completedAt.IsZero() && a.completedAt.Before(started) && got != "completed":
			t.Errorf("task %d, whose completion was acknowledged before the backup, is %s in the copy", a.id, got)
		case a.wantStatus == "pending" && got != "pending":
			t.Errorf("task %d, never completed, is %s in the copy", a.id, got)
		}
	}
	if checked == 0 {
		t.Fatal("no task was acknowledged before the backup started")
	}
	t.Logf("the copy holds %d tasks; all %d tasks acknowledged before the backup are there; clients had %d answers before it and %d during its %v",
		len(found), checked, before, during, ended.Sub(started).Round(time.Millisecond))
	c.stopCleanly(t)
}

// listTasks reads every task of the key's account through the inbox, all
// statuses, page by page: id to status.
func listTasks(t *testing.T, s *server, key string) map[int64]string {
	t.Helper()
	found := map[int64]string{}
	cursor := ""
	for page := 0; page < 10000; page++ {
		path := "/api/v1/master-inbox/tasks?status=all&limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var body struct {
			Data []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal(s.expect(t, http.StatusOK, "GET", withKey(path, key), nil).Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, task := range body.Data {
			found[task.ID] = task.Status
		}
		if body.NextCursor == nil {
			return found
		}
		cursor = *body.NextCursor
	}
	t.Fatal("the inbox never ended")
	return nil
}

// checkSnapshot fails unless the SQLite file is one consistent moment:
// every task has its "created" audit entry, written in the task's own
// transaction, and the per-day counts, kept in every change's transaction,
// add up to the tasks of each status.
func checkSnapshot(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var orphans int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM tasks t WHERE NOT EXISTS
		(SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.type = 'created')`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("the copy has %d tasks without their created event: half a transaction", orphans)
	}
	rows, err := conn.Query(`SELECT s.status, s.tasks, COALESCE(c.n, 0) FROM
		(SELECT account_id, status, COUNT(*) AS tasks FROM tasks GROUP BY account_id, status) s
		LEFT JOIN (SELECT account_id, status, SUM(n) AS n FROM task_day_counts GROUP BY account_id, status) c
		ON c.account_id = s.account_id AND c.status = s.status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var tasks, counted int
		if err := rows.Scan(&status, &tasks, &counted); err != nil {
			t.Fatal(err)
		}
		if tasks != counted {
			t.Errorf("the copy has %d %s tasks but its day counts say %d", tasks, status, counted)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(fmt.Errorf("day counts: %w", err))
	}
}
