package store_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/taskboxhq/taskbox/internal/store"
)

// Migration 00025 drops tasks_account_campaign, whose work
// tasks_count_campaign does (on PostgreSQL its key gains id), and its
// Down brings both back as they were.
func TestMigrationCampaignIndex(t *testing.T) {
	ctx := context.Background()
	db, dsn := openAt(t, math.MaxInt64)
	raw := rawDB(t, dsn)
	indexes := func() map[string]string {
		t.Helper()
		q := `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'tasks' AND name LIKE 'tasks_%campaign'`
		if store.IsPostgres(dsn) {
			q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' AND indexname LIKE 'tasks_%campaign'`
		}
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			out[name] = def
		}
		return out
	}
	check := func(when string, accountCampaign bool, countKey string) {
		t.Helper()
		got := indexes()
		if _, ok := got["tasks_account_campaign"]; ok != accountCampaign {
			t.Errorf("%s tasks_account_campaign there: %v, want %v", when, ok, accountCampaign)
		}
		if def := got["tasks_count_campaign"]; !strings.Contains(def, countKey) {
			t.Errorf("%s tasks_count_campaign is %q, want its key to hold %q", when, def, countKey)
		}
	}
	after, before := "due_sort, due_all_day, snoozed_until)", "due_sort, due_all_day, snoozed_until)"
	if store.IsPostgres(dsn) {
		after, before = "due_sort, id) INCLUDE", "due_sort) INCLUDE"
	}
	check("after 00025", false, after)
	if err := db.MigrateDownTo(ctx, 24); err != nil {
		t.Fatal(err)
	}
	check("after 00025's Down", true, before)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00025 again", false, after)
}
