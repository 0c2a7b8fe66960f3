package store

import (
	"context"
	"fmt"
	"runtime"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens a pgx pool on a PostgreSQL URL. Reads and writes share
// the pool: PostgreSQL has no single-writer rule, and several taskbox
// servers may share the database. Every acknowledged commit is durable
// under PostgreSQL's default synchronous_commit=on.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	if cfg.MaxConns < int32(4*runtime.GOMAXPROCS(0)) {
		cfg.MaxConns = int32(4 * runtime.GOMAXPROCS(0))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		pool.Close()
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	return &DB{write: sqldb, read: sqldb, dialect: postgresDialect{}, Now: nowFunc, closers: []func(){pool.Close}}, nil
}
