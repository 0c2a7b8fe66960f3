package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// TestCrashKeepsEveryAcknowledgedWrite drives concurrent create-task and
// complete requests at the real binary, kills it with SIGKILL mid-load,
// restarts it on the same database, and checks that every task whose 200
// the clients received is there in its last acknowledged state, and that
// no task is half-written (each has its "created" audit entry, written in
// the same transaction). It does so three times, at different moments of
// the load, on the backend of the test run.
func TestCrashKeepsEveryAcknowledgedWrite(t *testing.T) {
	dsn := testdb.NewDSN(t)
	s := startServer(t, dsn, "--demo")
	key := s.Key
	type task struct {
		completeSent, completeAcked bool
	}
	var (
		mu    sync.Mutex
		acked = map[int64]*task{}
	)
	for round, killAfter := range []time.Duration{200 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond} {
		var (
			wg      sync.WaitGroup
			stopped atomic.Bool
			ok      atomic.Int64
		)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; !stopped.Load(); i++ {
					var created struct{ Data struct{ ID int64 } }
					body := fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"r%d w%d #%d"}`, round, w, i)
					if call(s, "POST", "/api/v1/master-inbox/create-task", key, body, &created) != nil {
						return // the server is gone: this answer never came
					}
					ok.Add(1)
					tk := &task{}
					mu.Lock()
					acked[created.Data.ID] = tk
					mu.Unlock()
					if i%2 == 1 {
						continue
					}
					mu.Lock()
					tk.completeSent = true
					mu.Unlock()
					if call(s, "POST", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", created.Data.ID), key, "", nil) != nil {
						return
					}
					mu.Lock()
					tk.completeAcked = true
					mu.Unlock()
				}
			}(w)
		}
		// Kill at the chosen moment of the load, once some writes were
		// acknowledged (a race-enabled server on a busy machine starts slowly).
		time.Sleep(killAfter)
		for deadline := time.Now().Add(20 * time.Second); ok.Load() < 5 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		s.stop(t, syscall.SIGKILL)
		stopped.Store(true)
		wg.Wait()
		if ok.Load() == 0 {
			t.Fatalf("round %d: no request was acknowledged before the kill", round)
		}

		s = startServer(t, dsn)
		for id, tk := range acked {
			var got struct {
				Data struct {
					Status      string  `json:"status"`
					CompletedAt *string `json:"completed_at"`
				}
			}
			if err := call(s, "GET", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), key, "", &got); err != nil {
				t.Fatalf("round %d: acknowledged task %d lost: %v", round, id, err)
			}
			switch {
			case tk.completeAcked && got.Data.Status != "completed":
				t.Errorf("round %d: task %d's acknowledged completion lost: %+v", round, id, got.Data)
			case !tk.completeSent && got.Data.Status != "pending":
				t.Errorf("round %d: task %d completed without a request: %+v", round, id, got.Data)
			case (got.Data.Status == "completed") != (got.Data.CompletedAt != nil):
				t.Errorf("round %d: task %d half-completed: %+v", round, id, got.Data)
			}
		}
		assertWholeTasks(t, s, key)
		t.Logf("round %d: killed after %s with %d creates acknowledged; %d tasks checked", round, killAfter, ok.Load(), len(acked))
	}
	s.stopCleanly(t)
}

// assertWholeTasks checks that every stored task, acknowledged or not, has
// its "created" audit entry: no task was written without the rest of its
// transaction.
func assertWholeTasks(t *testing.T, s *server, key string) {
	t.Helper()
	cursor := ""
	for {
		var page struct {
			Data []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
		}
		path := "/api/v1/master-inbox/tasks?status=all&limit=100"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if err := call(s, "GET", path, key, "", &page); err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Data {
			var events struct{ Data []struct{ Type string } }
			if err := call(s, "GET", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/events", task.ID), key, "", &events); err != nil {
				t.Fatal(err)
			}
			if task.Name == "" || len(events.Data) == 0 || events.Data[0].Type != "created" {
				t.Errorf("task %d is half-written: name %q, events %+v", task.ID, task.Name, events.Data)
			}
		}
		if page.NextCursor == nil {
			return
		}
		cursor = *page.NextCursor
	}
}
