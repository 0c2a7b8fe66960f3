package events_test

import (
	"context"
	"slices"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// A change of assignee is a TASK_ASSIGNED delivery whose task names the
// new assignee; update-team-member makes one per task it moves, and a
// webhook that did not subscribe to TASK_ASSIGNED gets none.
func TestTaskAssignedIsDelivered(t *testing.T) {
	e := newEnv(t)
	all, assigned := newReceiver(t), newReceiver(t)
	e.subscribe(t, e.ctx, all, taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskUpdated)
	e.subscribe(t, e.ctx, assigned, taskbox.EventTypeTaskAssigned)
	w := e.worker(true)
	m, err := e.db.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(e.acct)), taskbox.NewMember{Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	task := e.task(t, e.ctx, e.mapID, "Call back", nil)
	if _, err := e.db.UpdateTask(e.ctx, task.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateTeamMember(e.ctx, e.mapID, 0); err != nil { // nobody owned it: Ana's task stays hers
		t.Fatal(err)
	}
	second := e.task(t, e.ctx, e.mapID, "Send the deck", nil)
	if _, err := e.db.UpdateTeamMember(e.ctx, e.mapID, m.ID); err != nil { // the unassigned one moves
		t.Fatal(err)
	}
	e.drain(t, w)
	got := assigned.deliveries()
	if !slices.Equal(types(got), []string{"TASK_ASSIGNED", "TASK_ASSIGNED"}) {
		t.Fatalf("TASK_ASSIGNED receiver got %v", types(got))
	}
	// Deliveries keep the order of one task's changes, not across tasks.
	seen := map[int64]bool{}
	for i, d := range got {
		if d.Task.Assignee == nil || d.Task.Assignee.ID != m.ID {
			t.Errorf("delivery %d: %s", i, d.Body)
		}
		seen[d.Task.ID] = true
	}
	if !seen[task.ID] || !seen[second.ID] {
		t.Errorf("TASK_ASSIGNED for tasks %v, want %d and %d", seen, task.ID, second.ID)
	}
	if ts := types(all.deliveries()); !slices.Equal(ts, []string{"TASK_CREATED", "TASK_CREATED"}) {
		t.Errorf("the other receiver got %v", ts)
	}
}
