package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// dialect holds everything that differs between SQLite and PostgreSQL, so
// that the rest of the store is written once. Queries are written with ?
// placeholders and portable SQL (ON CONFLICT, RETURNING, row values).
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	rebind(query string) string
	// like is the case-insensitive LIKE operator.
	like() string
	// lockTask is appended to a task SELECT in a write transaction, so that
	// two servers changing one task take turns. SQLite has one writer.
	lockTask() string
	// lockRow is lockTask for a SELECT of one table without an alias.
	lockRow() string
	// uniqueViolation reports whether err is a UNIQUE constraint's refusal.
	uniqueViolation(err error) bool
	// syncIdentity moves a table's id sequence past a row inserted with an
	// explicit id.
	syncIdentity(ctx context.Context, tx *Tx, table string) error
	// tryXactLock takes a lock for the rest of the transaction, or reports
	// that another transaction holds it. SQLite's one writer holds it
	// always.
	tryXactLock(ctx context.Context, tx *Tx, key int64) (bool, error)
	// concurrentWriters reports whether other transactions may commit
	// writes while one runs (PostgreSQL: other writers and servers), so
	// that a batch must read anew what another could have changed; it is
	// also where one Exec may carry several statements (RELEASE; SAVEPOINT).
	concurrentWriters() bool
	// insertTasks inserts new tasks with their lead maps' columns (see
	// taskinsert.go).
	insertTasks(ctx context.Context, tx *Tx, ns []*newTask) error
	// insertRows inserts rows of a rowInsert, many a statement (see
	// batchcounts.go).
	insertRows(ctx context.Context, tx *Tx, r *rowInsert, rows []any) error
	// tableBytes is the disk space of tables (see Footprint).
	tableBytes(ctx context.Context, db *DB, tables []string) (int64, error)
	// skipLocked is appended to a SELECT in a write transaction whose rows
	// several servers take work from (of: " OF alias" or ""), so that each
	// takes rows no other holds. SQLite has one writer.
	skipLocked(of string) string
	// migrateOptions are the options of goose's provider.
	migrateOptions() ([]goose.ProviderOption, error)
	// insertID runs an INSERT and returns the new row's id.
	insertID(ctx context.Context, tx *Tx, query string, args []any) (int64, error)
	// txOptions are the options of a transaction that is readOnly or not.
	txOptions(readOnly bool) *sql.TxOptions
	// lockOutbox takes the lock under which one server at a time
	// dispatches the outbox, until the transaction ends: waiting for it,
	// or, unless wait, reporting false at once when another holds it.
	// SQLite has one writer.
	lockOutbox(ctx context.Context, tx *Tx, wait bool) (bool, error)
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) rebind(q string) string      { return q }
func (sqliteDialect) like() string                { return "LIKE" } // ASCII case-insensitive by default
func (sqliteDialect) lockTask() string            { return "" }
func (sqliteDialect) concurrentWriters() bool     { return false }
func (sqliteDialect) lockRow() string             { return "" }

func (sqliteDialect) uniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (sqliteDialect) syncIdentity(context.Context, *Tx, string) error {
	return nil // AUTOINCREMENT continues after the largest id
}

func (sqliteDialect) tryXactLock(context.Context, *Tx, int64) (bool, error) { return true, nil }
func (sqliteDialect) skipLocked(string) string                              { return "" }
func (sqliteDialect) migrateOptions() ([]goose.ProviderOption, error)       { return nil, nil }

// txOptions: a read connection is read-only already (query_only), and
// database/sql's ReadOnly would cost a statement per transaction.
func (sqliteDialect) txOptions(bool) *sql.TxOptions { return &sql.TxOptions{} }

// insertID reads LastInsertId, cheaper than RETURNING, which reads the id
// back through a result set (and a goroutine that database/sql starts).
func (sqliteDialect) insertID(ctx context.Context, tx *Tx, query string, args []any) (int64, error) {
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
func (sqliteDialect) lockOutbox(context.Context, *Tx, bool) (bool, error) { return true, nil }

type postgresDialect struct{}

func (postgresDialect) tryXactLock(ctx context.Context, tx *Tx, key int64) (got bool, err error) {
	err = tx.queryRow(ctx, `SELECT pg_try_advisory_xact_lock(?)`, key).Scan(&got)
	return got, err
}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) like() string                { return "ILIKE" }
func (postgresDialect) lockTask() string            { return " FOR UPDATE OF t" }
func (postgresDialect) concurrentWriters() bool     { return true }
func (postgresDialect) lockRow() string             { return " FOR UPDATE" }

func (postgresDialect) uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// rebind turns ? placeholders into $1, $2, …; no query of the store has a ?
// inside a string literal.
func (postgresDialect) rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

func (postgresDialect) skipLocked(of string) string { return " FOR UPDATE" + of + " SKIP LOCKED" }

// migrateOptions: several servers starting at once migrate once: the
// others wait on an advisory lock, then find nothing left to do.
func (postgresDialect) migrateOptions() ([]goose.ProviderOption, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

func (postgresDialect) txOptions(readOnly bool) *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: readOnly}
}

func (postgresDialect) insertID(ctx context.Context, tx *Tx, query string, args []any) (id int64, err error) {
	err = tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (postgresDialect) syncIdentity(ctx context.Context, tx *Tx, table string) error {
	_, err := tx.exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`)
	return err
}

func (postgresDialect) lockOutbox(ctx context.Context, tx *Tx, wait bool) (got bool, err error) {
	if wait {
		_, err = tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, dispatchLock)
		return err == nil, err
	}
	err = tx.queryRow(ctx, `SELECT pg_try_advisory_xact_lock(?)`, dispatchLock).Scan(&got)
	return got, err
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
