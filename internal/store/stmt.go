package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStmts bounds a pool's statement cache. The store's queries are a
// fixed set of texts (filters choose among a few shapes, and IN lists come
// in a few lengths: inList), so the bound is never reached in practice;
// past it a query is prepared for each use.
const maxCachedStmts = 512

// maxStmtsPerFamily bounds the texts of one family (see family) that the
// cache admits: an IN list padded by inList takes one text for each power
// of two, 13 up to 4096 values, and a query with two lists a few times
// that. A list built some other way, with a text for each length, is kept
// to this share of the cache instead of filling it: the statements first
// met after it are then still prepared.
const maxStmtsPerFamily = 32

// stmtCache keeps one SQLite pool's prepared statements by query text.
// SQLite parses and plans a statement each time it is prepared, and through
// database/sql every Exec or Query without a statement prepares one: a
// profile of create-task under load spent a third of its CPU in SQLite's
// parser. A cached statement is prepared once per connection. PostgreSQL
// needs no cache here: pgx keeps its own per connection.
//
// A statement is never prepared inside a transaction: that would wait for
// a second connection of the pool while holding one, and the writer pool
// has only one. A query missing from the cache runs unprepared and is
// prepared by the next transaction before it takes its connection.
type stmtCache struct {
	pool     *sql.DB
	stmts    sync.Map // query → *sql.Stmt
	mu       sync.Mutex
	n        int
	families map[string]int // family → its cached texts
	pending  map[string]bool
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, families: map[string]int{}, pending: map[string]bool{}}
}

// get returns the statement of query, or nil when it is not (yet) cached
// or there is no cache (c is nil).
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	f := family(query)
	c.mu.Lock()
	if c.n+len(c.pending) < maxCachedStmts && c.families[f] < maxStmtsPerFamily {
		c.pending[query] = true
	}
	c.mu.Unlock()
	return nil
}

// prepare prepares the queries that missed the cache. The caller holds no
// connection of the pool; nor does prepare hold the lock that get takes
// while it waits for one.
func (c *stmtCache) prepare(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range queries {
		if _, ok := c.stmts.Load(q); ok {
			continue
		}
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue // the query runs unprepared and reports its error itself
		}
		// Several texts of a family may have been pending at once: the
		// family's bound is checked again where the texts are counted.
		f := family(q)
		c.mu.Lock()
		_, loaded := c.stmts.Load(q)
		admit := !loaded && c.families[f] < maxStmtsPerFamily
		if admit {
			c.stmts.Store(q, s)
			c.n++
			c.families[f]++
		}
		c.mu.Unlock()
		if !admit {
			s.Close()
		}
	}
}

// family is query with each list of marks ("?, ?, ?") cut to one mark:
// the texts of one query that differ only in the lengths of their lists,
// IN lists or a row of VALUES, are one family.
func family(query string) string {
	if !strings.Contains(query, "?, ?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query))
	for i := 0; i < len(query); i++ {
		b.WriteByte(query[i])
		if query[i] == '?' {
			for strings.HasPrefix(query[i+1:], ", ?") {
				i += 3
			}
		}
	}
	return b.String()
}

// inList returns the marks and the arguments of an IN (or NOT IN) list of
// vals, padded to a power of two by repeating the last value, which
// changes neither's result. Each length of a list is another statement
// text, for the cache here and for pgx's own on PostgreSQL, and a
// long-running server meets lists of every length (an outbox batch, a
// page's rows): padded, lengths 1 to 4096 take 13 texts. A list longer
// than maxIDsPerStatement is left as it is, so that padding never passes
// SQLite's 32766 arguments; maxStmtsPerFamily keeps such texts to a share
// of the cache. No values make no marks: "IN ()" is an error, so callers
// test for an empty list first.
func inList[T any](vals []T) (marks string, args []any) {
	if len(vals) == 0 {
		return "", nil
	}
	n := 1
	for n < len(vals) {
		n *= 2
	}
	if len(vals) > maxIDsPerStatement {
		n = len(vals)
	}
	args = make([]any, n)
	for i := range args {
		args[i] = vals[min(i, len(vals)-1)]
	}
	return placeholders(n), args
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.stmts.Range(func(q, s any) bool {
		s.(*sql.Stmt).Close()
		c.stmts.Delete(q)
		return true
	})
}

// stmt returns the transaction's form of query's cached statement, or nil
// to run query unprepared.
func (tx *Tx) stmt(query string) *sql.Stmt {
	s := tx.stmts.get(query)
	if s == nil || tx.tx == nil {
		return s
	}
	// A batch runs the same few statements for each of its requests;
	// binding one to the transaction allocates, so it is bound once.
	if ts, ok := tx.bound[s]; ok {
		return ts
	}
	ts := tx.tx.StmtContext(tx.ctx, s)
	if tx.bound == nil {
		tx.bound = map[*sql.Stmt]*sql.Stmt{}
	}
	tx.bound[s] = ts
	return ts
}
