package events_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Three servers (three store handles with their own pools, and three
// workers) on one database, with one injected clock: every timer of every
// kind (TASK_DUE, TASK_UNSNOOZED, TASK_REMINDER, LEAD_REMINDER) fires
// exactly once while all
// three tick at once. On PostgreSQL this is FOR UPDATE SKIP LOCKED at
// work; on SQLite the one writer.
func TestEveryTimerFiresOnceAcrossThreeServers(t *testing.T) {
	dsn := testdb.NewDSN(t)
	c := &clock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	var dbs []*store.DB
	for range 3 {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		db.Now = c.Now
		dbs = append(dbs, db)
	}
	e := &env{db: dbs[0], clock: c}
	e.ctx, e.acct, e.mapID = e.account(t, "three", "")
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeTaskDue, taskbox.EventTypeTaskUnsnoozed, taskbox.EventTypeTaskReminder,
		taskbox.EventTypeLeadReminder)

	const tasks = 60
	for i := range tasks {
		due := c.Now().Add(time.Duration(i%6+2) * time.Minute).Format(time.RFC3339)
		task, err := dbs[(i+1)%3].CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: fmt.Sprint("task ", i),
			DueDate: &due, Reminders: []string{"PT1M"}})
		if err != nil {
			t.Fatal(err)
		}
		at := c.Now().Add(time.Duration(i%5+1) * time.Minute).Format(time.RFC3339)
		if _, err := dbs[(i+2)%3].SetLeadReminder(e.ctx, &taskbox.LeadReminderCreate{LeadMapID: e.mapID, Message: fmt.Sprint("lead ", i), ReminderTime: at}); err != nil {
			t.Fatal(err)
		}
		until := c.Now().Add(time.Duration(i%4+1) * time.Minute).Format(time.RFC3339)
		if _, err := dbs[i%3].UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{SnoozeSet: true, Snooze: &until}); err != nil {
			t.Fatal(err)
		}
	}
	workers := make([]*events.Worker, 3)
	for i, db := range dbs {
		workers[i] = &events.Worker{DB: db, Client: netguard.NewClient(true), Metrics: events.NewMetrics(nil)}
	}
	for step := 0; step < 8; step++ {
		c.Advance(time.Minute)
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					w.Tick(context.Background())
					w.Wait()
				}
			}()
		}
		wg.Wait()
	}
	for _, w := range workers {
		e.drain(t, w)
	}
	seen := map[string]int{}
	for _, d := range r.deliveries() {
		seen[d.EventID]++
	}
	due, unsnoozed := eventsOf(r, taskbox.EventTypeTaskDue), eventsOf(r, taskbox.EventTypeTaskUnsnoozed)
	reminded := eventsOf(r, taskbox.EventTypeTaskReminder)
	if len(due) != tasks || len(unsnoozed) != tasks || len(reminded) != tasks {
		t.Fatalf("%d tasks got TASK_DUE, %d TASK_UNSNOOZED, %d TASK_REMINDER; want %d each", len(due), len(unsnoozed), len(reminded), tasks)
	}
	for id, ds := range due {
		if len(ds) != 1 || len(unsnoozed[id]) != 1 || len(reminded[id]) != 1 {
			t.Errorf("task %d: %d TASK_DUE, %d TASK_UNSNOOZED, %d TASK_REMINDER", id, len(ds), len(unsnoozed[id]), len(reminded[id]))
		}
	}
	lead := 0
	for _, d := range r.deliveries() {
		if d.Event.Type == taskbox.EventTypeLeadReminder {
			lead++
		}
	}
	if lead != tasks {
		t.Errorf("%d LEAD_REMINDER, want %d", lead, tasks)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}
