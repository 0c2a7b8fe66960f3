package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The whole task lifecycle through the client against the real server.
func TestTaskLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	c := a.account(t, "acme")
	camp, maps := leadMaps(t, c, "Q4 outreach", "ada@example.com")
	lm := maps["ada@example.com"]

	idem := &taskbox.Idempotency{Key: "lifecycle-1"}
	task, err := c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm.LeadMapID, Name: "  Send pricing  ",
		Description: ptr("50 seats"), Priority: taskbox.PriorityHigh, DueDate: ptr("2025-12-15T11:00:00+02:00"), Idempotency: idem})
	if err != nil {
		t.Fatal(err)
	}
	if task.ID <= 0 || task.Name != "Send pricing" || task.Priority != taskbox.PriorityHigh || task.Status != taskbox.StatusPending ||
		task.Due == nil || task.Due.String() != "2025-12-15T09:00:00Z" || task.CampaignID != camp.ID || task.LeadID != lm.LeadID || idem.Replayed {
		t.Fatalf("created %+v (replayed %v)", task, idem.Replayed)
	}
	again := &taskbox.Idempotency{Key: "lifecycle-1"}
	replay, err := c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm.LeadMapID, Name: "  Send pricing  ",
		Description: ptr("50 seats"), Priority: taskbox.PriorityHigh, DueDate: ptr("2025-12-15T11:00:00+02:00"), Idempotency: again})
	if err != nil || replay.ID != task.ID || !again.Replayed {
		t.Fatalf("same key again: %+v, replayed %v, %v; want task %d replayed", replay, again.Replayed, err, task.ID)
	}

	got, err := c.FindTaskByID(ctx, task.ID)
	if err != nil || got.ID != task.ID || got.Lead == nil || got.Lead.Email != "ada@example.com" {
		t.Fatalf("FindTaskByID: %+v, %v", got, err)
	}
	upd, err := c.UpdateTask(ctx, task.ID, &taskbox.TaskUpdate{Name: ptr("Call Ada"), DescriptionSet: true, DueDateSet: true,
		DueDate: ptr("2026-01-05"), Priority: ptr(taskbox.PriorityLow)})
	if err != nil || upd.Name != "Call Ada" || upd.Description != nil || upd.Due == nil || !upd.Due.AllDay || upd.Priority != taskbox.PriorityLow {
		t.Fatalf("UpdateTask: %+v, %v", upd, err)
	}
	if upd, err = c.UpdateTask(ctx, task.ID, &taskbox.TaskUpdate{DueDateSet: true}); err != nil || upd.Due != nil {
		t.Fatalf("clearing the due date: %+v, %v", upd, err)
	}
	done, err := c.CompleteTask(ctx, task.ID)
	if err != nil || done.Status != taskbox.StatusCompleted || done.CompletedAt == nil {
		t.Fatalf("CompleteTask: %+v, %v", done, err)
	}
	open, err := c.ReopenTask(ctx, task.ID)
	if err != nil || open.Status != taskbox.StatusPending || open.CompletedAt != nil {
		t.Fatalf("ReopenTask: %+v, %v", open, err)
	}
	lead, err := c.ListLeadTasks(ctx, lm.LeadID)
	if err != nil || len(lead) != 1 || lead[0].ID != task.ID {
		t.Fatalf("ListLeadTasks: %v, %v", lead, err)
	}
	if err := c.DeleteTask(ctx, task.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.FindTaskByID(ctx, task.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	events, err := c.ListTaskEvents(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	want := []string{"created", "updated", "updated", "completed", "reopened", "deleted"}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] || events[i].At.IsZero() {
			t.Fatalf("events %v, want %v", types, want)
		}
	}
}

// Filters reach the server, pages chain, the iterator walks all of them,
// and the summary counts the sections.
func TestListFiltersPagesAndSummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	c := a.account(t, "acme")
	_, maps := leadMaps(t, c, "Pages", "a@example.com", "b@example.com")
	var cs []*taskbox.TaskCreate
	for i := range 7 {
		p := taskbox.PriorityLow
		if i%2 == 0 {
			p = taskbox.PriorityHigh
		}
		cs = append(cs, &taskbox.TaskCreate{LeadMapID: maps["a@example.com"].LeadMapID, Name: "task " + string(rune('a'+i)), Priority: p,
			DueDate: ptr(time.Now().AddDate(0, 0, i+2).UTC().Format("2006-01-02"))})
	}
	cs = append(cs, &taskbox.TaskCreate{LeadMapID: maps["b@example.com"].LeadMapID, Name: "overdue pricing", DueDate: ptr("2020-01-01")})
	created, err := c.BulkCreateTasks(ctx, cs, nil)
	if err != nil || len(created) != 8 {
		t.Fatalf("BulkCreateTasks: %d tasks, %v", len(created), err)
	}

	page, err := c.ListTasks(ctx, taskbox.TaskFilter{Limit: 3, Sort: "created_at"})
	if err != nil || len(page.Tasks) != 3 || page.NextCursor == nil || page.Tasks[0].ID != created[0].ID {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	var seen []int64
	for task, err := range c.AllTasks(ctx, taskbox.TaskFilter{Limit: 3, Sort: "created_at"}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, task.ID)
	}
	if len(seen) != 8 || seen[7] != created[7].ID {
		t.Fatalf("AllTasks saw %v, want the 8 created in order", seen)
	}
	for _, tc := range []struct {
		f    taskbox.TaskFilter
		want int
	}{
		{taskbox.TaskFilter{Priorities: []taskbox.Priority{taskbox.PriorityHigh}}, 4},
		{taskbox.TaskFilter{Due: taskbox.DueOverdue, Location: time.UTC}, 1},
		{taskbox.TaskFilter{Query: "pricing"}, 1},
		{taskbox.TaskFilter{LeadMapID: maps["b@example.com"].LeadMapID}, 1},
		{taskbox.TaskFilter{LeadID: maps["a@example.com"].LeadID}, 7},
		{taskbox.TaskFilter{DueAfter: ptr(time.Now().AddDate(0, 0, 5))}, 3},
		{taskbox.TaskFilter{DueBefore: ptr(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))}, 1},
		{taskbox.TaskFilter{Status: "completed"}, 0},
	} {
		page, err := c.ListTasks(ctx, tc.f)
		if err != nil || len(page.Tasks) != tc.want {
			t.Errorf("ListTasks(%+v): %d tasks, %v; want %d", tc.f, len(page.Tasks), err, tc.want)
		}
	}

	ids := []int64{created[0].ID, created[1].ID}
	updated, err := c.BulkUpdateTasks(ctx, &taskbox.BulkUpdate{IDs: ids, Set: taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}})
	if err != nil || len(updated) != 2 || updated[0].Status != taskbox.StatusCompleted {
		t.Fatalf("BulkUpdateTasks: %v, %v", updated, err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	sum, err := c.Summarize(ctx, berlin, time.Time{})
	if err != nil || sum.Completed != 2 || sum.Overdue != 1 || sum.Upcoming != 5 {
		t.Fatalf("Summarize: %+v, %v", sum, err)
	}
}

// Every refusal comes back as a *taskbox.Error with the server's code,
// message and details.
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	c := a.account(t, "acme")
	_, maps := leadMaps(t, c, "Errors", "ada@example.com")
	lm := maps["ada@example.com"].LeadMapID

	bad := a.client(t, a.URL, "tbx_not_a_key")
	_, err := bad.ListCampaigns(ctx)
	if e := wantCode(t, err, taskbox.EUNAUTHORIZED); e.Message != "Invalid API Key" {
		t.Errorf("401 message %q", e.Message)
	}
	_, err = c.FindTaskByID(ctx, 999999)
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: 424242, Name: "x"})
	wantCode(t, err, taskbox.ENOTFOUND)

	_, err = c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm, Name: "first", Idempotency: &taskbox.Idempotency{Key: "k1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm, Name: "other", Idempotency: &taskbox.Idempotency{Key: "k1"}})
	wantCode(t, err, taskbox.ECONFLICT)

	_, err = c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm, Name: " ", Priority: "URGENT", DueDate: ptr("next Tuesday")})
	e := wantCode(t, err, taskbox.EINVALID)
	fields := map[string]string{}
	for _, d := range e.Details {
		fields[d.Field] = d.Message
	}
	if fields["name"] != "must not be blank" || fields["priority"] != taskbox.PriorityRule || fields["due_date"] != taskbox.DueDateFormats {
		t.Errorf("422 details %+v", e.Details)
	}

	big := make([]byte, 1<<20+10)
	for i := range big {
		big[i] = 'a'
	}
	_, err = c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm, Name: "big", Description: ptr(string(big))})
	wantCode(t, err, taskbox.ETOOLARGE)
	_, err = c.ListTasks(ctx, taskbox.TaskFilter{Limit: 1000})
	wantCode(t, err, taskbox.EBADREQUEST)
	_, err = c.BulkCreateTasks(ctx, []*taskbox.TaskCreate{{LeadMapID: lm, Name: "ok"}, {LeadMapID: lm, Name: "bad", Priority: "NOPE"}}, nil)
	if e := wantCode(t, err, taskbox.EINVALID); len(e.Details) != 1 || e.Details[0].Field != "tasks[1].priority" {
		t.Errorf("bulk 422 details %+v", e.Details)
	}
	var de *taskbox.Error
	if !errors.As(err, &de) || taskbox.ErrorCode(err) != taskbox.EINVALID {
		t.Errorf("taskbox.ErrorCode(%v) = %q", err, taskbox.ErrorCode(err))
	}
}

// One account's client never sees another's task or campaign.
func TestIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	alice, bob := a.account(t, "alice"), a.account(t, "bob")
	camp, maps := leadMaps(t, alice, "Alice's", "ada@example.com")
	task, err := alice.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: maps["ada@example.com"].LeadMapID, Name: "private"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bob.FindTaskByID(ctx, task.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = bob.CompleteTask(ctx, task.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = bob.FindCampaignByID(ctx, camp.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	page, err := bob.ListTasks(ctx, taskbox.TaskFilter{Status: "all"})
	if err != nil || len(page.Tasks) != 0 {
		t.Fatalf("bob's inbox: %v, %v", page, err)
	}
}
