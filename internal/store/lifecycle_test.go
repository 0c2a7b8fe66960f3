package store_test

import (
	"fmt"
	"sync"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestUpdateTask_MergeAndAudit(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "audit", "UTC", 1)
	task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: "Call", Description: ptr("notes"), DueDate: ptr("2025-05-01")})
	if err != nil {
		t.Fatal(err)
	}
	// Only the fields present change; null clears description and due date.
	got, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("  Call back "), DescriptionSet: true, DueDateSet: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Call back" || got.Description != nil || got.Due != nil || got.Priority != taskbox.PriorityMedium {
		t.Fatalf("after PATCH: %+v", got)
	}
	if _, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Priority: ptr(taskbox.Priority("URGENT"))}); taskbox.ErrorCode(err) != taskbox.EINVALID {
		t.Errorf("bad priority: %v", err)
	}
	done, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
	if err != nil {
		t.Fatal(err)
	}
	if done.CompletedAt == nil || done.CompletedBy == nil || done.CompletedBy.Type != "api_key" {
		t.Fatalf("completed task: %+v", done)
	}
	// Completing again changes nothing: same completed_at, no audit entry.
	again, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
	if err != nil {
		t.Fatal(err)
	}
	if !again.CompletedAt.Equal(done.CompletedAt.Time) || !again.UpdatedAt.Equal(done.UpdatedAt.Time) {
		t.Errorf("completing twice changed the task: %v vs %v", again.CompletedAt, done.CompletedAt)
	}
	reopened, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusPending)})
	if err != nil {
		t.Fatal(err)
	}
	if reopened.CompletedAt != nil || reopened.CompletedBy != nil || reopened.Status != taskbox.StatusPending {
		t.Errorf("reopened: %+v", reopened)
	}
	if err := db.DeleteTask(f.ctx, task.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindTaskByID(f.ctx, task.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("deleted task: %v", err)
	}
	if err := db.DeleteTask(f.ctx, task.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
	events, err := db.ListTaskEvents(f.ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
		if e.Actor.Type != "api_key" || e.Actor.Name != "default" || e.At.IsZero() {
			t.Errorf("event %s actor %+v at %v", e.Type, e.Actor, e.At)
		}
	}
	if want := "[created updated completed reopened deleted]"; fmt.Sprint(types) != want {
		t.Fatalf("events = %v, want %s", types, want)
	}
	upd := events[1].Changes
	if upd["name"].Old != "Call" || upd["name"].New != "Call back" || upd["due_date"].Old != "2025-05-01" || upd["due_date"].New != nil {
		t.Errorf("updated changes = %+v", upd)
	}
	if _, ok := upd["priority"]; ok {
		t.Errorf("priority did not change but is in %+v", upd)
	}
}

func TestIsolation(t *testing.T) {
	db := newTestDB(t)
	a := newFixture(t, db, "alpha", "UTC", 1)
	b := newFixture(t, db, "beta", "UTC", 1)
	task := a.task(t, db, "secret", nil, "")
	notFound := func(what string, err error) {
		t.Helper()
		if taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
			t.Errorf("%s from another account: err = %v, want NOT_FOUND", what, err)
		}
	}
	_, err := db.CreateTask(b.ctx, &taskbox.TaskCreate{LeadMapID: a.mapIDs[0], Name: "x"})
	notFound("create on lead map", err)
	_, err = db.FindTaskByID(b.ctx, task.ID)
	notFound("get", err)
	_, err = db.UpdateTask(b.ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("mine")})
	notFound("update", err)
	notFound("delete", db.DeleteTask(b.ctx, task.ID))
	_, err = db.ListTaskEvents(b.ctx, task.ID)
	notFound("events", err)
	_, err = db.BulkUpdateTasks(b.ctx, &taskbox.BulkUpdate{IDs: []int64{task.ID}, Set: taskbox.TaskUpdate{Priority: ptr(taskbox.PriorityHigh)}})
	notFound("bulk update", err)
	_, err = db.ListLeadTasks(b.ctx, task.LeadID)
	notFound("lead tasks", err)
	_, err = db.FindCampaignByID(b.ctx, a.campaign.ID)
	notFound("campaign", err)
	_, err = db.ListLeadMaps(b.ctx, a.campaign.ID, 0, 10)
	notFound("campaign leads", err)
	_, err = db.FindLeadByEmail(b.ctx, "alpha-a@example.com")
	notFound("lead by email", err)
	page, err := db.ListTasks(b.ctx, taskbox.TaskFilter{Status: "all"})
	if err != nil || len(page.Tasks) != 0 {
		t.Errorf("b's inbox: %v %v", page, err)
	}
	sum, err := db.Summarize(b.ctx, nil, a.account.CreatedAt)
	if err != nil || *sum != (taskbox.Summary{}) {
		t.Errorf("b's summary: %+v %v", sum, err)
	}
}

func TestBulk_AllOrNothing(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "bulk", "UTC", 2)
	other := newFixture(t, db, "other", "UTC", 1)
	count := func() int {
		page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Status: "all", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Tasks)
	}
	good := func(name string) *taskbox.TaskCreate {
		return &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: name}
	}
	_, err := db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{good("a"), {LeadMapID: f.mapIDs[0], Name: " ", Priority: "x"}, good("c")}, nil)
	e, _ := err.(*taskbox.Error)
	if e == nil || e.Code != taskbox.EINVALID || len(e.Details) != 2 || e.Details[0].Field != "tasks[1].name" || e.Details[1].Field != "tasks[1].priority" {
		t.Fatalf("invalid entry: %v %+v", err, e)
	}
	_, err = db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{good("a"), {LeadMapID: other.mapIDs[0], Name: "theirs"}}, nil)
	if taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("other account's lead map: %v", err)
	}
	if n := count(); n != 0 {
		t.Fatalf("failed bulk creates stored %d tasks", n)
	}
	tasks, err := db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{good("a"), good("b"), good("c")}, nil)
	if err != nil || len(tasks) != 3 || tasks[0].Name != "a" || tasks[2].Name != "c" {
		t.Fatalf("bulk create: %v %v", tasks, err)
	}
	otherTask := other.task(t, db, "theirs", nil, "")
	_, err = db.BulkUpdateTasks(f.ctx, &taskbox.BulkUpdate{IDs: []int64{tasks[0].ID, otherTask.ID}, Set: taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}})
	if taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("bulk update with another account's task: %v", err)
	}
	if got, _ := db.FindTaskByID(f.ctx, tasks[0].ID); got.Status != taskbox.StatusPending {
		t.Fatal("failed bulk update completed a task")
	}
	updated, err := db.BulkUpdateTasks(f.ctx, &taskbox.BulkUpdate{IDs: []int64{tasks[2].ID, tasks[0].ID}, Set: taskbox.TaskUpdate{Priority: ptr(taskbox.PriorityHigh), DueDateSet: true, DueDate: ptr("2030-01-01")}})
	if err != nil || len(updated) != 2 || updated[0].ID != tasks[2].ID || updated[1].Priority != taskbox.PriorityHigh || updated[1].Due.String() != "2030-01-01" {
		t.Fatalf("bulk update: %+v %v", updated, err)
	}
}

func TestIdempotency_Concurrent(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "idem", "UTC", 1)
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: "once",
				Idempotency: &taskbox.Idempotency{Key: "k1", RequestHash: "h"}})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = task.ID
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("one key made several tasks: %v", ids)
		}
	}
	_, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: "other",
		Idempotency: &taskbox.Idempotency{Key: "k1", RequestHash: "other"}})
	if taskbox.ErrorCode(err) != taskbox.ECONFLICT {
		t.Errorf("same key, other request: %v", err)
	}
}
