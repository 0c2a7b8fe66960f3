// Package store keeps taskbox's data in an embedded SQLite file or in a
// PostgreSQL database (postgres.go; the SQL differences live in
// dialect.go). Every method runs on behalf of the actor in its context and
// sees only that actor's account. Writes go through the group commit's
// writers (one connection on SQLite); reads use a pool.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	taskbox "github.com/taskboxhq/taskbox"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// DB is an open taskbox database.
type DB struct {
	write *sql.DB // one connection: SQLite allows one writer at a time
	read  *sql.DB // a pool of read-only connections
	// generic is the pool of the reads that PostgreSQL plans once per
	// connection (see inGeneric); on SQLite it is read.
	generic *sql.DB
	dialect dialect
	// cursorKey signs inbox cursors; shared through the database.
	cursorKey []byte
	// writer gathers concurrent writes into shared transactions (group
	// commit); every write goes through it.
	writer *groupCommit
	// writeStmts and readStmts cache SQLite's prepared statements (see
	// stmtCache); nil on PostgreSQL.
	writeStmts, readStmts *stmtCache
	// keys remembers recently authenticated API keys (see keyCache).
	keys keyCache
	// actors remembers the ids of the audit rows' actors (see actorCache).
	actors actorCache
	// without is the machinery the bench turned off (WithoutMachinery, at Open).
	without Machinery
	// closers run after the pools close (the pgx pool under database/sql).
	closers []func()
	// Now returns the current time; tests replace it.
	Now func() taskbox.Timestamp
	// Timeout bounds each wait on the database: for a connection, for one
	// statement, for a commit. A database that stops answering (a dropped
	// network, a hung server, a lock held elsewhere) fails the request with
	// SERVICE_UNAVAILABLE instead of holding it until TCP gives up; a
	// transaction of many quick statements may take longer (see watchdog).
	// Zero, as Open leaves it, means no bound but SQLite's busy_timeout:
	// the admin commands wait; serve sets it (--db-timeout).
	Timeout time.Duration
	// MaxWebhooks is how many webhooks an account may have; zero means
	// taskbox.DefaultMaxWebhooks. serve sets it (--max-webhooks).
	MaxWebhooks int
	// MailOn says that this server sends mail (serve --smtp-url): only
	// then do digests and reminders queue mails, so that a server without
	// a mail server does not pile up mails that a later one would send
	// all at once. Every server of one database should say the same; one
	// with mail off leaves the digest timers to those with mail on (see
	// timerMailOff).
	MailOn bool
	// inbound counts the SmartLead events processed, by outcome.
	inbound inboundCounts
}

// DefaultTimeout is the Timeout that serve sets unless told otherwise.
const DefaultTimeout = 5 * time.Second

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// nowFunc is the clock of a new DB.
var nowFunc = taskbox.Now

// Open opens the database named by dsn: a postgres:// URL for PostgreSQL,
// else a file path (or file: URI) for SQLite. Call Migrate before use: it also loads the shared secrets.
// Without opts, every piece of machinery is on.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, o)
	}
	return openSQLite(ctx, dsn, o)
}

// busyTimeoutMillis is how long an SQLite connection waits for a lock
// another process holds.
const busyTimeoutMillis = 10000

// openSQLite opens the writer and the reader pool on one file.
//
// Durability: journal_mode=WAL with synchronous=FULL. In WAL mode FULL makes
// SQLite fsync the WAL at every commit, so a transaction whose COMMIT has
// returned survives a crash or power loss; NORMAL would only promise that
// the database stays consistent, and could lose the last commits. Every
// answer that acknowledges a write is sent after COMMIT returns.
func openSQLite(ctx context.Context, path string, o openOptions) (*DB, error) {
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("empty database path")
	}
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(" + strconv.Itoa(busyTimeoutMillis) + ")", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	pragmas.Set("_txlock", "immediate") // writers take the lock at BEGIN, not at first write: no deadlock on upgrade
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	pragmas.Set("_txlock", "deferred")
	pragmas.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db := &DB{write: write, read: read, generic: read, dialect: sqliteDialect{}, Now: nowFunc, without: o.without}
	if !o.without.NoStmtCache {
		db.writeStmts, db.readStmts = newStmtCache(write), newStmtCache(read)
	}
	db.writer = startGroupCommit(db, 1)
	return db, nil
}

// Migrate applies every migration not yet applied, from migrations/sqlite or
// migrations/postgres. Each runs in its own transaction and is recorded in
// the goose_db_version table.
func (db *DB) Migrate(ctx context.Context) error {
	return db.MigrateTo(ctx, math.MaxInt64)
}

// MigrateTo applies the migrations up to version and no further, as an
// older release would have left the database: tests of a migration start
// there.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	db.cursorKey, err = db.loadSecret(ctx, "cursor")
	return err
}

// migrations is goose's provider of the dialect's migrations.
func (db *DB) migrations() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect.name())
	if err != nil {
		return nil, err
	}
	opts, err := db.dialect.migrateOptions()
	if err != nil {
		return nil, err
	}
	opts = append(opts, goose.WithSlog(slog.New(slog.DiscardHandler)))
	p, err := goose.NewProvider(db.dialect.gooseDialect(), db.write, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Close closes the pools.
func (db *DB) Close() error {
	if db.writer != nil {
		db.writer.close()
	}
	db.writeStmts.close()
	db.readStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.generic != db.read {
		err = errors.Join(err, db.generic.Close())
	}
	for _, c := range db.closers {
		c()
	}
	return err
}

// Time returns db.Now(): the store's clock as a method, which the
// interfaces of the store's users (package events) can ask for.
func (db *DB) Time() taskbox.Timestamp { return db.Now() }

// Tx is a transaction with the dialect's placeholders and the time at which
// it started, so that every row it writes carries one timestamp.
//
// Its statements run under the context the transaction began with (ctx),
// which its watchdog ends once one statement waits past DB.Timeout (see
// inTx), whatever context they are handed: a statement under the caller's
// context alone could wait on a silent network for as long as TCP does.
type Tx struct {
	tx      *sql.Tx // nil under inStatement, which runs on the pool
	q       querier // tx, or the pool under inStatement
	ctx     context.Context
	wd      *watchdog
	dialect dialect
	now     taskbox.Timestamp
	stmts   *stmtCache              // nil: statements are not cached here
	without Machinery               // DB.without
	bound   map[*sql.Stmt]*sql.Stmt // stmts' statements bound to this transaction
	counts  *dayCounts              // non-nil in a batch: day counts written at its end
	later   *laterRows              // non-nil in a batch: rows inserted at its end
	// hookEvents caches webhookEvents by account for the transaction (on
	// SQLite a batch of many requests; on PostgreSQL, where other writers
	// commit meanwhile, one request); writes to webhooks reset it.
	hookEvents map[int64]map[string]bool
	// zones holds, while createTasks runs, the time zones (NULL: the
	// account's) of the assignees its insert read with the tasks, so that
	// arming the new tasks' reminders reads none again (see reminderZone).
	zones map[int64]sql.NullString
	// mailOn is DB.MailOn: whether mails are queued.
	mailOn bool
	// wrote is whether a statement other than a SELECT ran since the
	// batch (see batch.run) last cleared it.
	wrote bool
	// actors is the DB's actorCache, and newActors the actors rows this
	// transaction read or stored, for the cache once it commits.
	actors    *actorCache
	newActors map[string]int64
}

// querier runs statements: a *sql.Tx, or a *sql.DB outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec, query and queryRow run a statement of the transaction under the
// transaction's own context (tx.ctx), never the caller's: a statement of a
// group-committed batch must not be cut short by one request going away,
// and the SQLite writer's context is deliberately not cancellable (the
// --db-timeout watchdog bounds it instead). The context parameter is
// ignored; it stays so that call sites read like database/sql's.
func (tx *Tx) exec(_ context.Context, query string, args ...any) (sql.Result, error) {
	tx.sending(query)
	if s := tx.stmt(query); s != nil {
		return s.ExecContext(tx.ctx, args...)
	}
	return tx.q.ExecContext(tx.ctx, tx.dialect.rebind(query), args...)
}

func (tx *Tx) query(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	tx.sending(query)
	if s := tx.stmt(query); s != nil {
		return s.QueryContext(tx.ctx, args...)
	}
	return tx.q.QueryContext(tx.ctx, tx.dialect.rebind(query), args...)
}

func (tx *Tx) queryRow(_ context.Context, query string, args ...any) *sql.Row {
	tx.sending(query)
	if s := tx.stmt(query); s != nil {
		return s.QueryRowContext(tx.ctx, args...)
	}
	return tx.q.QueryRowContext(tx.ctx, tx.dialect.rebind(query), args...)
}

// sending notes a statement about to run: progress for the watchdog, and
// whether it may write (any text but a SELECT's).
func (tx *Tx) sending(query string) {
	tx.wd.progress()
	if !strings.HasPrefix(query, "SELECT ") {
		tx.wrote = true
	}
}

// insert runs an INSERT and returns the new row's id.
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	return tx.dialect.insertID(ctx, tx, query, args)
}

// inWrite runs fn in a write transaction and commits it; the commit is
// durable when inWrite returns nil (see openSQLite).
func (db *DB) inWrite(ctx context.Context, fn func(*Tx) error) error {
	return db.writer.write(ctx, fn)
}

// inRead runs fn in a read-only transaction: one consistent snapshot.
func (db *DB) inRead(ctx context.Context, fn func(*Tx) error) error {
	return db.inTx(ctx, db.read, true, fn)
}

// inStatement runs fn, which reads with one statement, on the read pool
// outside a transaction: one statement reads one consistent snapshot by
// itself, and a transaction's BEGIN and COMMIT would cost two more (on
// PostgreSQL, two round trips). It is bounded and classified as inTx is.
func (db *DB) inStatement(ctx context.Context, fn func(*Tx) error) error {
	return db.inStatementOn(ctx, db.read, fn)
}

// inStatementOn is inStatement on a read pool of the DB's.
func (db *DB) inStatementOn(ctx context.Context, pool *sql.DB, fn func(*Tx) error) (err error) {
	ctx, wd, stop := db.watch(ctx)
	defer stop()
	defer func() { err = unavailable(ctx, err) }()
	stmts := db.stmtsOf(pool)
	stmts.prepare(ctx)
	return fn(&Tx{q: pool, ctx: ctx, wd: wd, dialect: db.dialect, now: db.Now(), stmts: stmts, mailOn: db.MailOn, without: db.without})
}

// inGeneric is inStatement for the inbox's reads whose best plan does not
// depend on their arguments' values (a page of the inbox in some order
// without search words, a task by id): on PostgreSQL their pool's
// connections plan each statement once (plan_cache_mode =
// force_generic_plan), where PostgreSQL's default planned such a page
// anew at every call, which at 1,000,000 tasks took 1.6 ms of a 2.2 ms
// list (docs/performance.md, round seven). A search stays on the read
// pool: how selective its words are decides its plan.
func (db *DB) inGeneric(ctx context.Context, fn func(*Tx) error) error {
	return db.inStatementOn(ctx, db.generic, fn)
}

// inTx runs fn in a transaction under a watchdog (DB.Timeout). Whatever
// fails, from BEGIN through fn to COMMIT, goes through unavailable.
func (db *DB) inTx(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) (err error) {
	return db.inTxUntil(ctx, pool, readOnly, time.Time{}, fn)
}

// inTxUntil is inTx whose first wait, for a connection and BEGIN, ends at
// begun when that comes before DB.Timeout (zero: no such bound).
func (db *DB) inTxUntil(ctx context.Context, pool *sql.DB, readOnly bool, begun time.Time, fn func(*Tx) error) (err error) {
	ctx, wd, stop := db.watchUntil(ctx, begun)
	defer stop()
	defer func() { err = unavailable(ctx, err) }()
	stmts := db.stmtsOf(pool)
	stmts.prepare(ctx)
	sqltx, err := pool.BeginTx(ctx, db.dialect.txOptions(readOnly))
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqltx.Rollback()
	tx := &Tx{tx: sqltx, q: sqltx, ctx: ctx, wd: wd, dialect: db.dialect, now: db.Now(), stmts: stmts, mailOn: db.MailOn, without: db.without,
		actors: &db.actors}
	if pool == db.write && !db.dialect.concurrentWriters() {
		// The writer took SQLite's write lock at BEGIN (IMMEDIATE), the
		// one wait the watchdog must be able to end; past it no statement
		// waits for another connection. A statement given a context that
		// can be cancelled costs a goroutine in the driver, a tenth of the
		// writer's CPU under create-task load. The watchdog still ends the
		// transaction (database/sql rolls it back once ctx is cancelled).
		tx.ctx = context.WithoutCancel(ctx)
	}
	if err := fn(tx); err != nil {
		return err
	}
	wd.progress()
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.newActors != nil {
		db.actors.add(tx.newActors)
	}
	return nil
}

// stmtsOf returns the statement cache of pool, nil if it has none.
func (db *DB) stmtsOf(pool *sql.DB) *stmtCache {
	switch {
	case db.writeStmts != nil && pool == db.write:
		return db.writeStmts
	case db.readStmts != nil && pool == db.read:
		return db.readStmts
	}
	return nil
}

// readRow runs a one-row query on the read pool outside a transaction,
// bounded and classified as inTx does.
func (db *DB) readRow(ctx context.Context, query string, args []any, dest ...any) error {
	ctx, _, stop := db.watch(ctx)
	defer stop()
	var row *sql.Row
	stmts := db.stmtsOf(db.read)
	stmts.prepare(ctx)
	if s := stmts.get(query); s != nil {
		row = s.QueryRowContext(ctx, args...)
	} else {
		row = db.read.QueryRowContext(ctx, db.dialect.rebind(query), args...)
	}
	err := row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return unavailable(ctx, err)
}

// notFound is the error for an object missing from the actor's account;
// another account's object gets the same answer.
func notFound(what string) error {
	return taskbox.Errorf(taskbox.ENOTFOUND, "%s not found.", what)
}

// nullMicros returns a nullable stored time.
func nullMicros(t *taskbox.Timestamp) any {
	if t == nil {
		return nil
	}
	return t.Micros()
}

// timestampPtr converts a nullable stored time.
func timestampPtr(v sql.NullInt64) *taskbox.Timestamp {
	if !v.Valid {
		return nil
	}
	t := taskbox.TimestampFromMicros(v.Int64)
	return &t
}

// stringPtr converts a nullable stored string.
func stringPtr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// Redact returns a database name fit for logs: a URL's password is hidden.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// Analyze refreshes the query planner's statistics, as PostgreSQL's
// autovacuum does on its own after large changes and SQLite never does.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return err
}
