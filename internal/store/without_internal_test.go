package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	taskbox "github.com/taskboxhq/taskbox"
)

// Open without options runs every piece of machinery, as every server
// but the bench's child does; WithoutMachinery turns each off, on either
// backend: the statement cache (SQLite's prepared statements, pgx's
// statement cache on PostgreSQL), the group commit, the batched rows, the
// day counts (a create writes none) and the key cache (a key revoked
// behind the store's back is refused at once).
func TestOpen_WithoutMachinery(t *testing.T) {
	all := Machinery{NoGroupCommit: true, NoBatchedRows: true, NoDayCounts: true, NoStmtCache: true, NoKeyCache: true, NoTidy: true}
	for _, tc := range []struct {
		name string
		opts []Option
		want Machinery
	}{
		{"default", nil, Machinery{}},
		{"zero option", []Option{WithoutMachinery(Machinery{})}, Machinery{}},
		{"all off", []Option{WithoutMachinery(all)}, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, backendDSN(t), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if db.without != want {
				t.Errorf("DB.without = %+v, want %+v", db.without, want)
			}
			if db.writer.oneByOne != want.NoGroupCommit {
				t.Errorf("group commit one by one = %v, want %v", db.writer.oneByOne, want.NoGroupCommit)
			}
			if db.dialect.name() == "postgres" {
				if mode := execMode(t, db.read); (mode == pgx.QueryExecModeDescribeExec) != want.NoStmtCache {
					t.Errorf("pgx query exec mode = %v with NoStmtCache %v", mode, want.NoStmtCache)
				}
			} else if (db.writeStmts == nil || db.readStmts == nil) != want.NoStmtCache {
				t.Errorf("statement caches %v, %v with NoStmtCache %v", db.writeStmts, db.readStmts, want.NoStmtCache)
			}
			var txWithout Machinery
			if err := db.inWrite(ctx, func(tx *Tx) error { txWithout = tx.without; return nil }); err != nil {
				t.Fatal(err)
			}
			if txWithout != want {
				t.Errorf("Tx.without = %+v, want %+v (batched rows, day counts)", txWithout, want)
			}

			f := newBatchFixture(t, db)
			if _, err := db.CreateTask(f.actx, validCreate(t, f.mapID, "counted", "2030-01-01T09:00:00Z")); err != nil {
				t.Fatal(err)
			}
			var counts int
			if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_day_counts`).Scan(&counts); err != nil {
				t.Fatal(err)
			}
			if (counts == 0) != want.NoDayCounts {
				t.Errorf("%d rows of task_day_counts after a create, with NoDayCounts %v", counts, want.NoDayCounts)
			}

			_, key, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "keys"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Authenticate(ctx, key.Secret); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(ctx, `UPDATE api_keys SET revoked_at = 1`); err != nil {
				t.Fatal(err)
			}
			_, err = db.Authenticate(ctx, key.Secret)
			if refused := taskbox.ErrorCode(err) == taskbox.EUNAUTHORIZED; refused != want.NoKeyCache {
				t.Errorf("a key revoked behind the store's back: Authenticate = %v, with NoKeyCache %v", err, want.NoKeyCache)
			}
		})
	}
}

// execMode is the query exec mode of a connection of a PostgreSQL pool.
func execMode(t *testing.T, pool *sql.DB) pgx.QueryExecMode {
	conn, err := pool.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var mode pgx.QueryExecMode
	if err := conn.Raw(func(dc any) error {
		mode = dc.(*stdlib.Conn).Conn().Config().DefaultQueryExecMode
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return mode
}
