package store_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Migration 00026 (SQLite) sets the search index's usermerge to 16 and
// crisismerge to 32; its Down gives back FTS5's defaults, 4 and 16. The
// writer's tidyEvery agrees with usermerge (TestGroupCommit_UpkeepAfterTidyEveryBatches).
func TestMigrationSearchMergeWider(t *testing.T) {
	if testdb.Backend() != "sqlite" {
		t.Skip("SQLite's search index")
	}
	ctx := context.Background()
	db, dsn := openAt(t, 25)
	raw := rawDB(t, dsn)
	check := func(when string, user, crisis int) {
		t.Helper()
		got := map[string]int{}
		rows, err := raw.Query(`SELECT k, v FROM task_search_config WHERE k IN ('usermerge', 'crisismerge')`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var v int
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			got[k] = v
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if got["usermerge"] != user || got["crisismerge"] != crisis {
			t.Errorf("%s usermerge %d and crisismerge %d, want %d and %d", when, got["usermerge"], got["crisismerge"], user, crisis)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00026", 16, 32)
	if err := db.MigrateDownTo(ctx, 25); err != nil {
		t.Fatal(err)
	}
	check("after 00026's Down", 4, 16)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00026 again", 16, 32)
}

// Migration 00027 (SQLite) makes the search index read its text from the
// tasks and their leads (external content): the copy of the text goes,
// the index of the tasks already stored is made again from them, and its
// merge settings stay those of 00021 and 00026. Its Down brings the copy
// back. Each way the tasks are found and FTS5's check of the index
// against its text passes.
func TestMigrationSearchExternalContent(t *testing.T) {
	if testdb.Backend() != "sqlite" {
		t.Skip("SQLite's search index")
	}
	ctx := context.Background()
	db, dsn := openAt(t, 26)
	f := newFixture(t, db, "migrate", "UTC", 2)
	for i := range 5 {
		if _, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[i%2], Name: fmt.Sprintf("Quixotic %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	raw := rawDB(t, dsn)
	check := func(when string, copyKept bool) {
		t.Helper()
		var copies, found int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'task_search_content'`).Scan(&copies); err != nil {
			t.Fatal(err)
		}
		if (copies == 1) != copyKept {
			t.Errorf("%s the index's own copy of the text: %d tables, want it kept %v", when, copies, copyKept)
		}
		if _, err := raw.Exec(`INSERT INTO task_search (task_search, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("%s the index's check: %v", when, err)
		}
		if err := raw.QueryRow(`SELECT COUNT(*) FROM task_search WHERE task_search MATCH '"ixo"'`).Scan(&found); err != nil || found != 5 {
			t.Errorf("%s the index finds %d tasks (%v), want 5", when, found, err)
		}
		if n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: "quixotic"}); err != nil || n != 5 {
			t.Errorf("%s a search counts %d (%v), want 5", when, n, err)
		}
		settings := map[string]int{}
		rows, err := raw.Query(`SELECT k, v FROM task_search_config WHERE k IN ('automerge', 'usermerge', 'crisismerge')`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var v int
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			settings[k] = v
		}
		if want := map[string]int{"automerge": 0, "usermerge": 16, "crisismerge": 32}; !maps.Equal(settings, want) {
			t.Errorf("%s the index's settings are %v, want %v", when, settings, want)
		}
	}
	check("before 00027", true)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00027", false)
	if err := db.MigrateDownTo(ctx, 26); err != nil {
		t.Fatal(err)
	}
	check("after 00027's Down", true)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00027 again", false)
}
