package store

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// searchWords is the condition that each word is part of a task's
	// search text (its name, description and lead: see migration 00010),
	// through the dialect's text index.
	searchWords(words []string) (string, []any)
	// lockTask is appended to a task SELECT in a write transaction, so that
	// two servers changing one task take turns. SQLite has one writer.
	lockTask() string
	// syncIdentity moves a table's id sequence past a row inserted with an
	// explicit id.
	syncIdentity(ctx context.Context, tx *Tx, table string) error
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) rebind(q string) string      { return q }
func (sqliteDialect) like() string                { return "LIKE" } // ASCII case-insensitive by default
func (sqliteDialect) lockTask() string            { return "" }

// searchWords looks words of three characters or more up in the trigram
// index task_search, all in one MATCH (each word a quoted string, so that
// nothing in it is FTS5 syntax); a shorter word, which no trigram holds,
// is a LIKE over the index's text.
func (sqliteDialect) searchWords(words []string) (string, []any) {
	var phrases []string
	var conds []string
	var args []any
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
			continue
		}
		conds = append(conds, `t.id IN (SELECT rowid FROM task_search WHERE body LIKE ? ESCAPE '\')`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	if len(phrases) > 0 {
		conds = append([]string{"t.id IN (SELECT rowid FROM task_search WHERE task_search MATCH ?)"}, conds...)
		args = append([]any{strings.Join(phrases, " AND ")}, args...)
	}
	return strings.Join(conds, " AND "), args
}

func (sqliteDialect) syncIdentity(context.Context, *Tx, string) error {
	return nil // AUTOINCREMENT continues after the largest id
}

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) like() string                { return "ILIKE" }
func (postgresDialect) lockTask() string            { return " FOR UPDATE OF t" }

// searchWords is an ILIKE per word on search_text, which the trigram
// index (pg_trgm) answers for words of three characters or more.
func (postgresDialect) searchWords(words []string) (string, []any) {
	conds := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		conds[i] = `t.search_text ILIKE ? ESCAPE '\'`
		args[i] = "%" + escapeLike(w) + "%"
	}
	return strings.Join(conds, " AND "), args
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

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
