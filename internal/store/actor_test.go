package store_test

import (
	"context"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// An audit row names its actor by a row of actors (migration 00027): one
// row per text however many changes name it, a new one when a key or
// member is renamed, and the audit trail shows each change under the name
// it was made under. Rows written before the migration keep their own text
// and read the same; the migration's Down puts the text back in every row.
func TestAuditActorsStoredOnce(t *testing.T) {
	ctx := context.Background()
	db, dsn := openAt(t, 26)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, dsn)
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	db.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: now} }
	f := newFixture(t, db, "acme", "", 1)
	as := func(secret string) context.Context {
		t.Helper()
		actor, err := db.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		return taskbox.NewContextWithActor(ctx, actor)
	}
	task := f.task(t, db, "call", nil, taskbox.PriorityMedium)
	count := func(q string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rename := func(ctx context.Context, name string) {
		t.Helper()
		if _, err := db.UpdateTask(ctx, task.ID, &taskbox.TaskUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(when string, want ...string) {
		t.Helper()
		events, err := db.ListTaskEvents(f.ctx, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			name := e.Actor.Name
			if e.Actor.Member != nil {
				name += "/" + e.Actor.Member.Name
			}
			got = append(got, e.Type+" by "+name)
		}
		if len(got) != len(want) {
			t.Fatalf("%s the audit trail is %q, want %q", when, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s the audit trail is %q, want %q", when, got, want)
				break
			}
		}
	}

	rename(f.ctx, "call Ada")
	rename(f.ctx, "call Ada today")
	if n := count(`SELECT COUNT(*) FROM actors`); n != 1 {
		t.Errorf("%d actors after three changes by one key, want 1", n)
	}
	if n := count(`SELECT COUNT(*) FROM task_events WHERE actor <> '' OR actor_id IS NULL`); n != 0 {
		t.Errorf("%d audit rows keep their actor's text", n)
	}
	names("with actors,", "created by default/Owner", "updated by default/Owner", "updated by default/Owner")

	// Down: every row has its text again; up: those rows read as before.
	if err := db.MigrateDownTo(ctx, 26); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT COUNT(*) FROM task_events WHERE actor NOT LIKE '{"type":"api_key",%'`); n != 0 {
		t.Errorf("after the Down %d audit rows lack their actor's text", n)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	names("after the Down and up again,", "created by default/Owner", "updated by default/Owner", "updated by default/Owner")

	// Another key, then the owner renamed: two more texts.
	second, err := db.CreateKey(ctx, f.account.ID, "zapier")
	if err != nil {
		t.Fatal(err)
	}
	rename(as(second.Secret), "call Ada by noon")
	members, err := db.ListMembers(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateMember(f.ctx, members[0].ID, &taskbox.MemberUpdate{Name: ptr("Grace")}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute) // past the key cache
	rename(as(f.secret), "call Ada at noon")
	rename(as(f.secret), "call Ada at one")
	if n := count(`SELECT COUNT(*) FROM actors`); n != 2 {
		// The rows from before the Down keep their own text.
		t.Errorf("%d actors, want 2 (the second key, the first one after the rename)", n)
	}
	names("after a second key and a rename,", "created by default/Owner", "updated by default/Owner", "updated by default/Owner",
		"updated by zapier/Owner", "updated by default/Grace", "updated by default/Grace")
}
