package store

import "context"

// Footprint is what the tasks take on disk: Bytes for Tasks tasks, each
// with its audit rows, timer, day counts and the indexes of all of them.
type Footprint struct {
	Tasks, Bytes int64
}

// taskTables are the tables whose rows a task brings along.
var taskTables = []string{"tasks", "task_events", "actors", "timers", "task_day_counts"}

// Footprint measures the tasks' bytes on disk: on SQLite the whole
// database's pages (the tasks are nearly all of it once there are many),
// on PostgreSQL pg_total_relation_size of the task tables (heap, indexes
// and TOAST).
func (db *DB) Footprint(ctx context.Context) (f Footprint, err error) {
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM tasks`, nil, &f.Tasks); err != nil {
		return f, err
	}
	f.Bytes, err = db.dialect.tableBytes(ctx, db, taskTables)
	return f, err
}

func (sqliteDialect) tableBytes(ctx context.Context, db *DB, _ []string) (int64, error) {
	var pages, size int64
	if err := db.readRow(ctx, `SELECT page_count FROM pragma_page_count()`, nil, &pages); err != nil {
		return 0, err
	}
	err := db.readRow(ctx, `SELECT page_size FROM pragma_page_size()`, nil, &size)
	return pages * size, err
}

func (postgresDialect) tableBytes(ctx context.Context, db *DB, tables []string) (int64, error) {
	var total int64
	for _, t := range tables {
		var n int64
		if err := db.readRow(ctx, `SELECT pg_total_relation_size(?::regclass)`, []any{t}, &n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// Deadlocks is how many deadlocks the database has detected since its
// statistics were last reset: PostgreSQL's pg_stat_database; 0 on SQLite,
// whose one writer never waits for another.
func (db *DB) Deadlocks(ctx context.Context) (int64, error) {
	return db.dialect.deadlocks(ctx, db)
}

func (sqliteDialect) deadlocks(context.Context, *DB) (int64, error) { return 0, nil }

func (postgresDialect) deadlocks(ctx context.Context, db *DB) (int64, error) {
	var n int64
	err := db.readRow(ctx, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`, nil, &n)
	return n, err
}
