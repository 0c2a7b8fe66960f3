package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func init() { store.PasswordCost = 4 } // bcrypt's least: the tests check logic, not cost

// addMember adds a member to the fixture's account through the local
// admin and returns it with a context acting as its first key.
func (f *fixture) addMember(t *testing.T, db *store.DB, n taskbox.NewMember) (*taskbox.CreatedMember, context.Context) {
	t.Helper()
	m, err := db.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(f.account)), n)
	if err != nil {
		t.Fatalf("CreateMember(%+v): %v", n, err)
	}
	actor, err := db.Authenticate(context.Background(), m.Key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return m, taskbox.NewContextWithActor(context.Background(), actor)
}

func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *taskbox.Error
	if taskbox.ErrorCode(err) != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if field == "" {
		return
	}
	if !errorsAs(err, &e) || len(e.Details) != 1 || e.Details[0].Field != field {
		t.Fatalf("err = %+v, want one detail on %s", err, field)
	}
}

// A member's key acts as the member; members are listed per account, and
// another account's member is not found; emails are unique on the server.
func TestMembers(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	f := newFixture(t, db, "team", "UTC", 1)
	other := newFixture(t, db, "other", "UTC", 1)
	ana, anaCtx := f.addMember(t, db, taskbox.NewMember{Name: " Ana ", Email: "Ana@Example.com", Timezone: "Europe/Berlin"})
	if ana.Name != "Ana" || ana.Role != taskbox.RoleMember || *ana.Email != "Ana@Example.com" || ana.SetupToken == "" || ana.Key.MemberID != ana.ID {
		t.Fatalf("member = %+v", ana)
	}
	actor := taskbox.ActorFromContext(anaCtx)
	if actor.MemberID != ana.ID || actor.MemberName != "Ana" || actor.MemberRole != taskbox.RoleMember || actor.IsAdmin() {
		t.Fatalf("actor = %+v", actor)
	}
	members, err := db.ListMembers(anaCtx)
	if err != nil || len(members) != 2 || members[0].Name != "Owner" || members[1].ID != ana.ID {
		t.Fatalf("ListMembers = %+v, %v", members, err)
	}
	if _, err := db.FindMemberByID(other.ctx, ana.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("other account's member: %v", err)
	}
	if _, err := db.UpdateMember(other.ctx, ana.ID, &taskbox.MemberUpdate{Name: ptr("x")}); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("update other account's member: %v", err)
	}
	_, err = db.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(other.account)),
		taskbox.NewMember{Name: "Copy", Email: "ana@example.COM"})
	wantField(t, err, taskbox.EINVALID, "email")
	_, err = db.CreateMember(anaCtx, taskbox.NewMember{Name: "By a member"})
	wantField(t, err, taskbox.EFORBIDDEN, "")

	// A member changes its own name and zone, not another's, nor its role.
	m, err := db.UpdateMember(anaCtx, ana.ID, &taskbox.MemberUpdate{Name: ptr("Ana B"), TimezoneSet: true})
	if err != nil || m.Name != "Ana B" || m.Timezone != nil {
		t.Fatalf("UpdateMember = %+v, %v", m, err)
	}
	owner := members[0]
	_, err = db.UpdateMember(anaCtx, owner.ID, &taskbox.MemberUpdate{Name: ptr("x")})
	wantField(t, err, taskbox.EFORBIDDEN, "")
	_, err = db.UpdateMember(anaCtx, ana.ID, &taskbox.MemberUpdate{Role: ptr(taskbox.RoleAdmin)})
	wantField(t, err, taskbox.EFORBIDDEN, "")
	// The account's only admin stays one.
	_, err = db.UpdateMember(f.ctx, owner.ID, &taskbox.MemberUpdate{Role: ptr(taskbox.RoleMember)})
	wantField(t, err, taskbox.EINVALID, "role")
	err = db.RemoveMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(f.account)), owner.ID)
	wantField(t, err, taskbox.EINVALID, "id")
	_, err = db.UpdateMember(f.ctx, ana.ID, &taskbox.MemberUpdate{Timezone: ptr("Mars/Base"), TimezoneSet: true})
	wantField(t, err, taskbox.EINVALID, "timezone")
}

// Tasks take an explicit assignee, else their lead map's owner; an
// assignee of another account, or removed, is a 422 naming the field.
// update-team-member moves exactly the open tasks that were unassigned or
// the previous owner's.
func TestAssignees(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	f := newFixture(t, db, "assign", "UTC", 2)
	other := newFixture(t, db, "assign-other", "UTC", 1)
	ana, anaCtx := f.addMember(t, db, taskbox.NewMember{Name: "Ana"})
	bo, _ := f.addMember(t, db, taskbox.NewMember{Name: "Bo"})
	stranger, _ := other.addMember(t, db, taskbox.NewMember{Name: "Stranger"})
	create := func(ctx context.Context, c taskbox.TaskCreate) (*taskbox.Task, error) {
		if c.LeadMapID == 0 {
			c.LeadMapID = f.mapIDs[0]
		}
		if c.Name == "" {
			c.Name = "Call"
		}
		return db.CreateTask(ctx, &c)
	}
	unassigned, err := create(f.ctx, taskbox.TaskCreate{})
	if err != nil || unassigned.Assignee != nil {
		t.Fatalf("task = %+v, %v", unassigned, err)
	}
	toAna, err := create(f.ctx, taskbox.TaskCreate{AssigneeSet: true, AssigneeID: ana.ID})
	if err != nil || toAna.Assignee == nil || *toAna.Assignee != (taskbox.MemberRef{ID: ana.ID, Name: "Ana"}) {
		t.Fatalf("task = %+v, %v", toAna, err)
	}
	toBo, _ := create(f.ctx, taskbox.TaskCreate{AssigneeSet: true, AssigneeID: bo.ID})
	done, _ := create(f.ctx, taskbox.TaskCreate{})
	if _, err := db.UpdateTask(f.ctx, done.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{stranger.ID, 999999} {
		_, err = create(f.ctx, taskbox.TaskCreate{AssigneeSet: true, AssigneeID: id})
		wantField(t, err, taskbox.EINVALID, "assignee_id")
		_, err = db.UpdateTask(f.ctx, unassigned.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: id})
		wantField(t, err, taskbox.EINVALID, "assignee_id")
		_, err = db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{{LeadMapID: f.mapIDs[0], Name: "a"},
			{LeadMapID: f.mapIDs[0], Name: "b", AssigneeSet: true, AssigneeID: id}}, nil)
		wantField(t, err, taskbox.EINVALID, "tasks[1].assignee_id")
		_, err = db.BulkUpdateTasks(f.ctx, &taskbox.BulkUpdate{IDs: []int64{unassigned.ID}, Set: taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: id}})
		wantField(t, err, taskbox.EINVALID, "set.assignee_id")
		_, err = db.UpdateTeamMember(f.ctx, f.mapIDs[0], id)
		wantField(t, err, taskbox.EINVALID, "team_member_id")
	}
	if _, err := db.UpdateTeamMember(other.ctx, f.mapIDs[0], stranger.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("another account's lead map: %v", err)
	}

	// Ana owns the lead map: the unassigned open task moves to her, Bo's
	// stays his, the completed one stays unassigned.
	owner, err := db.UpdateTeamMember(f.ctx, f.mapIDs[0], ana.ID)
	if err != nil || *owner.TeamMemberID != ana.ID || owner.AssignedAt == nil || owner.TasksReassigned != 1 || owner.LeadMapID != f.mapIDs[0] {
		t.Fatalf("UpdateTeamMember = %+v, %v", owner, err)
	}
	assignees := func() map[int64]int64 {
		got := map[int64]int64{}
		for _, task := range []*taskbox.Task{unassigned, toAna, toBo, done} {
			tk, err := db.FindTaskByID(f.ctx, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			got[task.ID] = 0
			if tk.Assignee != nil {
				got[task.ID] = tk.Assignee.ID
			}
		}
		return got
	}
	want := map[int64]int64{unassigned.ID: ana.ID, toAna.ID: ana.ID, toBo.ID: bo.ID, done.ID: 0}
	if got := assignees(); !mapsEqual(got, want) {
		t.Fatalf("after owner Ana: %v, want %v", got, want)
	}
	// A new task of the lead map takes its owner; one given null has none.
	newTask, _ := create(f.ctx, taskbox.TaskCreate{})
	if newTask.Assignee == nil || newTask.Assignee.ID != ana.ID {
		t.Fatalf("new task's assignee = %+v, want the owner", newTask.Assignee)
	}
	none, _ := create(f.ctx, taskbox.TaskCreate{AssigneeSet: true})
	if none.Assignee != nil {
		t.Fatalf("assignee_id null: %+v", none.Assignee)
	}
	// Bo takes over: Ana's open tasks and the unassigned one move to him.
	owner, err = db.UpdateTeamMember(f.ctx, f.mapIDs[0], bo.ID)
	if err != nil || owner.TasksReassigned != 4 {
		t.Fatalf("UpdateTeamMember(Bo) = %+v, %v", owner, err)
	}
	// Unassigned: Bo's open tasks become unassigned.
	owner, err = db.UpdateTeamMember(f.ctx, f.mapIDs[0], 0)
	if err != nil || owner.TeamMemberID != nil || owner.AssignedAt != nil || owner.TasksReassigned != 5 {
		t.Fatalf("UpdateTeamMember(none) = %+v, %v", owner, err)
	}
	// Each move is an "assigned" audit entry whose actor names the member.
	if _, err := db.UpdateTask(anaCtx, toAna.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: ana.ID}); err != nil {
		t.Fatal(err)
	}
	events, err := db.ListTaskEvents(f.ctx, toAna.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Type != taskbox.EventAssigned || last.Actor.Member == nil || last.Actor.Member.ID != ana.ID || last.Changes["assignee"].Old != nil {
		t.Fatalf("last event = %+v", last)
	}
	if got := len(events); got != 4 { // created, to Bo, to none, to Ana
		t.Fatalf("%d events: %+v", got, events)
	}

	// Filters: me, none, ids; the summary of the same tasks.
	list := func(ctx context.Context, a string) []int64 {
		af, msg := taskbox.ParseAssigneeFilter(a)
		if msg != "" {
			t.Fatal(msg)
		}
		page, err := db.ListTasks(ctx, taskbox.TaskFilter{Status: "all", Assignee: af, Sort: "created_at"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, tk := range page.Tasks {
			ids = append(ids, tk.ID)
		}
		return ids
	}
	if got := list(anaCtx, "me"); !slices.Equal(got, []int64{toAna.ID}) {
		t.Fatalf("assignee=me: %v", got)
	}
	if got := list(f.ctx, "me"); len(got) != 0 {
		t.Fatalf("the Owner's assignee=me: %v", got)
	}
	if got := list(f.ctx, "none"); !slices.Equal(got, []int64{unassigned.ID, toBo.ID, done.ID, newTask.ID, none.ID}) {
		t.Fatalf("assignee=none: %v", got)
	}
	if got := list(f.ctx, "me,"+itoa(ana.ID)); !slices.Equal(got, []int64{toAna.ID}) {
		t.Fatalf("assignee=me,ana: %v", got)
	}
	sum, err := db.SummarizeFor(anaCtx, nil, time.Time{}, taskbox.AssigneeFilter{Me: true}, taskbox.SnoozedExclude)
	if err != nil || *sum != (taskbox.Summary{NoDueDate: 1}) {
		t.Fatalf("summary of me = %+v, %v", sum, err)
	}
	sum, err = db.SummarizeFor(f.ctx, nil, time.Time{}, taskbox.AssigneeFilter{None: true}, taskbox.SnoozedExclude)
	if err != nil || *sum != (taskbox.Summary{NoDueDate: 4, Completed: 1}) {
		t.Fatalf("summary of none = %+v, %v", sum, err)
	}

	// Removing Ana unassigns her open tasks and lead maps and ends her key.
	if _, err := db.UpdateTeamMember(f.ctx, f.mapIDs[1], ana.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMember(f.ctx, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(context.Background(), ana.Key.Secret); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Fatalf("removed member's key: %v", err)
	}
	if tk, _ := db.FindTaskByID(f.ctx, toAna.ID); tk.Assignee != nil {
		t.Fatalf("removed member's task still assigned: %+v", tk.Assignee)
	}
	if tk, _ := create(f.ctx, taskbox.TaskCreate{LeadMapID: f.mapIDs[1]}); tk.Assignee != nil {
		t.Fatalf("removed member still owns the lead map: %+v", tk.Assignee)
	}
	_, err = create(f.ctx, taskbox.TaskCreate{AssigneeSet: true, AssigneeID: ana.ID})
	wantField(t, err, taskbox.EINVALID, "assignee_id")
	if _, err := db.FindMemberByID(f.ctx, ana.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("removed member: %v", err)
	}
}

// A member chooses a password through its one-time link, signs in with
// it; the link then dies, a new link (passwd) and a new password end the
// sessions of the old one, and removal ends them all.
func TestPasswordSignIn(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	f := newFixture(t, db, "signin", "UTC", 0)
	ctx := context.Background()
	ana, _ := f.addMember(t, db, taskbox.NewMember{Name: "Ana", Email: "ana@signin.example"})
	if m, err := db.SetupMember(ctx, ana.SetupToken); err != nil || m.ID != ana.ID || m.HasPassword {
		t.Fatalf("SetupMember = %+v, %v", m, err)
	}
	_, err := db.SetPassword(ctx, ana.SetupToken, "short")
	wantField(t, err, taskbox.EINVALID, "password")
	if _, err := db.SetPassword(ctx, ana.SetupToken, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetPassword(ctx, ana.SetupToken, "another password"); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("used link: %v", err)
	}
	for _, c := range [][2]string{{"ana@signin.example", "wrong password"}, {"nobody@signin.example", "correct horse battery"}, {"", ""}} {
		if _, _, err := db.SignIn(ctx, c[0], c[1]); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
			t.Fatalf("SignIn(%q, %q) = %v", c[0], c[1], err)
		}
	}
	actor, gen, err := db.SignIn(ctx, " ANA@signin.example", "correct horse battery")
	if err != nil || actor.MemberID != ana.ID || actor.AccountID() != f.account.ID || !actor.Web || actor.KeyID != 0 {
		t.Fatalf("SignIn = %+v, %v", actor, err)
	}
	if ref := actor.Ref(); ref.Type != "member" || ref.ID != ana.ID || ref.Member.Name != "Ana" {
		t.Fatalf("Ref = %+v", ref)
	}
	if _, err := db.SessionActor(ctx, ana.ID, gen); err != nil {
		t.Fatal(err)
	}
	token, err := db.ResetMemberPassword(f.ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SignIn(ctx, "ana@signin.example", "correct horse battery"); err != nil {
		t.Fatalf("the old password works until a new one is chosen: %v", err)
	}
	if _, err := db.SetPassword(ctx, token, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionActor(ctx, ana.ID, gen); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Fatalf("session of the old password: %v", err)
	}
	_, gen, err = db.SignIn(ctx, "ana@signin.example", "a brand new password")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMember(f.ctx, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionActor(ctx, ana.ID, gen); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Fatalf("removed member's session: %v", err)
	}
	if _, _, err := db.SignIn(ctx, "ana@signin.example", "a brand new password"); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Fatalf("removed member signs in: %v", err)
	}
	// A member without an email has no link.
	owner, _ := db.ListMembers(f.ctx)
	_, err = db.ResetMemberPassword(f.ctx, owner[0].ID)
	wantField(t, err, taskbox.EINVALID, "email")
}

func mapsEqual(a, b map[int64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func errorsAs(err error, e **taskbox.Error) bool { return errors.As(err, e) }
