package store

import (
	"context"
	"testing"
)

// On PostgreSQL the inbox's reads whose plan does not depend on their
// arguments (inGeneric) have a pool whose connections plan a statement
// once; every other read keeps PostgreSQL's own choice, and a search runs
// there. On SQLite the two are one pool.
func TestGenericPlanPool(t *testing.T) {
	ctx := context.Background()
	dsn := backendDSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !IsPostgres(dsn) {
		if db.generic != db.read {
			t.Error("SQLite has a second read pool")
		}
		return
	}
	mode := func(run func(context.Context, func(*Tx) error) error) string {
		t.Helper()
		var m string
		if err := run(ctx, func(tx *Tx) error {
			return tx.q.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&m)
		}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if got := mode(db.inGeneric); got != "force_generic_plan" {
		t.Errorf("inGeneric's plan_cache_mode %q", got)
	}
	if got := mode(db.inStatement); got != "auto" {
		t.Errorf("inStatement's plan_cache_mode %q", got)
	}
}
