package store

import (
	"errors"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds everything that differs between the databases, so that the
// rest of the store is written once. Queries are written with ? placeholders.
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	rebind(query string) string
	isUniqueViolation(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) rebind(q string) string      { return q }

func (sqliteDialect) isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
