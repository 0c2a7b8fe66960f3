//go:build unix

package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkCreateDesigns sets the store's durable create beside the two
// simplest designs of a database path, in the same run, on the test run's
// backend, from 64 goroutines at once (as BenchmarkCreateTask/64):
//
//   - store: DB.CreateTask, the group commit with the audit row, timer,
//     day count, search text and every index;
//   - per-request: one INSERT of the task's columns, committed by itself,
//     a statement per request (on SQLite one connection, as SQLite has one
//     writer; on PostgreSQL a pool as large as the store's);
//   - per-batch: one writer that takes every request waiting and sends them
//     as one multi-row INSERT, committed by itself, then answers them;
//   - per-batch-tasks: the same writer inserting into the store's own tasks
//     table, with its indexes (and on PostgreSQL its search text, which
//     the trigram index takes; SQLite's search index is a table apart and
//     is left out), the lead map's columns known beforehand.
//
// per-request and per-batch write into a table of their own with a
// primary key only: no audit row, no timer, no count, no search index, no
// lead-map check. They are the floor the store's design is measured
// against, and per-batch-tasks what the tasks table's indexes add to it
// (see docs/performance.md). ns/op is the wall time per create (its inverse,
// creates a second); cpu-µs/op is this process's CPU per create, not the
// database server's.
//
//	go test ./internal/store -run '^$' -bench CreateDesigns -count 3
func BenchmarkCreateDesigns(b *testing.B) {
	tdb := testdb.Open(b)
	db := tdb.DB
	f := newFixture(b, db, "bench", "UTC", 20)
	desc, due := "Send pricing breakdown for 50-seat plan", "2025-12-15T09:00:00Z"
	raw := openRaw(b, tdb.DSN)
	if _, err := raw.Exec(`CREATE TABLE design_tasks (id ` + idColumn(tdb.DSN) + `, lead_map_id BIGINT NOT NULL,
		name TEXT NOT NULL, description TEXT, priority INTEGER NOT NULL, due_date TEXT, created_at BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	b.Run("store", func(b *testing.B) {
		parallel(b, func(i int64) error {
			_, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{
				LeadMapID: f.mapIDs[int(i)%len(f.mapIDs)], Name: "Follow up on pricing", Description: &desc,
				Priority: taskbox.PriorityHigh, DueDate: &due,
			})
			return err
		})
	})
	row := func(i int64) []any {
		return []any{f.mapIDs[int(i)%len(f.mapIDs)], "Follow up on pricing", desc, 3, due, db.Now().Micros()}
	}
	b.Run("per-request", func(b *testing.B) {
		insert := rebind(tdb.DSN, `INSERT INTO design_tasks (lead_map_id, name, description, priority, due_date, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
		parallel(b, func(i int64) error {
			_, err := raw.Exec(insert, row(i)...)
			return err
		})
	})
	b.Run("per-batch", func(b *testing.B) {
		w := startBatchWriter(func(batch [][]any) error { return insertDesignRows(raw, tdb.DSN, batch) })
		defer w.close()
		parallel(b, func(i int64) error { return w.insert(row(i)) })
	})
	b.Run("per-batch-tasks", func(b *testing.B) {
		maps := leadMapColumns(b, raw, tdb.DSN, f.account.ID)
		w := startBatchWriter(func(batch [][]any) error { return insertTaskRows(raw, tdb.DSN, batch) })
		defer w.close()
		parallel(b, func(i int64) error {
			m := maps[int(i)%len(maps)]
			now := db.Now().Micros()
			return w.insert([]any{f.account.ID, m[0], m[1], m[2], "Follow up on pricing", desc, 3, due, int64(1765789200000000), "pending", now, now,
				"Follow up on pricing " + desc + " lead@example.com"})
		})
	})
}

// leadMapColumns reads the id, campaign and lead of the account's lead maps.
func leadMapColumns(b *testing.B, raw *sql.DB, dsn string, account int64) [][3]int64 {
	rows, err := raw.Query(rebind(dsn, `SELECT id, campaign_id, lead_id FROM lead_maps WHERE account_id = ? ORDER BY id`), account)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out [][3]int64
	for rows.Next() {
		var m [3]int64
		if err := rows.Scan(&m[0], &m[1], &m[2]); err != nil {
			b.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		b.Fatalf("lead maps: %d, %v", len(out), err)
	}
	return out
}

// openRaw opens a database/sql pool on dsn without the store: on SQLite
// one connection with the store's durability (WAL, synchronous=FULL), on
// PostgreSQL pgx's driver with as many connections as the store's pool.
func openRaw(b *testing.B, dsn string) *sql.DB {
	var (
		raw *sql.DB
		err error
	)
	if store.IsPostgres(dsn) {
		raw, err = sql.Open("pgx", dsn)
		raw.SetMaxOpenConns(4*runtime.GOMAXPROCS(0) + 2)
		raw.SetMaxIdleConns(4*runtime.GOMAXPROCS(0) + 2)
	} else {
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
			q.Add("_pragma", p)
		}
		raw, err = sql.Open("sqlite", "file:"+dsn+"?"+q.Encode())
		raw.SetMaxOpenConns(1)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return raw
}

func idColumn(dsn string) string {
	if store.IsPostgres(dsn) {
		return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	return "INTEGER PRIMARY KEY"
}

// rebind numbers a query's ? placeholders for PostgreSQL.
func rebind(dsn, q string) string {
	if !store.IsPostgres(dsn) {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// batchWriter is the per-batch design: one goroutine takes every request
// waiting, inserts their rows in one statement and answers them once it
// committed.
type batchWriter struct {
	reqs chan designReq
	done chan struct{}
}

type designReq struct {
	row   []any
	reply chan error
}

func startBatchWriter(insert func(batch [][]any) error) *batchWriter {
	w := &batchWriter{reqs: make(chan designReq), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for first := range w.reqs {
			batch := []designReq{first}
		gather:
			for len(batch) < 256 {
				select {
				case r, ok := <-w.reqs:
					if !ok {
						break gather
					}
					batch = append(batch, r)
				default:
					break gather
				}
			}
			rows := make([][]any, len(batch))
			for i, r := range batch {
				rows[i] = r.row
			}
			err := insert(rows)
			for _, r := range batch {
				r.reply <- err
			}
		}
	}()
	return w
}

func (w *batchWriter) insert(row []any) error {
	r := designReq{row: row, reply: make(chan error, 1)}
	w.reqs <- r
	return <-r.reply
}

func (w *batchWriter) close() {
	close(w.reqs)
	<-w.done
}

// insertDesignRows inserts a batch's rows in one statement: on PostgreSQL
// an array a column through unnest, on SQLite a VALUES list.
func insertDesignRows(raw *sql.DB, dsn string, batch [][]any) error {
	const columns = `design_tasks (lead_map_id, name, description, priority, due_date, created_at)`
	if store.IsPostgres(dsn) {
		return insertUnnest(raw, columns, []string{"bigint", "text", "text", "integer", "text", "bigint"}, batch)
	}
	return insertValues(raw, columns, batch)
}

// insertTaskRows inserts a batch's rows into the tasks table in one
// statement; on SQLite without the search text, which lives in a table
// apart there.
func insertTaskRows(raw *sql.DB, dsn string, batch [][]any) error {
	const columns = `tasks (account_id, lead_map_id, campaign_id, lead_id, name, description, priority, due_date, due_sort, status,
		created_at, updated_at`
	if store.IsPostgres(dsn) {
		return insertUnnest(raw, columns+`, search_text)`, []string{"bigint", "bigint", "bigint", "bigint", "text", "text", "integer",
			"text", "bigint", "text", "bigint", "bigint", "text"}, batch)
	}
	rows := make([][]any, len(batch))
	for i, r := range batch {
		rows[i] = r[:len(r)-1]
	}
	return insertValues(raw, columns+`)`, rows)
}

// insertUnnest inserts rows as one array a column, of PostgreSQL's types.
func insertUnnest(raw *sql.DB, columns string, types []string, rows [][]any) error {
	arrays := make([]any, len(types))
	params := make([]string, len(types))
	for c, typ := range types {
		params[c] = fmt.Sprintf("$%d::%s[]", c+1, typ)
		switch typ {
		case "text":
			a := make([]string, len(rows))
			for i, r := range rows {
				a[i] = r[c].(string)
			}
			arrays[c] = a
		default:
			a := make([]int64, len(rows))
			for i, r := range rows {
				switch v := r[c].(type) {
				case int:
					a[i] = int64(v)
				case int64:
					a[i] = v
				}
			}
			arrays[c] = a
		}
	}
	_, err := raw.ExecContext(context.Background(), `INSERT INTO `+columns+` SELECT * FROM unnest(`+strings.Join(params, ", ")+`)`, arrays...)
	return err
}

// insertValues inserts rows as one VALUES list.
func insertValues(raw *sql.DB, columns string, rows [][]any) error {
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	args := make([]any, 0, len(rows)*len(rows[0]))
	for _, r := range rows {
		args = append(args, r...)
	}
	_, err := raw.ExecContext(context.Background(), `INSERT INTO `+columns+` VALUES `+strings.TrimSuffix(strings.Repeat(marks+", ", len(rows)), ", "), args...)
	return err
}
