package store_test

import (
	"fmt"
	"sync"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestConcurrentWrites_FailAlone sends many writes at once, some of which
// fail (an unknown lead map, a reused Idempotency-Key with another body, a
// rule broken), and checks that each failure fails only its own request:
// every other write is committed and readable, and nothing of a failed one
// is stored. On SQLite the writes share group-committed transactions.
func TestConcurrentWrites_FailAlone(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "batch", "UTC", 2)
	if _, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: "first",
		Idempotency: &taskbox.Idempotency{Key: "taken", RequestHash: "a"}}); err != nil {
		t.Fatal(err)
	}
	const n = 120
	var (
		wg   sync.WaitGroup
		errs = make([]error, n)
		ids  = make([]int64, n)
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := &taskbox.TaskCreate{LeadMapID: f.mapIDs[i%2], Name: fmt.Sprintf("task %d", i)}
			switch i % 10 {
			case 3:
				c.LeadMapID = 999999999 // not found
			case 5:
				c.Idempotency = &taskbox.Idempotency{Key: "taken", RequestHash: "b"} // conflict
			case 7:
				c.Priority = "URGENT" // invalid
			}
			task, err := db.CreateTask(f.ctx, c)
			errs[i] = err
			if err == nil {
				ids[i] = task.ID
			}
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		want := map[int]string{3: taskbox.ENOTFOUND, 5: taskbox.ECONFLICT, 7: taskbox.EINVALID}[i%10]
		if taskbox.ErrorCode(err) != want {
			t.Errorf("request %d: err = %v, want code %q", i, err, want)
		}
		if want != "" {
			continue
		}
		got, err := db.FindTaskByID(f.ctx, ids[i])
		if err != nil || got.Name != fmt.Sprintf("task %d", i) {
			t.Errorf("request %d: acknowledged task %d reads back as %+v, %v", i, ids[i], got, err)
		}
	}
	page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Limit: 100, Status: "all", Query: "task"})
	if err != nil {
		t.Fatal(err)
	}
	for page.NextCursor != nil {
		more, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Limit: 100, Status: "all", Query: "task", Cursor: *page.NextCursor})
		if err != nil {
			t.Fatal(err)
		}
		page.Tasks, page.NextCursor = append(page.Tasks, more.Tasks...), more.NextCursor
	}
	if len(page.Tasks) != n*7/10 {
		t.Errorf("%d tasks stored, want %d: a failed request left something behind", len(page.Tasks), n*7/10)
	}
	sum, err := db.Summarize(f.ctx, nil, f.account.CreatedAt)
	if err != nil || sum.NoDueDate != n*7/10+1 {
		t.Errorf("summary %+v (%v): the day counts of failed requests were kept", sum, err)
	}
}
