package store_test

import (
	"context"
	"testing"

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
