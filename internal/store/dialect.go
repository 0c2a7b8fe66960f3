package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
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
	// plan is what planSearch found out.
	searchWords(words []string, plan searchPlan) (string, []any)
	// planSearch looks at how many tasks the words match, where that
	// decides how to search them.
	planSearch(ctx context.Context, tx *Tx, words []string) (searchPlan, error)
	// lockTask is appended to a task SELECT in a write transaction, so that
	// two servers changing one task take turns. SQLite has one writer.
	lockTask() string
	// lockRow is appended to a SELECT of one row (one table, no alias) in a
	// write transaction to lock it until the commit: a count that decides an
	// insert (a cap) then holds, and a team member read to be assigned or a
	// setup token read to be used stays as read. On PostgreSQL it is FOR NO
	// KEY UPDATE, which two such SELECTs (and an UPDATE of the row) take in
	// turn but which does not wait for the KEY SHARE locks that inserts
	// referencing the row (a task's foreign keys) hold. SQLite has one
	// writer.
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
	// that a batch must read anew what another could have changed.
	concurrentWriters() bool
	// tidy runs a bounded step of upkeep on the writer's pool when no
	// request waits (SQLite: merging the search index's segments, see
	// migration 00021; PostgreSQL: merging past days' day-count slots,
	// migration 00022) and reports whether more may be left. now is the
	// store's clock.
	tidy(ctx context.Context, write *sql.DB, now time.Time) (more bool)
	// tidyPause is how long an idle writer leaves the upkeep alone after
	// a step found none left (see groupCommit.tidy), on the store's clock;
	// zero, no pause.
	tidyPause() time.Duration
	// tidyEvery is how many batches the writer commits before its idle
	// upkeep looks for work again after a step found none left (see
	// groupCommit.run); both bounds hold.
	tidyEvery() int
	// insertTasks inserts new tasks with their lead maps' columns (see
	// taskinsert.go).
	insertTasks(ctx context.Context, tx *Tx, ns []*newTask) error
	// insertRows inserts rows of a rowInsert, many a statement (see
	// batchcounts.go).
	insertRows(ctx context.Context, tx *Tx, r *rowInsert, rows []any) error
	// insertRowSets inserts the rows of several rowInserts: on PostgreSQL
	// in one statement.
	insertRowSets(ctx context.Context, tx *Tx, sets []rowSet) error
	// indexedBy names the index a query on a table must use (after the
	// table's name), where the dialect's planner would not pick it: SQLite
	// takes a partial index of few rows for a wider one, whatever its
	// statistics say. PostgreSQL's planner picks it; "".
	indexedBy(index string) string
	// countSlot is the slot of task_day_counts a batch writes its day
	// counts to (migration 00019): concurrent batches that write to
	// different slots lock different rows. The readers sum the slots.
	countSlot() int
	// tableBytes is the disk space of tables (see Footprint).
	tableBytes(ctx context.Context, db *DB, tables []string) (int64, error)
	// deadlocks is how many deadlocks the database has detected (see Deadlocks).
	deadlocks(ctx context.Context, db *DB) (int64, error)
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
	// backup writes a consistent copy of the database to path, which must
	// not exist yet (see Backup); PostgreSQL refuses.
	backup(ctx context.Context, db *DB, path string) error
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
func (sqliteDialect) lockRow() string             { return "" }
func (sqliteDialect) concurrentWriters() bool     { return false }

// tidy merges up to ftsMergePages pages of task_search's segments, a
// statement that is its own transaction. FTS5 does not merge them as the
// rows come (automerge 0, migration 00021) unless a level reaches
// crisismerge's 16 segments: a merge in a request's commit made that
// request, and those queued behind it, wait. SQLite's documentation tells
// whether the step did anything by the rows it changed: fewer than two,
// nothing was left to merge. It runs on the writer's connection itself,
// without Tx, so that it reads none of the DB's settings (serve and tests
// set them after Open, while the writer already runs), and with no
// busy_timeout: when another process holds the write lock (a backup, a
// migration) it gives up at once instead of holding the writer.
func (sqliteDialect) tidy(ctx context.Context, write *sql.DB, _ time.Time) bool {
	conn, err := write.Conn(ctx)
	if err != nil {
		return false
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return false
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO task_search (task_search, rank) VALUES ('merge', `+strconv.Itoa(ftsMergePages)+`)`)
	if _, rerr := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(busyTimeoutMillis)); err != nil || rerr != nil {
		return false
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false
	}
	return after-before >= 2
}

// tidyPause: the merge step is what tells whether segments are left, and
// batches add them (tidyEvery says how many before a look).
func (sqliteDialect) tidyPause() time.Duration { return 0 }

// tidyEvery: a merge step merges a level only once it holds
// ftsUserMerge segments, and a batch adds at most one, so the writer
// looks that many batches after a step that found none left, not after
// each: a lone create no longer pays for a look that finds nothing.
func (sqliteDialect) tidyEvery() int { return ftsUserMerge }

// ftsUserMerge is task_search's usermerge (migration 00026): how many
// segments a level holds before a merge step merges it.
const ftsUserMerge = 16

// ftsMergePages bounds one idle merge step: about as much as a batch of
// creates writes, so that a request arriving during one waits about as
// long as it would behind a batch.
const ftsMergePages = 64

func (sqliteDialect) indexedBy(index string) string { return " INDEXED BY " + index }

// countSlot: one writer, so one row a day count.
func (sqliteDialect) countSlot() int { return 0 }

func (sqliteDialect) uniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// searchWords looks words of three characters or more up in the trigram
// index task_search, all in one MATCH (ftsMatch); a shorter word, which no trigram holds,
// is a LIKE over the index's text. When the words are dense, "t.id + 0"
// keeps SQLite from starting at the matches: it reads them once into a
// set and checks the tasks the inbox index yields in order.
func (sqliteDialect) searchWords(words []string, plan searchPlan) (string, []any) {
	if plan.dense && plan.walk {
		return likeEachField(words)
	}
	id := "t.id"
	if plan.dense {
		id = "t.id + 0"
	}
	var conds []string
	var args []any
	if plan.ids != nil { // the matches of the long words, all of them
		if len(plan.ids) == 0 {
			conds = append(conds, "0 = 1")
		} else {
			marks, in := inList(plan.ids)
			conds = append(conds, "t.id IN ("+marks+")")
			args = append(args, in...)
		}
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			conds = append(conds, id+` IN (SELECT rowid FROM task_search WHERE body LIKE ? ESCAPE '\')`)
			args = append(args, "%"+escapeLike(w)+"%")
		}
	}
	if match, checks := ftsMatch(words); match != "" && plan.ids == nil {
		conds = append([]string{id + " IN (" + ftsQuery(checks) + ")"}, conds...)
		args = append(append([]any{match}, checks...), args...)
	}
	return strings.Join(conds, " AND "), args
}

// searchPlan is how to search: dense, walk the inbox index in order and
// check each task against the matches; else start from the matches, ids
// (read once by planSearch), and sort them. The zero plan searches the
// index as the database's planner sees fit.
type searchPlan struct {
	dense bool
	ids   []int64
	walk  bool // a page of a list, not a count: a dense search checks each task's own fields as the index yields it
}

// likeEachField checks each word against the task's and its lead's
// fields, row by row: for words that many tasks hold, the inbox index in
// due order reaches a page of matches after a few hundred rows, which
// costs less than reading every match from the search index.
func likeEachField(words []string) (string, []any) {
	var conds []string
	var args []any
	for _, w := range words {
		p := "%" + escapeLike(w) + "%"
		conds = append(conds, `(t.name LIKE ? ESCAPE '\' OR t.description LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM leads l
			WHERE l.id = t.lead_id AND (l.email LIKE ? ESCAPE '\' OR l.first_name LIKE ? ESCAPE '\' OR l.last_name LIKE ? ESCAPE '\'
			OR l.company_name LIKE ? ESCAPE '\')))`)
		args = append(args, p, p, p, p, p, p)
	}
	return strings.Join(conds, " AND "), args
}

// denseAt is how many matches make a search dense: below it, starting
// from the matches and sorting them is cheap (measured at 1,000,000 tasks:
// docs/web.md).
const denseAt = 2000

// planSearch reads up to denseAt matches of the long words: FTS5 yields
// them as it finds them, so a common word stops early, and a rare one's
// matches are all read once, here, rather than again by the list query.
func (sqliteDialect) planSearch(ctx context.Context, tx *Tx, words []string) (searchPlan, error) {
	match, checks := ftsMatch(words)
	if match == "" {
		return searchPlan{dense: true}, nil // short words only: their LIKE reads every task's text anyway
	}
	rows, err := tx.query(ctx, ftsQuery(checks)+" LIMIT ?", append(append([]any{match}, checks...), denseAt)...)
	if err != nil {
		return searchPlan{}, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return searchPlan{}, err
		}
		ids = append(ids, id)
	}
	if len(ids) >= denseAt {
		return searchPlan{dense: true}, rows.Err()
	}
	return searchPlan{ids: ids}, rows.Err()
}

// ftsMatch is the FTS5 query of the words of three characters or more,
// all of them required, and the words, which ftsQuery checks each match
// against. The index keeps no positions (migration 00016), so FTS5 takes
// no phrase of several trigrams: a word is looked up as all of its
// trigrams (each a quoted string of one token, so that nothing in it is
// FTS5 syntax), which a text can hold apart; the check (taskbox_contains)
// keeps the texts that hold the word itself, case folded as the
// tokenizer folds it. A word with punctuation is looked up by the
// trigrams of its longest piece of letters and digits ("lead04242" of
// "lead04242@example.com"): the trigrams every email shares ("example",
// ".com") would otherwise make the index read long lists for each lookup.
func ftsMatch(words []string) (match string, checks []any) {
	var terms []string
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			continue
		}
		piece := w
		if parts := strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); len(parts) > 1 {
			longest := ""
			for _, p := range parts {
				if utf8.RuneCountInString(p) > utf8.RuneCountInString(longest) {
					longest = p
				}
			}
			if utf8.RuneCountInString(longest) >= 3 {
				piece = longest
			}
		}
		runes := []rune(piece)
		for i := 0; i+3 <= len(runes); i++ {
			terms = append(terms, `"`+strings.ReplaceAll(string(runes[i:i+3]), `"`, `""`)+`"`)
		}
		checks = append(checks, w)
	}
	return strings.Join(terms, " AND "), checks
}

// ftsQuery is the statement that finds the matches of ftsMatch.
func ftsQuery(checks []any) string {
	q := "SELECT rowid FROM task_search WHERE task_search MATCH ?"
	for range checks {
		q += ` AND taskbox_contains(body, ?)`
	}
	return q
}

func init() {
	// taskbox_contains(text, word) is 1 if text holds word, case folded,
	// else 0: the check of ftsQuery, for every SQLite connection.
	err := sqlite.RegisterDeterministicScalarFunction("taskbox_contains", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			text, _ := args[0].(string)
			word, _ := args[1].(string)
			if containsFold(text, word) {
				return int64(1), nil
			}
			return int64(0), nil
		})
	if err != nil {
		panic(err)
	}
}

// containsFold reports whether s holds sub, compared under Unicode case
// folding (strings.EqualFold) rune window by rune window.
func containsFold(s, sub string) bool {
	n := utf8.RuneCountInString(sub)
	for i := 0; i <= len(s); {
		j := i
		for k := 0; k < n; k++ {
			if j >= len(s) {
				return false
			}
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
		}
		if strings.EqualFold(s[i:j], sub) {
			return true
		}
		if i == len(s) {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
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
func (postgresDialect) lockRow() string             { return " FOR NO KEY UPDATE" }
func (postgresDialect) concurrentWriters() bool     { return true }
func (postgresDialect) indexedBy(string) string     { return "" }

// tidy merges the day counts of days that have passed back into slot 0
// (countSlot spread them over countSlots rows), so that the summary, which
// sums a window of days, reads one row a day where it read up to 16. A
// step reads up to mergeSlotRows unmerged rows (the partial index of
// migration 00022) and merges their keys one statement each: the
// statement, a transaction of its own, deletes the key's other slots and
// adds their sum to slot 0, so that a reader sees the count before or
// after it, never half of it. It locks the rows of one key and nothing
// else, and a batch locks one slot of a key (see dayCounts.rows): neither
// waits for the other while holding what the other waits for, so they
// cannot deadlock. Two servers merging one key take turns; the second
// finds no rows left. "Passed" leaves two days of margin, so that the
// all-day dates of every time zone are in it; days still changing often
// are left spread. On any error the step stops, and the writer looks
// again after tidyPause; a database that stops answering holds it for
// DefaultTimeout at most. PostgreSQL keeps its own indexes otherwise
// (autovacuum merges the GIN pending list).
func (postgresDialect) tidy(ctx context.Context, write *sql.DB, now time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	rows, err := write.QueryContext(ctx, `SELECT account_id, status, due_all_day, day FROM task_day_counts
		WHERE slot <> 0 AND day < $1 ORDER BY day LIMIT `+strconv.Itoa(mergeSlotRows), dayOf(now.UnixMicro())-2)
	if err != nil {
		return false
	}
	var keys []dayKey
	seen := map[dayKey]bool{}
	for rows.Next() {
		var k dayKey
		if err := rows.Scan(&k.account, &k.status, &k.allDay, &k.day); err != nil {
			rows.Close()
			return false
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if rows.Close() != nil || rows.Err() != nil {
		return false
	}
	for _, k := range keys {
		if _, err := write.ExecContext(ctx, mergeSlots, k.account, k.status, k.allDay, k.day); err != nil {
			return false
		}
	}
	return len(keys) > 0
}

// mergeSlotRows bounds a step of postgresDialect.tidy: about a batch's
// worth of work, so that a request that comes during one waits about as
// long as it would behind a batch.
const mergeSlotRows = 256

// mergeSlots moves the sum of a day count's slots other than 0 into slot 0.
const mergeSlots = `WITH gone AS (
	DELETE FROM task_day_counts WHERE account_id = $1 AND status = $2 AND due_all_day = $3 AND day = $4 AND slot <> 0
	RETURNING n)
INSERT INTO task_day_counts (account_id, status, due_all_day, day, slot, n)
	SELECT $1, $2, $3, $4, 0, SUM(n) FROM gone HAVING COUNT(*) > 0
	ON CONFLICT (account_id, status, due_all_day, day, slot) DO UPDATE SET n = task_day_counts.n + excluded.n`

// tidyPause: once no past day is spread, new spread rows of past days
// come only from changes to overdue tasks; a look a minute is plenty,
// and keeps an idle writer from a query after every batch.
func (postgresDialect) tidyPause() time.Duration { return time.Minute }

// tidyEvery: after each batch, as tidyPause already spaces the steps
// that find nothing.
func (postgresDialect) tidyEvery() int { return 1 }

// countSlots is how many rows a day count is split into on PostgreSQL:
// enough that the batches of a few servers (pgWriters each) rarely pick
// the same one, few enough that the summary's sums over a window read
// little more.
const countSlots = 16

// countSlot is a slot picked at random for each batch.
func (postgresDialect) countSlot() int { return rand.IntN(countSlots) }

func (postgresDialect) uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// searchWords is an ILIKE per word on search_text, which the trigram
// index (pg_trgm) answers for words of three characters or more.
func (postgresDialect) searchWords(words []string, _ searchPlan) (string, []any) {
	conds := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		conds[i] = `t.search_text ILIKE ? ESCAPE '\'`
		args[i] = "%" + escapeLike(w) + "%"
	}
	return strings.Join(conds, " AND "), args
}

// planSearch leaves it to PostgreSQL's planner, which has the statistics.
func (postgresDialect) planSearch(context.Context, *Tx, []string) (searchPlan, error) {
	return searchPlan{}, nil
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
