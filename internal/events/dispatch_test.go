package events_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestDispatchAmidConcurrentWrites: the dispatcher runs while task changes
// commit around it (on PostgreSQL the group commit puts it in one
// transaction with other requests, each under a savepoint, and its
// advisory lock lasts until that transaction commits): every change
// becomes exactly one delivery, and a task's deliveries are queued in the
// order of its changes.
func TestDispatchAmidConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	hook := e.subscribe(t, e.ctx, newReceiver(t), taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskUpdated)
	const writers, changes = 16, 5 // 96 deliveries: the log lists 100
	stop, dispatchErr := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				dispatchErr <- nil
				return
			default:
			}
			if _, err := e.db.DispatchOutbox(context.Background(), 3); err != nil {
				dispatchErr <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: fmt.Sprintf("task %d", i)})
			for j := 0; err == nil && j < changes; j++ {
				_, err = e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr(fmt.Sprintf("task %d v%d", i, j+1))})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-dispatchErr; err != nil {
		t.Fatalf("dispatch amid writes: %v", err)
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for {
		n, err := e.db.DispatchOutbox(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}

	ds, err := e.db.ListDeliveries(e.ctx, hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != writers*(1+changes) {
		t.Fatalf("%d deliveries, want %d", len(ds), writers*(1+changes))
	}
	seen := map[string]bool{}
	last := map[int64]int64{}           // task → the event number of its latest delivery so far
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		d := ds[i]
		if seen[d.EventID] {
			t.Errorf("event %s queued twice", d.EventID)
		}
		seen[d.EventID] = true
		n, err := strconv.ParseInt(strings.TrimPrefix(d.EventID, "evt_"), 10, 64)
		if err != nil {
			t.Fatalf("event id %q", d.EventID)
		}
		if n <= last[d.TaskID] {
			t.Errorf("task %d: delivery of %s queued after that of evt_%d", d.TaskID, d.EventID, last[d.TaskID])
		}
		last[d.TaskID] = n
	}
	if outbox, _, err := e.db.QueueDepth(context.Background()); err != nil || outbox != 0 {
		t.Errorf("outbox %d (%v) after dispatching, want 0", outbox, err)
	}
}
