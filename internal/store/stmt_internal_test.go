package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// inList pads a list to a power of two with its last value; a list longer
// than maxIDsPerStatement stays as it is.
func TestInList(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{1, 1}, {2, 2}, {3, 4}, {4, 4}, {5, 8}, {9, 16}, {16, 16}, {17, 32}, {300, 512},
		{maxIDsPerStatement, maxIDsPerStatement}, {maxIDsPerStatement + 1, maxIDsPerStatement + 1},
	} {
		vals := make([]int64, c.n)
		for i := range vals {
			vals[i] = int64(10 + i)
		}
		marks, args := inList(vals)
		if len(args) != c.want || marks != placeholders(c.want) {
			t.Errorf("inList of %d: %d arguments, %d marks, want %d", c.n, len(args), strings.Count(marks, "?"), c.want)
			continue
		}
		for i, a := range args {
			if want := vals[min(i, c.n-1)]; a != want {
				t.Errorf("inList of %d: argument %d = %v, want %d", c.n, i, a, want)
				break
			}
		}
	}
	if marks, args := inList([]string(nil)); marks != "" || args != nil {
		t.Errorf("inList of none = %q, %v, want nothing", marks, args)
	}
}

func TestFamily(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"SELECT a FROM t WHERE id = ?", "SELECT a FROM t WHERE id = ?"},
		{"DELETE FROM t WHERE id IN (?)", "DELETE FROM t WHERE id IN (?)"},
		{"DELETE FROM t WHERE id IN (?, ?, ?, ?)", "DELETE FROM t WHERE id IN (?)"},
		{"SELECT SUBSTR(x, 1, ?) FROM t WHERE a = ? AND b IN (?, ?) AND c NOT IN (?, ?, ?)",
			"SELECT SUBSTR(x, 1, ?) FROM t WHERE a = ? AND b IN (?) AND c NOT IN (?)"},
		{"INSERT INTO t (a, b) VALUES (?, ?), (?, ?)", "INSERT INTO t (a, b) VALUES (?), (?)"},
	} {
		if got := family(c.query); got != c.want {
			t.Errorf("family(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}

// cachedLike counts the cache's texts that hold part.
func cachedLike(c *stmtCache, part string) int {
	n := 0
	c.stmts.Range(func(q, _ any) bool {
		if strings.Contains(q.(string), part) {
			n++
		}
		return true
	})
	return n
}

// Lists of every length from 1 to 300 take one text for each power of two
// up to 512 in the statement cache, not 300.
func TestStmtCache_PaddedListsTakeFewTexts(t *testing.T) {
	db := openDSN(t, filepath.Join(t.TempDir(), "taskbox.db"))
	f := newBatchFixture(t, db)
	ids := make([]int64, 300)
	for i := range ids {
		ids[i] = int64(1000 + i)
	}
	// Each statement is prepared by the transaction after the one that
	// met it: every length runs twice.
	for range 2 {
		for n := 1; n <= len(ids); n++ {
			if _, err := db.LatestReplies(f.actx, ids[:n], 10); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := cachedLike(db.readStmts, "FROM smartlead_replies r JOIN"); got != 10 {
		t.Errorf("the latest replies of 1 to 300 lead maps: %d cached texts, want 10 (1, 2, 4, …, 512)", got)
	}
}

// A family of texts, here an IN list of every length built without
// inList, takes at most maxStmtsPerFamily places: a statement met after
// it is still cached.
func TestStmtCache_OneFamilyCannotFillIt(t *testing.T) {
	db := openDSN(t, filepath.Join(t.TempDir(), "taskbox.db"))
	ctx := context.Background()
	c := newStmtCache(db.read)
	t.Cleanup(c.close)
	for n := 1; n <= maxCachedStmts+10; n++ {
		c.get("SELECT 1 WHERE 1 IN (" + placeholders(n) + ")")
		c.prepare(ctx)
	}
	if got := cachedLike(c, "SELECT 1 WHERE 1 IN"); got != maxStmtsPerFamily {
		t.Errorf("%d lengths of one list: %d cached texts, want %d", maxCachedStmts+10, got, maxStmtsPerFamily)
	}
	for i := range 3 {
		fixed := fmt.Sprintf("SELECT %d", i)
		c.get(fixed)
		c.prepare(ctx)
		if c.get(fixed) == nil {
			t.Errorf("%q met after the list's texts is not cached", fixed)
		}
	}
}

// Padded lists select what the list does, IN as NOT IN, on both databases.
func TestInList_SameRows(t *testing.T) {
	db := openBackend(t)
	f := newBatchFixture(t, db)
	var cs []*taskbox.TaskCreate
	for range 6 {
		cs = append(cs, validCreate(t, f.mapID, "task", ""))
	}
	tasks, err := db.BulkCreateTasks(f.actx, cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 5} {
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = tasks[i].ID
		}
		marks, args := inList(ids)
		var in, out int
		err := db.inRead(context.Background(), func(tx *Tx) error {
			if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM tasks WHERE id IN (`+marks+`)`, args...).Scan(&in); err != nil {
				return err
			}
			return tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM tasks WHERE id NOT IN (`+marks+`)`, args...).Scan(&out)
		})
		if err != nil {
			t.Fatal(err)
		}
		if in != n || out != len(tasks)-n {
			t.Errorf("%d of %d tasks: %d IN, %d NOT IN, want %d and %d", n, len(tasks), in, out, n, len(tasks)-n)
		}
	}
}
