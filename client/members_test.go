package client_test

import (
	"context"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// Members, owners and assignees through the client against the real
// server: each call of the API, and its errors as codes.
func TestTeamThroughTheClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	acct, key, err := a.DB.CreateAccount(ctx, taskbox.NewAccount{Name: "team"})
	if err != nil {
		t.Fatal(err)
	}
	owner := a.client(t, a.URL, key.Secret)
	ana, err := a.DB.CreateMember(taskbox.NewContextWithActor(ctx, taskbox.LocalAdmin(acct)), taskbox.NewMember{Name: "Ana", Email: "ana@client.example"})
	if err != nil {
		t.Fatal(err)
	}
	asAna := a.client(t, a.URL, ana.Key.Secret)
	members, err := asAna.ListMembers(ctx)
	if err != nil || len(members) != 2 || members[1].ID != ana.ID || *members[1].Email != "ana@client.example" {
		t.Fatalf("ListMembers: %+v, %v", members, err)
	}
	if m, err := asAna.FindMemberByID(ctx, members[0].ID); err != nil || m.Name != "Owner" || m.Role != taskbox.RoleAdmin {
		t.Fatalf("FindMemberByID: %+v, %v", m, err)
	}
	m, err := asAna.UpdateMember(ctx, ana.ID, &taskbox.MemberUpdate{Name: ptr("Ana B"), TimezoneSet: true, Timezone: ptr("Europe/Paris")})
	if err != nil || m.Name != "Ana B" || *m.Timezone != "Europe/Paris" {
		t.Fatalf("UpdateMember: %+v, %v", m, err)
	}
	_, err = asAna.UpdateMember(ctx, members[0].ID, &taskbox.MemberUpdate{Name: ptr("x")})
	wantCode(t, err, taskbox.EFORBIDDEN)

	_, maps := leadMaps(t, owner, "Q1", "lead@client.example")
	lm := maps["lead@client.example"]
	task, err := owner.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm.LeadMapID, Name: "Call"})
	if err != nil || task.Assignee != nil {
		t.Fatalf("CreateTask: %+v, %v", task, err)
	}
	lo, err := owner.UpdateTeamMember(ctx, lm.LeadMapID, ana.ID)
	if err != nil || lo.TeamMemberID == nil || *lo.TeamMemberID != ana.ID || lo.TasksReassigned != 1 || lo.AssignedAt == nil {
		t.Fatalf("UpdateTeamMember: %+v, %v", lo, err)
	}
	_, err = owner.UpdateTeamMember(ctx, lm.LeadMapID, 987654)
	if e := wantCode(t, err, taskbox.EINVALID); len(e.Details) != 1 || e.Details[0].Field != "team_member_id" {
		t.Fatalf("details %+v", e.Details)
	}
	page, err := asAna.ListTasks(ctx, taskbox.TaskFilter{Assignee: taskbox.AssigneeFilter{Me: true}})
	if err != nil || len(page.Tasks) != 1 || page.Tasks[0].Assignee.Name != "Ana B" {
		t.Fatalf("ListTasks(me): %+v, %v", page, err)
	}
	sum, err := owner.SummarizeFor(ctx, nil, time.Time{}, taskbox.AssigneeFilter{None: true}, taskbox.SnoozedExclude)
	if err != nil || *sum != (taskbox.Summary{}) {
		t.Fatalf("SummarizeFor(none): %+v, %v", sum, err)
	}
	none, err := owner.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: lm.LeadMapID, Name: "Nobody's", AssigneeSet: true})
	if err != nil || none.Assignee != nil {
		t.Fatalf("CreateTask(assignee null): %+v, %v", none, err)
	}
	upd, err := owner.UpdateTask(ctx, none.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: ana.ID})
	if err != nil || upd.Assignee == nil || upd.Assignee.ID != ana.ID {
		t.Fatalf("UpdateTask(assignee): %+v, %v", upd, err)
	}
	tasks, err := owner.BulkUpdateTasks(ctx, &taskbox.BulkUpdate{IDs: []int64{task.ID, none.ID}, Set: taskbox.TaskUpdate{AssigneeSet: true}})
	if err != nil || tasks[0].Assignee != nil || tasks[1].Assignee != nil {
		t.Fatalf("BulkUpdateTasks(assignee null): %+v, %v", tasks, err)
	}
	lo, err = owner.UpdateTeamMember(ctx, lm.LeadMapID, 0)
	if err != nil || lo.TeamMemberID != nil || lo.AssignedAt != nil {
		t.Fatalf("UpdateTeamMember(nobody): %+v, %v", lo, err)
	}
}
