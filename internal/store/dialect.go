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
	// dense is what denseSearch said of the words.
	searchWords(words []string, dense bool) (string, []any)
	// denseSearch reports whether the words match so many tasks that the
	// inbox should walk its index in order and check each task, rather
	// than start from the matches and sort them.
	denseSearch(ctx context.Context, tx *Tx, words []string) (bool, error)
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
// is a LIKE over the index's text. When the words are dense, "t.id + 0"
// keeps SQLite from starting at the matches: it reads them once into a
// set and checks the tasks the inbox index yields in order.
func (sqliteDialect) searchWords(words []string, dense bool) (string, []any) {
	id := "t.id"
	if dense {
		id = "t.id + 0"
	}
	var conds []string
	var args []any
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			conds = append(conds, id+` IN (SELECT rowid FROM task_search WHERE body LIKE ? ESCAPE '\')`)
			args = append(args, "%"+escapeLike(w)+"%")
		}
	}
	if match := ftsMatch(words); match != "" {
		conds = append([]string{id + " IN (SELECT rowid FROM task_search WHERE task_search MATCH ?)"}, conds...)
		args = append([]any{match}, args...)
	}
	return strings.Join(conds, " AND "), args
}

// denseAt is how many matches make a search dense: below it, starting
// from the matches and sorting them is cheap (measured at 1,000,000 tasks:
// docs/web.md).
const denseAt = 2000

func (sqliteDialect) denseSearch(ctx context.Context, tx *Tx, words []string) (bool, error) {
	match := ftsMatch(words)
	if match == "" {
		return true, nil // short words only: their LIKE reads every task's text anyway
	}
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT rowid FROM task_search WHERE task_search MATCH ? LIMIT ?)`, match, denseAt).Scan(&n)
	return n >= denseAt, err
}

// ftsMatch is the FTS5 query of the words of three characters or more:
// each a quoted phrase, all of them required.
func ftsMatch(words []string) string {
	var phrases []string
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	return strings.Join(phrases, " AND ")
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
func (postgresDialect) searchWords(words []string, _ bool) (string, []any) {
	conds := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		conds[i] = `t.search_text ILIKE ? ESCAPE '\'`
		args[i] = "%" + escapeLike(w) + "%"
	}
	return strings.Join(conds, " AND "), args
}

// denseSearch is PostgreSQL's planner's to decide, from its statistics.
func (postgresDialect) denseSearch(context.Context, *Tx, []string) (bool, error) { return false, nil }

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
