package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgWriters is how many group-commit transactions a server runs at once on
// PostgreSQL: two, so that one gathers and runs its statements while the
// other waits for its commit's WAL flush. Measured against one and four
// (docs/performance.md): more writers make smaller batches and more CPU
// per create; one leaves the server idle during each commit.
const pgWriters = 2

// connectTimeout bounds a new connection when the URL sets no connect_timeout.
const connectTimeout = 5 * time.Second

// openPostgres opens a pgx pool on a PostgreSQL URL, whose connections
// the reads and the writers (the group commit's) share in fixed parts,
// and a second one for the reads that are planned once (DB.inGeneric):
// PostgreSQL has no single-writer rule, and several taskbox servers may
// share the database. Every acknowledged commit is durable
// under PostgreSQL's default synchronous_commit=on.
func openPostgres(ctx context.Context, dsn string, o openOptions) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	// Without connect_timeout in the URL, a server that accepts TCP but
	// never answers would hold a new connection until the OS gives up.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if cfg.MaxConns < int32(4*runtime.GOMAXPROCS(0)) {
		cfg.MaxConns = int32(4 * runtime.GOMAXPROCS(0))
	}
	// Writes are group-committed here too: concurrent creates share one
	// transaction, so the row of task_day_counts that they all update (one
	// per account, status, due day and slot: see countSlot) is locked once
	// per batch instead of once per request, each waiting for the previous
	// one's commit; and one WAL flush serves the batch. pgWriters batches
	// run at once.
	reads, writers := int(cfg.MaxConns), pgWriters
	if o.without.NoGroupCommit {
		writers = reads - 2 // a transaction per request, several at once
	}
	// The pool holds the writers' connections besides the reads': a writer
	// never waits for a connection behind the reads, which would make
	// every request of its next batch wait too.
	cfg.MaxConns = int32(reads + writers)
	if o.without.NoStmtCache {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	}
	// The reads that DB.inGeneric runs have a pool of their own, as large
	// as the reads', whose connections plan each statement once.
	gcfg := cfg.Copy()
	gcfg.MaxConns = int32(reads)
	gcfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	gpool, err := pgxpool.NewWithConfig(ctx, gcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	// Two database/sql pools draw on the first, each bounded to its share
	// and keeping its connections (by default database/sql keeps two idle
	// and gives the others back to pgx's pool after every query): with the
	// bounds adding up to the pool's size, no query waits inside pgx's
	// pool, where a read could take the connection a writer waits for. A
	// third has the second pool to itself, bounded to its size alike.
	read, write, generic := stdlib.OpenDBFromPool(pool), stdlib.OpenDBFromPool(pool), stdlib.OpenDBFromPool(gpool)
	read.SetMaxOpenConns(reads)
	read.SetMaxIdleConns(reads)
	write.SetMaxOpenConns(writers)
	write.SetMaxIdleConns(writers)
	generic.SetMaxOpenConns(reads)
	generic.SetMaxIdleConns(reads)
	if err := errors.Join(read.PingContext(ctx), generic.PingContext(ctx)); err != nil {
		read.Close()
		write.Close()
		generic.Close()
		pool.Close()
		gpool.Close()
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db := &DB{write: write, read: read, generic: generic, dialect: postgresDialect{}, Now: nowFunc,
		closers: []func(){pool.Close, gpool.Close}, without: o.without}
	db.writer = startGroupCommit(db, writers)
	return db, nil
}
