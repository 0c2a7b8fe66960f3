package store

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
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
	// tryLockTask is lockTask that skips a task another transaction holds.
	tryLockTask() string
	// skipLocked is appended to a SELECT that claims work rows, so that
	// several servers claim different ones. SQLite has one writer.
	skipLocked() string
	// lockRow is lockTask for a SELECT of one table without an alias.
	lockRow() string
	// uniqueViolation reports whether err is a UNIQUE constraint's refusal.
	uniqueViolation(err error) bool
	// syncIdentity moves a table's id sequence past a row inserted with an
	// explicit id.
	syncIdentity(ctx context.Context, tx *Tx, table string) error
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
func (sqliteDialect) skipLocked() string          { return "" }
func (sqliteDialect) tryLockTask() string         { return "" }
func (sqliteDialect) lockRow() string             { return "" }

func (sqliteDialect) uniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (sqliteDialect) syncIdentity(context.Context, *Tx, string) error {
	return nil // AUTOINCREMENT continues after the largest id
}

func (sqliteDialect) lockOutbox(context.Context, *Tx, bool) (bool, error) { return true, nil }

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) like() string                { return "ILIKE" }
func (postgresDialect) lockTask() string            { return " FOR UPDATE OF t" }
func (postgresDialect) skipLocked() string          { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) tryLockTask() string         { return " FOR UPDATE OF t SKIP LOCKED" }
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
