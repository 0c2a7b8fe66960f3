package store_test

import (
	"strings"
	"testing"

	"github.com/taskboxhq/taskbox/internal/store"
)

// ParseWithout reads bench --without's list; an unknown name is an error
// that names the known ones, and the empty list leaves everything on.
func TestParseWithout(t *testing.T) {
	m, err := store.ParseWithout("groupcommit, keycache")
	if err != nil || m != (store.Machinery{NoGroupCommit: true, NoKeyCache: true}) {
		t.Errorf("groupcommit, keycache: %+v, %v", m, err)
	}
	m, err = store.ParseWithout("batchedrows,daycounts,stmtcache,tidy")
	if err != nil || m != (store.Machinery{NoBatchedRows: true, NoDayCounts: true, NoStmtCache: true, NoTidy: true}) {
		t.Errorf("batchedrows,daycounts,stmtcache,tidy: %+v, %v", m, err)
	}
	if m, err := store.ParseWithout(""); err != nil || m != (store.Machinery{}) {
		t.Errorf("empty: %+v, %v", m, err)
	}
	if _, err := store.ParseWithout("groupcommit,cache"); err == nil || !strings.Contains(err.Error(), `unknown machinery "cache"`) {
		t.Errorf("unknown name: %v", err)
	}
}
